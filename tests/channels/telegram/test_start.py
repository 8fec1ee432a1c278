"""Starting and stopping: webhook or long polling, the command menu, a bad token, a crash taken up again."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_runtime
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram.channel import file_url
from bot.core import Bot
from storage.store import Store
from tests.channels.telegram.conftest import LI, MOE, TOKEN, WANG, Telegram, running
from tests.conftest import Clock
from tests.fakes.telegram_api import FakeTelegramApi

DEFAULT = '{"type": "default"}|'
GROUPS = '{"type": "all_group_chats"}|'


def test_the_file_url_follows_the_api_url() -> None:
    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url("https://tg.example.gov.tw/proxy/bot{token}") == "https://tg.example.gov.tw/proxy/file/bot{token}"


async def test_without_a_public_url_the_bot_polls(polling: Telegram) -> None:
    methods = [c.method for c in polling.api.calls]
    assert "deleteWebhook" in methods and "setWebhook" not in methods
    assert polling.channel.mode == "polling"

    assert await polling.send(polling.says(WANG, WANG, "/help")) != []
    assert "getupdates" in [c.method for c in polling.api.calls]


async def test_telegram_out_of_reach_at_start_is_retried_not_fatal(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    async with FakeTelegramApi(token=TOKEN) as api:
        gone = api.base_url
    bot.settings = bot.settings.model_copy(update={"telegram_token": TOKEN, "telegram_api_url": gone})
    [channel] = build_runtime(bot).channels
    with caplog.at_level(logging.WARNING):
        await channel.start()
    await channel.stop()
    assert "暫時連不上 Telegram" in caplog.text


async def test_the_menu_lists_the_english_commands_with_chinese_descriptions(webhook: Telegram) -> None:
    menu = {c["command"]: c["description"] for c in webhook.api.commands[DEFAULT]}
    assert menu["list"] == "列表：列出列管中的案件"
    assert menu["r"] == "回報辦理情形"
    assert menu["bind"] == "綁定本群組"
    assert menu["help"] == "說明：看可以使用的指令"
    assert "add" in menu and "bindcode" in menu

    groups = [c["command"] for c in webhook.api.commands[GROUPS]]
    assert {"r", "ask_release", "bind", "list", "mine", "help"} <= set(groups)
    assert "add" not in groups and "bindcode" not in groups  # the secretariat's, not an agency's


async def test_binding_the_secretariats_group_shows_it_every_command(
        webhook: Telegram, secretariat: object) -> None:
    from tests.driver import Chat

    assert isinstance(secretariat, Chat)
    await webhook.bind(secretariat, MOE, LI, "秘書處")

    scoped = webhook.api.commands[f'{{"chat_id": {MOE}, "type": "chat"}}|']
    assert "bindcode" in [c["command"] for c in scoped]


async def test_a_secret_set_in_the_environment_is_the_one_registered(bot: Bot, clock: Clock) -> None:
    async with running(bot, clock, mode="webhook", telegram_secret="kept-by-the-admin_1") as telegram:
        assert telegram.api.webhook_secret == "kept-by-the-admin_1"
        assert await telegram.post(b"{}", secret="kept-by-the-admin_1") == 200


async def test_a_rejected_token_is_said_and_the_rest_of_the_bot_runs(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    async with FakeTelegramApi(token="999:OTHER") as api:
        bot.settings = bot.settings.model_copy(update={"telegram_token": TOKEN, "telegram_api_url": api.base_url})
        runtime = build_runtime(bot)
        [channel] = runtime.channels
        with caplog.at_level(logging.ERROR):
            await channel.start()
        try:
            assert "LIEGUAN_TELEGRAM_TOKEN" in caplog.text
            async with TestClient(TestServer(runtime.app)) as client:
                health = await (await client.get("/healthz")).json()
            assert health["channels"]["telegram"] is True
        finally:
            await channel.stop()


async def test_an_update_a_dead_process_left_half_done_is_handled_at_start(bot: Bot, clock: Clock) -> None:
    update = {"update_id": 555, "message": {
        "message_id": 1, "date": int(clock().timestamp()), "text": "/help",
        "chat": {"id": WANG, "type": "private", "first_name": "王"},
        "from": {"id": WANG, "is_bot": False, "first_name": "王"}}}
    key = f"telegram:{TOKEN.split(':')[0]}:555"
    dead = Store(bot.store.engine, clock=bot.store.clock)  # the process before its kill -9
    dead.tg_record_update(key=key, payload=update)  # recorded, answered 200, then the crash
    # no waiting, on PostgreSQL too: the dead process renews no lease

    async with running(bot, clock, mode="webhook") as telegram:
        telegram.api.add_chat(WANG)
        await telegram.channel.handled(555)
        await telegram.flush()

        assert bot.store.tg_update_status(key=key) == "done"
        assert telegram.api.texts(WANG)[0].startswith("您好，我是列管小幫手")


async def test_a_half_done_update_whose_answer_is_in_the_outbox_is_not_handled_twice(
        bot: Bot, clock: Clock) -> None:
    update = {"update_id": 556, "message": {
        "message_id": 2, "date": int(clock().timestamp()), "text": "/r 1 已召開研商會議",
        "chat": {"id": MOE, "type": "supergroup", "title": "教育部聯絡群"},
        "from": {"id": LI, "is_bot": False, "first_name": "李"}}}
    key = f"telegram:{TOKEN.split(':')[0]}:556"
    Store(bot.store.engine, clock=bot.store.clock).tg_record_update(key=key, payload=update)
    bot.store.enqueue(rows=[{"key": f"{key}:0", "chat": f"telegram:{MOE}", "payload": {"text": "已記錄 #1。"}}])
    clock.advance(minutes=3)  # handled and answered; the process died before marking it done

    async with running(bot, clock, mode="webhook"):
        for _ in range(100):
            if bot.store.tg_update_status(key=key) == "done":
                break
            await asyncio.sleep(0.02)

    assert bot.store.tg_update_status(key=key) == "done"
    assert [row.key for row in bot.store.outbox_rows()] == [f"{key}:0"]


async def test_the_channel_is_what_the_app_builds_when_the_token_is_set(webhook: Telegram) -> None:
    assert isinstance(webhook.runtime.channels[0], TelegramChannel)
    assert webhook.runtime.outbox.senders["telegram"] is webhook.channel.sender
