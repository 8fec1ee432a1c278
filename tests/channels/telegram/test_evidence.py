"""佐證 on Telegram: photos (largest size) and documents from an agency's group, fetched with getFile
from the fake's /file/bot<token>/… through the real python-telegram-bot, posted to the webhook."""

from __future__ import annotations

from bot.evidence.jobs import FetchRunner
from tests.channels.telegram.conftest import LI, MOE, Telegram, seed
from tests.driver import Chat

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n" + b"0" * 3000
JPEG = b"\xff\xd8\xff\xdb\x00\x43\x00" + bytes(range(256)) * 30


def fetcher(tg: Telegram) -> FetchRunner:
    assert tg.runtime.fetcher is not None
    return tg.runtime.fetcher


async def delivered(tg: Telegram, update: dict) -> list[str]:
    """Post the update, fetch what it asks for, and return what the bot said."""
    before = len(tg.api.sent())
    await tg.deliver(update)
    await tg.flush()
    await fetcher(tg).flush()
    await tg.flush()
    return tg.api.texts()[before:]


async def bound(webhook: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    assert "已綁定" in await webhook.bind(secretariat, MOE, LI, "教育部")


async def test_a_pdf_with_a_caption_is_a_reply_with_its_evidence(webhook: Telegram, secretariat: Chat) -> None:
    await bound(webhook, secretariat)
    doc = webhook.api.add_file("f-plan", PDF, "轉介流程.pdf")
    [said] = await delivered(webhook, webhook.says(MOE, LI, None, document=doc, caption="#1 轉介流程已函頒"))

    assert said.startswith("已記錄 #1 辦理情形與佐證「轉介流程.pdf」")
    [item] = webhook.bot.store.find_case(ref="1")
    reply = item.latest_reply()
    assert reply is not None and reply.text == "轉介流程已函頒"
    [file] = webhook.bot.store.evidence_of(item_ids=[item.id])
    assert (file.reply_id, file.mime, file.size) == (reply.id, "application/pdf", len(PDF))


async def test_a_photo_after_a_reply_keeps_its_largest_size(webhook: Telegram, secretariat: Chat) -> None:
    await bound(webhook, secretariat)
    await webhook.send(webhook.says(MOE, LI, "/r 2 輔導人力已補足"))
    update = webhook.says(MOE, LI, None)
    update["message"]["photo"] = webhook.api.add_photo("p-site", JPEG)
    [said] = await delivered(webhook, update)

    assert said.startswith("已記錄 #2 佐證「照片_")
    [item] = webhook.bot.store.find_case(ref="2")
    [file] = webhook.bot.store.evidence_of(item_ids=[item.id])
    assert file.size == len(JPEG) and file.mime == "image/jpeg"


async def test_a_file_for_another_agencys_item_is_refused(webhook: Telegram, secretariat: Chat) -> None:
    await bound(webhook, secretariat)
    doc = webhook.api.add_file("f-other", PDF, "就業銜接.pdf")
    [said] = await delivered(webhook, webhook.says(MOE, LI, None, document=doc, caption="#3 已研議"))

    assert "沒有保存" in said and "#3 不是教育部的列管案" in said
    assert webhook.bot.store.evidence_of(item_ids=[i.id for i in webhook.bot.store.items()]) == []
    assert webhook.bot.store.find_case(ref="3")[0].latest_reply() is None


async def test_a_25_mb_document_is_refused_without_asking_telegram_for_it(
        webhook: Telegram, secretariat: Chat) -> None:
    await bound(webhook, secretariat)
    doc = webhook.api.add_file("f-big", b"%PDF-1.7\n" + b"0" * (25 * 1024 * 1024), "全部掃描.pdf")
    [said] = await delivered(webhook, webhook.says(MOE, LI, None, document=doc, caption="#1"))

    assert "超過佐證檔案 20 MB 的上限" in said
    assert not [c for c in webhook.api.calls if c.method.lower() == "getfile"]


async def test_a_file_telegram_no_longer_has_is_asked_for_again(webhook: Telegram, secretariat: Chat) -> None:
    await bound(webhook, secretariat)
    doc = webhook.api.add_file("f-gone", PDF, "名冊.pdf")
    webhook.api.forget_file("f-gone")
    [said] = await delivered(webhook, webhook.says(MOE, LI, None, document=doc, caption="#1"))
    assert "已經過期或無法取得，沒有保存。請再傳一次" in said


async def test_a_download_that_fails_with_5xx_is_tried_again(webhook: Telegram, secretariat: Chat) -> None:
    await bound(webhook, secretariat)
    webhook.api.download_failures.extend([502])
    doc = webhook.api.add_file("f-retry", PDF, "名冊.pdf")
    assert await delivered(webhook, webhook.says(MOE, LI, None, document=doc, caption="#1 名冊")) == []
    webhook.clock.advance(seconds=2)
    await fetcher(webhook).flush()
    await webhook.flush()
    assert webhook.api.texts()[-1].startswith("已記錄 #1 辦理情形與佐證「名冊.pdf」")


async def test_a_photo_that_names_no_item_is_asked_about_with_buttons(webhook: Telegram, secretariat: Chat) -> None:
    await bound(webhook, secretariat)
    update = webhook.says(MOE, LI, None)
    update["message"]["photo"] = webhook.api.add_photo("p-which", JPEG)
    [asked] = await delivered(webhook, update)
    assert asked.startswith("收到「照片_") and "這是哪一案的佐證？" in asked

    question = webhook.last(MOE)
    buttons = [b for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["#1", "#2"]
    [said] = await delivered(webhook, webhook.presses(question, LI, buttons[1]["callback_data"]))
    assert said.startswith("已記錄 #2 佐證「照片_")
    [item] = webhook.bot.store.find_case(ref="2")
    assert len(webhook.bot.store.evidence_of(item_ids=[item.id])) == 1
