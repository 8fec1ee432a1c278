"""提醒 and 統計 on the desk."""

from __future__ import annotations

import csv
import io
import re

from aiohttp.test_utils import TestClient

from tests.web.conftest import Desk, sign_in


async def test_reminders_show_the_schedule_the_next_round_per_chat_and_days_off(seeded: Desk, client: TestClient) -> None:
    assert "停止上班" in "\n".join(o.text for o in await seeded.secretariat.send("停班 115/11/27 颱風"))
    await sign_in(client, seeded.bot)
    html = await (await client.get("/reminders")).text()
    assert "每週一 09:30" in html
    assert "115年11月27日（星期五）：颱風" in html
    assert "line:Cedu" in html and "line:Cmohw" in html  # what each bound chat would get now
    assert "內政部：尚未綁定群組，1 案無人提醒" in html


async def test_a_sent_round_is_listed_with_each_chats_delivery(seeded: Desk, client: TestClient) -> None:
    from bot.rounds import send_now

    send_now(seeded.bot, ["line"])
    await sign_in(client, seeded.bot)
    html = await (await client.get("/reminders")).text()
    assert "過去的提醒" in html and "等待寄出" in html and "line:Cedu" in html


async def test_stats_draw_each_agencys_reply_rate_and_download_as_csv(seeded: Desk, client: TestClient) -> None:
    await sign_in(client, seeded.bot)
    html = await (await client.get("/stats")).text()
    assert html.count("<svg") == 2 and "教育部：1 / 3" in html
    assert re.search(r"衛生福利部：1 / 2", html)  # 建議解除 counts as answered
    answer = await client.get("/stats.csv")
    assert answer.status == 200 and "attachment" in answer.headers["Content-Disposition"]
    raw = await answer.read()
    assert raw.startswith("\ufeff".encode())
    rows = {row[0]: row for row in csv.reader(io.StringIO(raw.decode("utf-8-sig")))}
    assert rows["教育部"][1:6] == ["3", "3", "1", "3", "33%"]
    assert rows["衛生福利部"][8:10] == ["1", "33%"]  # #5 released
    assert "會議外新增" in html


async def test_stats_count_replies_per_meeting_round(seeded: Desk, client: TestClient) -> None:
    assert "已記錄" in "\n".join(o.text for o in await seeded.secretariat.send("會議 第6次 115/11/20"))
    await sign_in(client, seeded.bot)
    html = await (await client.get("/stats")).text()
    assert "<th>第一次會議前</th><th>第6次會議後</th>" in html
    assert "<tr><td>教育部</td><td>—</td><td>1/3（33%）</td></tr>" in html
    raw = (await (await client.get("/stats.csv")).read()).decode("utf-8-sig")
    rows = {row[0]: row for row in csv.reader(io.StringIO(raw))}
    assert rows["機關"][-1] == "第6次會議後回報" and rows["教育部"][-1] == "1/3"


async def test_the_schedule_meeting_and_days_off_change_through_the_chats_own_commands(
        seeded: Desk, client: TestClient) -> None:
    csrf = await sign_in(client, seeded.bot)
    changed = await client.post("/reminders", data={"csrf": csrf, "what": "schedule", "weekday": "三", "time": "14:00"})
    assert changed.status == 200 and "已更新" in await changed.text()
    body = seeded.bot.store.bodies()[0]
    assert (body.reminder_weekday, body.reminder_time) == (2, "14:00")
    meeting = await client.post("/reminders", data={"csrf": csrf, "what": "meeting", "day": "115/12/14"})
    assert "下次會議 115年12月14日" in await meeting.text()
    off = await client.post("/reminders", data={"csrf": csrf, "what": "dayoff", "day": "115/12/1", "reason": "颱風"})
    assert "停止上班（颱風）" in await off.text()
    assert [d.reason for d in seeded.bot.store.days_off()] == ["颱風"]
    undone = await client.post("/reminders", data={"csrf": csrf, "what": "undo-dayoff", "day": "115/12/1"})
    assert "已取消" in await undone.text() and seeded.bot.store.days_off() == []
    wrong = await client.post("/reminders", data={"csrf": csrf, "what": "meeting", "day": "115/13/40"})
    assert wrong.status == 400 and "不是有效日期" in await wrong.text()
    from sqlmodel import Session, select

    from storage.models import Audit

    with Session(seeded.bot.store.engine) as s:
        actions = [(a.actor, a.action) for a in s.exec(select(Audit).where(Audit.chat == "web:desk"))]
    assert actions[:2] == [("web:line:Usec", "body.update")] * 2
    assert ("web:line:Usec", "calendar.set") in actions
