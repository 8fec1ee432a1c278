"""Replies land on the right item: '#N …', a quote of the bot's message, 建議解除, edits, sub-units."""

from __future__ import annotations

import asyncio

from bot.core import Bot
from tests.conftest import bind_agency
from tests.driver import Chat


def setup(secretariat: Chat) -> Chat:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請教育部提出轉介流程 主辦：教育部 期限：下次會議")
    secretariat.run("新增 請教育部留意輔導人力 主辦：教育部")
    secretariat.run("新增 請保護司檢討 主辦：保護司")
    secretariat.run("新增 請各部會檢視整合不足之處 主辦：各部會")
    return bind_agency(secretariat, "教育部", "line:Cmoe")


def test_hash_reply_is_stored_and_acknowledged_in_one_line(secretariat: Chat, bot: Bot) -> None:
    moe = setup(secretariat)
    answer = moe.run("＃１ 已於5/12召開跨部會研商會議")  # full-width is fine
    assert answer == "已記錄 #1 辦理情形（115/11/23，教育部 李先生）。"
    reply = bot.store.find_case(ref="1")[0].latest_reply()
    assert reply is not None and reply.text == "已於5/12召開跨部會研商會議" and reply.agency == "教育部"


def test_reply_quoting_a_reminder_with_one_item_lands_on_it(secretariat: Chat, bot: Bot) -> None:
    moe = setup(secretariat)
    item = bot.store.find_case(ref="1")[0]
    bot.store.record_sent(chat="line:Cmoe", message_ids=["bot-msg-1"], item_ids=[item.id])
    assert "已記錄 #1" in moe.run("草案已完成", reply_to="bot-msg-1")
    assert bot.store.item(item_id=item.id).latest_reply().text == "草案已完成"  # type: ignore[union-attr]


def test_quoting_a_reminder_with_several_items_asks_which(secretariat: Chat, bot: Bot) -> None:
    moe = setup(secretariat)
    ids = [i.id for i in bot.store.items()]
    bot.store.record_sent(chat="line:Cmoe", message_ids=["bot-msg-2"], item_ids=ids)
    asyncio.run(moe.send("人力已補足", reply_to="bot-msg-2"))
    asked = moe.last[0]
    assert "是哪一案" in asked.text
    # 教育部's own items, and #4 for 各部會, of which it is one; not 保護司's #3
    assert [b.label for b in asked.quick_replies] == ["#1", "#2", "#4"]
    assert "已記錄 #2" in moe.run(asked.quick_replies[1].data, postback=True)
    assert bot.store.find_case(ref="2")[0].latest_reply().text == "人力已補足"  # type: ignore[union-attr]


def test_ask_release_reaches_the_secretariat_at_once(secretariat: Chat, bot: Bot) -> None:
    moe = setup(secretariat)
    answers = asyncio.run(moe.send("建議解除 1 轉介流程已函頒各縣市"))
    assert answers[0].text == "已送秘書處：#1 建議解除列管。"
    notice = answers[1]
    assert notice.chat is not None and notice.chat.key == "line:Csecretariat"
    assert "教育部建議解除 #1" in notice.text and "轉介流程已函頒各縣市" in notice.text


def test_an_edited_message_edits_its_reply_and_keeps_the_old_version(secretariat: Chat, bot: Bot) -> None:
    moe = setup(secretariat)
    moe.run("#1 初稿", message_id="m-edit")
    assert "已更新 #1" in moe.run("#1 定稿", message_id="m-edit", edited=True)
    item = bot.store.find_case(ref="1")[0]
    assert item.latest_reply().text == "定稿"  # type: ignore[union-attr]
    assert [r.text for r in item.replies if r.superseded] == ["初稿"]


def test_a_parent_ministry_replies_for_its_sub_unit(secretariat: Chat, bot: Bot) -> None:
    setup(secretariat)
    mohw = bind_agency(secretariat, "衛生福利部", "line:Cmohw")
    assert "#3" in mohw.run("我的案件")
    assert "已記錄 #3" in mohw.run("#3 已檢討")
    assert bot.store.find_case(ref="3")[0].latest_reply().agency == "衛生福利部保護服務司"  # type: ignore[union-attr]


def test_each_ministry_answers_a_collective_item_for_itself(secretariat: Chat, bot: Bot) -> None:
    moe = setup(secretariat)
    mol = bind_agency(secretariat, "勞動部", "line:Cmol")
    moe.run("#4 教育部已檢視")
    assert "#4" in secretariat.run("未回報") and "勞動部 #4" in secretariat.run("未回報")
    mol.run("#4 勞動部已檢視")
    agencies = {r.agency for r in bot.store.find_case(ref="4")[0].current_replies}
    assert agencies == {"教育部", "勞動部"}
    assert "#4" not in secretariat.run("未回報")


def test_an_edited_command_reply_keeps_only_the_new_text(secretariat: Chat, bot: Bot) -> None:
    moe = setup(secretariat)
    moe.run("/r 1 初稿", message_id="m-r")
    moe.run("/r@lieguan_bot 1 定稿", message_id="m-r", edited=True)
    assert bot.store.find_case(ref="1")[0].latest_reply().text == "定稿"  # type: ignore[union-attr]


def test_last_reply_dates_are_taipei_dates(secretariat: Chat, bot: Bot, clock: object) -> None:
    from datetime import UTC, datetime

    moe = setup(secretariat)
    clock.now = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # type: ignore[attr-defined]  # 11/24 07:30 in Taipei
    moe.run("#1 清晨回報")
    assert "上次回報：115/11/24" in moe.run("我的案件")


def test_a_message_handled_again_stores_its_reply_once(secretariat: Chat, bot: Bot) -> None:
    """After a crash an event is handled again: the reply it stored is not stored a second time."""
    moe = setup(secretariat)
    first = moe.run("#1 已函頒轉介流程", message_id="m-again")
    again = moe.run("#1 已函頒轉介流程", message_id="m-again")
    assert first == again == "已記錄 #1 辦理情形（115/11/23，教育部 李先生）。"
    assert [r.text for r in bot.store.find_case(ref="1")[0].replies] == ["已函頒轉介流程"]
    moe.run("#2 已函頒轉介流程", message_id="m-again")  # the same message id on another item is another reply
    moe.run("#1 人力已補足")  # and another message on the same item too
    assert [r.text for r in bot.store.find_case(ref="1")[0].replies] == ["已函頒轉介流程", "人力已補足"]
    assert len(bot.store.find_case(ref="2")[0].replies) == 1


def test_replies_without_a_message_id_are_never_taken_for_repeats(secretariat: Chat, bot: Bot) -> None:
    setup(secretariat)
    item = bot.store.find_case(ref="1")[0]
    stored = {bot.store.add_reply(item_id=item.id, agency="教育部", text="同一段話", author="cli", chat="cli")
              for _ in range(2)}
    assert len(stored) == 2


def test_the_report_button_asks_for_a_reply_that_lands_on_its_item(secretariat: Chat, bot: Bot) -> None:
    moe = setup(secretariat)
    prompt = asyncio.run(moe.send("回報 2", postback=True))[0]
    assert "請直接回覆這則訊息" in prompt.text and prompt.item_ids == [bot.store.find_case(ref="2")[0].id]
    bot.store.record_sent(chat="line:Cmoe", message_ids=["prompt-1"], item_ids=prompt.item_ids)
    assert "已記錄 #2" in moe.run("人力已補足", reply_to="prompt-1")
