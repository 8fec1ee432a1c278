"""The fake Telegram Bot API answers the real python-telegram-bot the way Telegram does."""

from __future__ import annotations

import asyncio
import datetime as dtm
import warnings
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from tests.fakes import ManualClock
from tests.fakes.telegram_api import FakeTelegramApi

TOKEN = "123456:TEST-token"
GROUP = -1001234567890
USER = 42


def retry_seconds(error: RetryAfter) -> float:
    # PTB 22 gives an int (with a deprecation warning) unless PTB_TIMEDELTA is set.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def tg(clock: ManualClock) -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi(token=TOKEN, clock=clock) as fake:
        fake.add_chat(GROUP, title="衛福部聯絡群")
        fake.add_chat(USER)
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegramApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=tg.base_url, base_file_url=tg.base_file_url) as real_bot:
        yield real_bot


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "lieguan_bot")


async def test_send_message_with_an_inline_keyboard(tg: FakeTelegramApi, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("擬解除", callback_data="release:12")]])
    first = await bot.send_message(GROUP, "案 12 請回報辦理情形", reply_markup=keyboard)
    second = await bot.send_message(GROUP, "案 13 請回報辦理情形")

    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.title == "衛福部聯絡群"
    assert first.reply_markup == keyboard
    assert tg.texts(chat_id=GROUP) == ["案 12 請回報辦理情形", "案 13 請回報辦理情形"]
    assert [c.method for c in tg.calls] == ["getMe", "sendMessage", "sendMessage"]


async def test_a_reply_quotes_the_message_it_answers(tg: FakeTelegramApi, bot: Bot) -> None:
    asked = tg.push_update(tg.message_update(GROUP, USER, "/r 12 已完成"))["message"]
    answer = await bot.send_message(GROUP, "已記錄", reply_to_message_id=asked["message_id"])
    assert answer.reply_to_message is not None and answer.reply_to_message.text == "/r 12 已完成"


async def test_a_message_over_4096_characters_is_refused(tg: FakeTelegramApi, bot: Bot) -> None:
    await bot.send_message(USER, "字" * 4096)
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(USER, "字" * 4097)
    assert len(tg.sent(chat_id=USER)) == 1


async def test_an_unknown_chat_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="not found"):
        await bot.send_message(-999, "哈囉")


async def test_html_counts_and_shows_only_the_visible_text(tg: FakeTelegramApi, bot: Bot) -> None:
    sent = await bot.send_message(USER, "<b>案 12</b> 逾期", parse_mode="HTML")
    assert sent.text == "案 12 逾期"
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await bot.send_message(USER, "<br>換行", parse_mode="HTML")


async def test_send_document_uploads_the_file(tg: FakeTelegramApi, bot: Bot) -> None:
    message = await bot.send_document(
        GROUP, InputFile(b"PK\x03\x04report", filename="辦理情形.docx"), caption="前次會議決議辦理情形"
    )

    assert message.document is not None and message.document.file_name == "辦理情形.docx"
    [uploaded] = tg.sent_documents(chat_id=GROUP)
    assert (uploaded.name, uploaded.data) == ("辦理情形.docx", b"PK\x03\x04report")
    assert tg.texts(chat_id=GROUP) == ["前次會議決議辦理情形"]


async def test_a_users_document_downloads_through_get_file(tg: FakeTelegramApi, bot: Bot) -> None:
    tg.add_file("doc-1", b"%PDF minutes", "會議紀錄.pdf")
    file = await bot.get_file("doc-1")
    assert bytes(await file.download_as_bytearray()) == b"%PDF minutes"
    with pytest.raises(BadRequest):
        await bot.get_file("no-such-file")


async def test_commands_are_set_and_read_back(bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("bind", "綁定機關"), BotCommand("r", "回報辦理情形")])
    assert [c.command for c in await bot.get_my_commands()] == ["bind", "r"]
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("綁定", "中文指令不行")])


async def test_get_updates_returns_queued_updates_until_confirmed(tg: FakeTelegramApi, bot: Bot) -> None:
    tg.push_update(tg.message_update(GROUP, USER, "/bind ABC123"))

    [update] = await bot.get_updates()
    assert update.message is not None and update.message.text == "/bind ABC123"
    assert update.effective_chat is not None and update.effective_chat.id == GROUP
    assert await bot.get_updates(offset=update.update_id + 1) == ()


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(tg: FakeTelegramApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.1)
    tg.push_update(tg.message_update(USER, USER, "說明"))

    updates = await asyncio.wait_for(poll, timeout=5)
    assert [u.message.text for u in updates if u.message] == ["說明"]


async def test_an_injected_429_surfaces_as_retry_after(tg: FakeTelegramApi, bot: Bot) -> None:
    tg.fail_next(429, retry_after=7, method="sendMessage")
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(GROUP, "提醒")
    assert retry_seconds(raised.value) == 7
    await bot.send_message(GROUP, "提醒")
    assert tg.texts() == ["提醒"]


async def test_an_injected_500_surfaces_as_network_error(tg: FakeTelegramApi, bot: Bot) -> None:
    tg.fail_next(500)
    with pytest.raises(NetworkError):
        await bot.send_message(GROUP, "提醒")


async def test_a_chat_allows_a_short_burst_then_about_one_message_a_second(
    tg: FakeTelegramApi, bot: Bot, clock: ManualClock
) -> None:
    for n in range(3):
        await bot.send_message(USER, f"第{n}則")
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(USER, "太快了")
    assert retry_seconds(raised.value) == 1

    clock.advance(1)
    await bot.send_message(USER, "可以了")


async def test_a_group_takes_at_most_twenty_messages_a_minute(
    tg: FakeTelegramApi, bot: Bot, clock: ManualClock
) -> None:
    for n in range(20):
        await bot.send_message(GROUP, f"案 {n}")
        clock.advance(1)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(GROUP, "案 20")
    assert retry_seconds(raised.value) == 40

    tg.rate_limits = False
    await bot.send_message(GROUP, "案 20")


async def test_a_wrong_token_is_invalid(tg: FakeTelegramApi) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("123456:WRONG", base_url=tg.base_url):
            pass
    assert tg.calls[-1].status == 401


async def test_edit_message_text_and_the_not_modified_error(tg: FakeTelegramApi, bot: Bot) -> None:
    sent = await bot.send_message(GROUP, "案 12：未回報")
    edited = await bot.edit_message_text("案 12：已回報", chat_id=GROUP, message_id=sent.message_id)

    assert isinstance(edited, type(sent)) and edited.text == "案 12：已回報"
    assert tg.texts(chat_id=GROUP) == ["案 12：已回報"]
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("案 12：已回報", chat_id=GROUP, message_id=sent.message_id)


async def test_a_callback_query_is_answered_once(tg: FakeTelegramApi, bot: Bot) -> None:
    sent = await bot.send_message(
        GROUP,
        "案 12",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("擬解除", callback_data="release:12")]]),
    )
    update = tg.push_update(tg.callback_update(sent.to_dict(), USER, "release:12"))
    query_id = update["callback_query"]["id"]

    assert await bot.answer_callback_query(query_id, text="已記錄")
    with pytest.raises(BadRequest, match="too old"):
        await bot.answer_callback_query(query_id)
    assert tg.callback_answers[0]["text"] == "已記錄"


async def test_a_webhook_receives_updates_with_the_secret_and_blocks_polling(
    tg: FakeTelegramApi, bot: Bot
) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []

    async def receive(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/webhooks/telegram", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        await bot.set_webhook(f"http://127.0.0.1:{port}/webhooks/telegram", secret_token="s3cret")
        assert (await bot.get_webhook_info()).url.endswith("/webhooks/telegram")
        with pytest.raises(Conflict):
            await bot.get_updates()

        status = await tg.post_to_webhook(tg.message_update(GROUP, USER, "/help"))
    finally:
        await runner.cleanup()

    assert status == 200
    assert received[0][0] == "s3cret"
    assert received[0][1]["message"]["text"] == "/help"  # type: ignore[index]


async def test_stopping_the_fake_releases_a_pending_long_poll(tg: FakeTelegramApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.1)

    await asyncio.wait_for(tg.stop(), timeout=5)

    assert await asyncio.wait_for(poll, timeout=5) == ()


async def test_a_chat_that_removed_the_bot_is_forbidden(tg: FakeTelegramApi, bot: Bot) -> None:
    tg.kick(GROUP)
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(GROUP, "提醒")
