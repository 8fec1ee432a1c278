"""Importing minutes in a chat: read, reviewed, saved only on 確認匯入, and only once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core import Bot
from bot.messages import Attachment
from tests.driver import Chat

SEEDS = Path(__file__).parents[1] / "data" / "minutes"
SEED_000 = (SEEDS / "000_663eb93f7475aed5.txt").read_text(encoding="utf-8")


def test_pasted_minutes_are_summarised_and_nothing_is_saved_yet(secretariat: Chat, bot: Bot) -> None:
    answer = secretariat.run("匯入\n" + SEED_000)  # well over the 5,000-character limit of ordinary messages
    assert "已讀取「強化社會安全網中央跨部會平台第5次會議紀錄」（109年3月11日）" in answer
    assert "解除列管 7 案（2、3、4、5、7、10、11）" in answer and "繼續列管 3 案（1、6、8）" in answer
    assert "另案處理 1 案（9）" in answer
    assert "第3案" in answer and "回覆「確認匯入」存檔" in answer
    assert bot.store.items(status="all") == [] and bot.store.bodies() == []


def test_confirming_saves_reviews_renewals_and_new_items(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    answer = secretariat.run("確認匯入")
    assert answer.startswith("已存檔：新增 13 案（12–24），更新 0 案。")
    assert "前次列管案 11 案" in answer and "下次會議：尚未設定" in answer
    body = bot.store.bodies()[0]
    assert (body.name, body.last_meeting_number, str(body.last_meeting_date)) == (
        "強化社會安全網中央跨部會平台", 5, "2020-03-11")
    statuses = {i.case: i.status for i in bot.store.items(status="all")}
    assert statuses["2"] == "released" and statuses["1"] == "continued" and statuses["9"] == "other"
    assert bot.store.find_case(ref="6")[0].warning is None  # renewed with text and agency: complete
    nine = bot.store.find_case(ref="9")[0]
    assert nine.leads == ["衛生福利部", "法務部"] and nine.warning  # first seen here: flagged to complete
    three = bot.store.find_case(ref="3")[0]
    assert three.status == "released" and "繼續列管或解除列管" in (three.warning or "")
    assert "脆弱家庭服務方案" in three.text  # what the minutes say is kept


def test_the_secretariat_settles_a_contradiction_and_the_warning_goes(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    secretariat.run("確認匯入")
    assert "待確認" in secretariat.run("案 3")
    secretariat.run("繼續列管 3")
    three = bot.store.find_case(ref="3")[0]
    assert three.status == "continued" and three.warning is None


def test_importing_the_same_minutes_twice_changes_nothing(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    secretariat.run("確認匯入")
    before = bot.store.items(status="all")
    secretariat.run("匯入\n" + SEED_000)
    assert "已經匯入過了" in secretariat.run("確認匯入")
    assert bot.store.items(status="all") == before


def test_cancel_drops_the_pending_minutes(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    assert "已取消" in secretariat.run("取消")
    assert "目前沒有等待確認" in secretariat.run("確認匯入")
    assert bot.store.bodies() == []


def test_minutes_sent_as_a_file_are_offered_for_import(secretariat: Chat, bot: Bot) -> None:
    attachment = Attachment("第5次會議紀錄.txt", SEED_000.encode("utf-8"))
    answers = asyncio.run(secretariat.send("", attachment=attachment))
    assert "已讀取「強化社會安全網中央跨部會平台第5次會議紀錄」" in answers[0].text


def test_a_binary_file_gets_a_clear_message(secretariat: Chat, bot: Bot) -> None:
    answers = asyncio.run(secretariat.send("", attachment=Attachment("scan.pdf", b"%PDF-1.4 \x00\x01\x02")))
    assert answers and "PDF" in answers[0].text and bot.store.bodies() == []


def test_text_without_decisions_saves_nothing(secretariat: Chat, bot: Bot) -> None:
    answer = secretariat.run("匯入 今天天氣很好，大家辛苦了。")
    assert "找不到決議" in answer and bot.store.bodies() == []


def test_contacts_cannot_import(secretariat: Chat, bot: Bot) -> None:
    contact = Chat(bot, "line:Cother")
    assert "尚未綁定" in contact.run("匯入\n" + SEED_000[:1000])
