"""A running bot with Telegram on: the real python-telegram-bot talking to FakeTelegramApi.

`telegram` runs each test twice, once with updates posted to the webhook (as Telegram does when
LIEGUAN_PUBLIC_URL is set) and once by long polling; `webhook` is the webhook alone. Both run on
SQLite and PostgreSQL through the `bot` fixture. The outbox is flushed by hand (`flush`), so a
test sees exactly what was sent.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.app import Runtime, build_runtime
from bot.channels.telegram import TelegramChannel
from bot.core import Bot
from tests.conftest import Clock
from tests.driver import Chat
from tests.fakes.telegram_api import FakeTelegramApi

TOKEN = "123456:TEST-token"
MOE = -1001000000001  # 教育部's contact group (a supergroup)
SEC = -1001000000002  # the secretariat's group
LI = 4242  # 教育部 李先生
WANG = 77  # 秘書處 王小姐
JSON = dict[str, Any]


@dataclass
class Telegram:
    """The bot with Telegram on, seen from outside: updates in, what Telegram was asked to send out."""

    bot: Bot
    runtime: Runtime
    channel: TelegramChannel
    api: FakeTelegramApi
    server: TestServer
    clock: Clock
    mode: str

    # ---- updates, shaped as Telegram sends them, on the bot's clock ----------------------------
    def says(self, chat_id: int, user_id: int, text: str | None, *, reply_to: JSON | None = None,
             document: JSON | None = None, caption: str | None = None) -> JSON:
        update = self.api.message_update(chat_id, user_id, text, reply_to=reply_to, document=document)
        if caption is not None:
            update["message"]["caption"] = caption
        update["message"]["date"] = int(self.clock().timestamp())
        return update

    def edits(self, update: JSON, text: str) -> JSON:
        message = dict(update["message"], text=text, edit_date=int(self.clock().timestamp()))
        return {"update_id": update["update_id"] + 1000, "edited_message": message}

    def presses(self, message: JSON, user_id: int, data: str) -> JSON:
        return self.api.callback_update(message, user_id, data)

    # ---- delivering them ----------------------------------------------------------------------
    async def deliver(self, update: JSON) -> None:
        """The update reaches the bot the way this mode receives it, and is handled."""
        if self.mode == "polling" or "callback_query" in update:
            # the fake opens a callback query only for updates it queues (real Telegram opens them all)
            self.api.push_update(update)
        if self.mode == "webhook":
            assert await self.api.post_to_webhook(update) == 200
        await self.channel.handled(update["update_id"])

    async def send(self, update: JSON) -> list[str]:
        """Deliver, flush the outbox, and return what the bot sent back (texts and captions)."""
        before = len(self.api.sent())
        await self.deliver(update)
        await self.flush()
        return self.api.texts()[before:]

    async def post(self, body: bytes, *, secret: str | None) -> int:
        """A raw request to the webhook route, as anyone on the internet could make it."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with aiohttp.ClientSession() as session, session.post(
                str(self.server.make_url("/webhooks/telegram")), data=body, headers=headers) as response:
            return response.status

    async def post_json(self, update: JSON) -> int:
        return await self.post(json.dumps(update).encode(), secret=self.channel.secret)

    async def flush(self) -> None:
        await self.channel.idle()
        await self.runtime.outbox.flush()

    # ---- reading what happened ----------------------------------------------------------------
    def last(self, chat_id: int) -> JSON:
        return self.api.sent(chat_id)[-1]

    async def bind(self, secretariat: Chat, chat_id: int, user_id: int, agency: str) -> str:
        """A group bound the way its contacts do it: a code from the secretariat, then /bind."""
        answer = (await secretariat.send(f"綁定碼 {agency}"))[0].text
        code = answer.split("「綁定 ")[1].split("」")[0]
        self.api.add_chat(chat_id, title=f"{agency}聯絡群")
        [said] = await self.send(self.says(chat_id, user_id, f"/bind@lieguan_bot {code}"))
        return said


async def seed(secretariat: Chat) -> None:
    """A body with two items for 教育部 and one for 勞動部, set up by the secretariat (in LINE)."""
    for line in ("會議 新增 強化社會安全網中央跨部會平台",
                 "新增 請教育部提出轉介流程 主辦：教育部 期限：下次會議",
                 "新增 請教育部留意輔導人力 主辦：教育部",
                 "新增 請勞動部研議就業銜接 主辦：勞動部"):
        await secretariat.send(line)


@contextlib.asynccontextmanager
async def running(bot: Bot, clock: Clock, *, mode: str, **settings: Any) -> AsyncIterator[Telegram]:
    async with FakeTelegramApi(token=TOKEN) as api:
        bot.settings = bot.settings.model_copy(
            update={"telegram_token": TOKEN, "telegram_api_url": api.base_url, **settings})
        runtime = build_runtime(bot)
        [channel] = [c for c in runtime.channels if isinstance(c, TelegramChannel)]
        server = TestServer(runtime.app)
        await server.start_server()
        if mode == "webhook":
            public = str(server.make_url("")).rstrip("/")
            bot.settings = bot.settings.model_copy(update={"public_url": public})
        await channel.start()
        try:
            yield Telegram(bot, runtime, channel, api, server, clock, mode)
        finally:
            await channel.stop()
            await server.close()


@pytest.fixture(params=["webhook", "polling"])
async def telegram(request: pytest.FixtureRequest, bot: Bot, clock: Clock) -> AsyncIterator[Telegram]:
    async with running(bot, clock, mode=request.param) as world:
        yield world


@pytest.fixture
async def webhook(bot: Bot, clock: Clock) -> AsyncIterator[Telegram]:
    async with running(bot, clock, mode="webhook") as world:
        yield world


@pytest.fixture
async def polling(bot: Bot, clock: Clock) -> AsyncIterator[Telegram]:
    async with running(bot, clock, mode="polling") as world:
        yield world
