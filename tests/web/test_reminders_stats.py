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
