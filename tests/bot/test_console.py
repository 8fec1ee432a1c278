"""The console channel speaks the chat language, and what it says to other chats goes to the outbox."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import build_runtime
from bot.channels.console import ConsoleChannel
from bot.core import Bot
from tests.conftest import bind_agency
from tests.driver import Chat
from tests.fakes.line_api import FakeLineApi


def test_the_console_acts_as_the_agency_it_is_told(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請教育部提出轉介流程 主辦：教育部")
    console = ConsoleChannel(bot, speaking_as="教育部", login="lee")
    assert asyncio.run(console.say("#1 已完成")).startswith("已記錄 #1 辦理情形")
    assert bot.store.find_case(ref="1")[0].latest_reply().author == "console:lee"  # type: ignore[union-attr]


def test_an_unknown_agency_is_refused(bot: Bot) -> None:
    with pytest.raises(ValueError, match="找不到機關"):
        ConsoleChannel(bot, speaking_as="火星部")


async def test_urging_an_agency_from_the_console_queues_the_reminder_for_its_group(
        secretariat: Chat, bot: Bot) -> None:
    await secretariat.send("會議 新增 強化社會安全網中央跨部會平台")
    await secretariat.send("新增 請教育部提出轉介流程 主辦：教育部")
    answer = await secretariat.send("綁定碼 教育部")
    code = answer[0].text.split("「綁定 ")[1].split("」")[0]
    await Chat(bot, "line:Cmoe").send(f"綁定 {code}")
    async with FakeLineApi(access_token="t") as api:
        bot.settings = bot.settings.model_copy(update={
            "line_channel_secret": "s", "line_channel_access_token": "t", "line_api_url": api.url})
        console = ConsoleChannel(bot, speaking_as="秘書處", login="wang", outbox=build_runtime(bot).outbox)
        said = await console.say("催辦 教育部")
    assert "（給 line:Cmoe，已排入寄送）" in said
    assert [row.chat for row in bot.store.outbox_rows(chat="line:Cmoe")] == ["line:Cmoe"]


def test_without_the_platform_configured_nothing_is_queued(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請教育部提出轉介流程 主辦：教育部")
    bind_agency(secretariat, "教育部", "line:Cmoe")
    console = ConsoleChannel(bot, speaking_as="秘書處", outbox=build_runtime(bot).outbox)
    assert "該平台未設定，未送出" in asyncio.run(console.say("催辦 教育部"))
    assert bot.store.outbox_rows(chat="line:Cmoe") == []
