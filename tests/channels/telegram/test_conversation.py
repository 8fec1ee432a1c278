"""A week with the bot in Telegram, end to end, by webhook and by long polling.

Binding with /bind, a reminder with a keyboard per item, a reply to the reminder landing on its
item, button presses, /r, an edit, the report as a document, minutes sent as a file.
"""

from __future__ import annotations

from bot.context import Context
from bot.messages import Button, ChatRef, Document, Incoming, Outgoing
from tests.channels.telegram.conftest import LI, MOE, SEC, WANG, Telegram, seed
from tests.driver import Chat

GROUP = ChatRef("telegram", str(MOE))


async def reminder(telegram: Telegram, item_ids: list[int], *, round_key: str = "round-1") -> dict:
    """A reminder as the scheduler sends it (handlers/rounds.py): through the outbox, with a 回報 and a
    建議解除 button per item and its item ids."""
    items = telegram.bot.store.items(ids=item_ids)
    lines = [f"【列管事項提醒】教育部 {len(items)} 案"] + [f"#{i.label} {i.text}" for i in items]
    buttons = [b for i in items for b in (Button(f"回報 #{i.label}", f"回報 {i.label}"),
                                         Button(f"建議解除 #{i.label}", f"建議解除 {i.label}"))]
    telegram.runtime.outbox.enqueue(
        [Outgoing("\n".join(lines), chat=GROUP, buttons=buttons, item_ids=item_ids, kind="reminder")],
        origin=None, key=round_key)
    await telegram.flush()
    return telegram.last(MOE)


async def test_a_group_binds_with_slash_bind_and_the_answer_quotes_it(
        telegram: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    said = await telegram.bind(secretariat, MOE, LI, "教育部")

    assert said.startswith("已綁定：本群組為「教育部」聯絡群組。目前列管 2 案")
    assert telegram.bot.store.binding(chat=f"telegram:{MOE}") == "教育部"
    answer = telegram.last(MOE)
    assert answer["reply_to_message"]["text"].startswith("/bind@lieguan_bot ")


async def test_a_reminder_has_one_keyboard_row_per_item(telegram: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await telegram.bind(secretariat, MOE, LI, "教育部")
    ids = [i.id for i in telegram.bot.store.items(agencies=["教育部"])]

    sent = await reminder(telegram, ids)

    rows = [[(b["text"], b["callback_data"]) for b in row] for row in sent["reply_markup"]["inline_keyboard"]]
    assert rows == [[("回報 #1", "回報 1"), ("建議解除 #1", "建議解除 1")],
                    [("回報 #2", "回報 2"), ("建議解除 #2", "建議解除 2")]]
    assert telegram.bot.store.items_of_message(chat=GROUP.key, message_id=str(sent["message_id"])) == ids


async def test_a_reply_to_a_one_item_reminder_lands_on_its_item(telegram: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await telegram.bind(secretariat, MOE, LI, "教育部")
    [first] = telegram.bot.store.find_case(ref="1")
    sent = await reminder(telegram, [first.id])

    said = await telegram.send(telegram.says(MOE, LI, "已於5/12召開跨部會研商會議", reply_to=sent))

    assert said == ["已記錄 #1 辦理情形（115/11/23，教育部 user4242）。"]
    latest = telegram.bot.store.item(item_id=first.id).latest_reply()
    assert latest is not None and latest.text == "已於5/12召開跨部會研商會議"


async def test_a_reply_to_a_two_item_reminder_asks_which_and_a_button_answers(
        telegram: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await telegram.bind(secretariat, MOE, LI, "教育部")
    sent = await reminder(telegram, [i.id for i in telegram.bot.store.items(agencies=["教育部"])])

    [asked] = await telegram.send(telegram.says(MOE, LI, "人力已補足", reply_to=sent))
    assert "是哪一案" in asked
    question = telegram.last(MOE)
    assert [b["callback_data"] for row in question["reply_markup"]["inline_keyboard"] for b in row] == ["#1", "#2"]

    said = await telegram.send(telegram.presses(question, LI, "#2"))

    assert said == ["已記錄 #2 辦理情形（115/11/23，教育部 user4242）。"]
    assert [a["callback_query_id"] for a in telegram.api.callback_answers] != []
    latest = telegram.bot.store.find_case(ref="2")[0].latest_reply()
    assert latest is not None and latest.text == "人力已補足"


async def test_pressing_a_reminder_button_runs_its_command_and_is_acknowledged(
        telegram: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await telegram.bind(secretariat, MOE, LI, "教育部")
    sent = await reminder(telegram, [telegram.bot.store.find_case(ref="1")[0].id])

    press = telegram.presses(sent, LI, "建議解除 1")
    said = await telegram.send(press)

    assert said == ["請寫明建議解除的理由，例如「建議解除 1 轉介流程已函頒各縣市」。"]
    [answer] = telegram.api.callback_answers
    assert answer["callback_query_id"] == press["callback_query"]["id"]


async def test_slash_r_reports_in_a_group(telegram: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await telegram.bind(secretariat, MOE, LI, "教育部")

    said = await telegram.send(telegram.says(MOE, LI, "/r@lieguan_bot 2 輔導人力已補足 3 名"))

    assert said == ["已記錄 #2 辦理情形（115/11/23，教育部 user4242）。"]


async def test_ordinary_talk_in_a_group_gets_no_answer(telegram: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await telegram.bind(secretariat, MOE, LI, "教育部")

    assert await telegram.send(telegram.says(MOE, LI, "大家午安，下午的會議改到三點")) == []


async def test_an_edited_reply_edits_what_it_carried_and_keeps_the_first_version(
        telegram: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await telegram.bind(secretariat, MOE, LI, "教育部")
    [first] = telegram.bot.store.find_case(ref="1")
    sent = await reminder(telegram, [first.id])
    original = telegram.says(MOE, LI, "初稿已完成", reply_to=sent)
    await telegram.send(original)

    said = await telegram.send(telegram.edits(original, "定稿已函頒"))

    assert said == ["已更新 #1 的辦理情形。"]
    item = telegram.bot.store.item(item_id=first.id)
    assert item.latest_reply().text == "定稿已函頒"  # type: ignore[union-attr]
    assert [r.text for r in item.replies if r.superseded] == ["初稿已完成"]


async def test_an_edited_slash_r_keeps_only_the_new_text(telegram: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await telegram.bind(secretariat, MOE, LI, "教育部")
    original = telegram.says(MOE, LI, "/r 1 初稿")
    await telegram.send(original)

    await telegram.send(telegram.edits(original, "/r 1 定稿"))

    assert telegram.bot.store.find_case(ref="1")[0].latest_reply().text == "定稿"  # type: ignore[union-attr]


async def test_the_report_arrives_as_a_document(telegram: Telegram, secretariat: Chat) -> None:
    await telegram.bind(secretariat, SEC, WANG, "秘書處")
    report = Document("第6次會議前次會議決議辦理情形.docx", b"PK\x03\x04 report", "application/vnd.openxmlformats-"
                      "officedocument.wordprocessingml.document")
    telegram.runtime.outbox.enqueue([Outgoing("第6次會議「前次會議決議辦理情形」已產生：3 案。", document=report,
                                              chat=ChatRef("telegram", str(SEC)))], origin=None, key="report-6")
    await telegram.flush()

    [sent] = telegram.api.sent_documents(SEC)
    assert (sent.name, sent.data) == (report.filename, report.content)
    assert telegram.last(SEC)["caption"] == "第6次會議「前次會議決議辦理情形」已產生：3 案。"


async def test_a_start_link_with_a_code_binds_the_group_it_added_the_bot_to(
        telegram: Telegram, secretariat: Chat) -> None:
    answer = (await secretariat.send("綁定碼 秘書處"))[0].text
    code = answer.split("「綁定 ")[1].split("」")[0]

    # t.me/lieguan_bot?startgroup=CODE adds the bot and sends this in the group
    [said] = await telegram.send(telegram.says(SEC, WANG, f"/start@lieguan_bot {code}"))

    assert said.startswith("已綁定：本群組為「秘書處」群組")


async def test_start_in_a_private_chat_greets_and_says_what_to_do(telegram: Telegram) -> None:
    [said] = await telegram.send(telegram.says(WANG, WANG, "/start"))
    assert said.startswith("您好，我是列管小幫手")


async def test_minutes_sent_as_a_file_reach_the_bot_as_an_attachment(telegram: Telegram) -> None:
    received: list[Incoming] = []

    async def keep(msg: Incoming, ctx: Context) -> list[Outgoing] | None:  # the import's stand-in
        received.append(msg)
        return [Outgoing(f"收到 {msg.attachment.filename}")] if msg.attachment else None

    telegram.bot.router.fallbacks.insert(0, keep)
    document = telegram.api.add_file("minutes-5", "第5次會議紀錄……".encode(), "第5次會議紀錄.docx")

    said = await telegram.send(telegram.says(WANG, WANG, None, document=document))

    assert said == ["收到 第5次會議紀錄.docx"]
    assert received[0].attachment is not None and received[0].attachment.content == "第5次會議紀錄……".encode()
    assert received[0].chat_kind == "private"


async def test_a_file_over_twenty_megabytes_is_declined_politely(telegram: Telegram) -> None:
    document = telegram.api.add_file("huge", b"%PDF", "會議紀錄掃描檔.pdf") | {"file_size": 25 * 1024 * 1024}

    [said] = await telegram.send(telegram.says(WANG, WANG, None, document=document))

    assert "超過 20 MB" in said and "會議紀錄掃描檔.pdf" in said
    assert "getFile" not in [c.method for c in telegram.api.calls]


async def test_a_file_in_a_group_not_meant_for_the_bot_is_not_fetched(telegram: Telegram) -> None:
    document = telegram.api.add_file("photo-doc", b"data", "照片.zip")

    assert await telegram.send(telegram.says(MOE, LI, None, document=document)) == []
    assert "getFile" not in [c.method for c in telegram.api.calls]


async def test_a_group_that_becomes_a_supergroup_keeps_its_binding(telegram: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    old = -4000001
    await telegram.bind(secretariat, old, LI, "教育部")
    moved = telegram.says(old, LI, None)
    moved["message"]["migrate_to_chat_id"] = MOE

    assert await telegram.send(moved) == []

    assert telegram.bot.store.binding(chat=f"telegram:{MOE}") == "教育部"
    assert telegram.bot.store.binding(chat=f"telegram:{old}") is None
