"""A running bot with LINE on, its webhook on loopback, and our LINE client (bot/channels/line/client.py) talking to FakeLineApi."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import Runtime, build_runtime
from bot.channels.line.channel import LineChannel
from bot.core import Bot
from bot.messages import Outgoing
from tests.conftest import Clock
from tests.fakes import ManualClock
from tests.fakes.line_api import FakeLineApi, LineMessage, new_id, sign

SECRET = "line-channel-secret"
TOKEN = "line-channel-access-token"
JSON = dict[str, Any]


@dataclass
class Group:
    """A LINE group (or a one-to-one chat, `chat_id` a user id) and the person typing in it."""

    chat_id: str
    user: str
    name: str

    @property
    def key(self) -> str:
        return f"line:{self.chat_id}"


@dataclass
class Line:
    """The bot with LINE on, seen from outside: signed webhooks in, what LINE delivered out."""

    bot: Bot
    runtime: Runtime
    channel: LineChannel
    api: FakeLineApi
    client: TestClient[web.Request, web.Application]
    clock: Clock
    line_clock: ManualClock
    seen: int = 0
    groups: dict[str, Group] = field(default_factory=dict)

    def group(self, name: str, *, person: str = "李先生", members: int = 5, chat_id: str | None = None) -> Group:
        """A group the bot is in (pushes there cost `members`), with one contact who talks."""
        group = Group(chat_id or new_id("C"), new_id("U"), person)
        self.api.add_user(group.user, person)
        self.api.add_group(group.chat_id, name, members=(group.user,), count=members)
        self.groups[group.chat_id] = group
        return group

    def person(self, name: str) -> Group:
        """A one-to-one chat with the bot."""
        user = new_id("U")
        self.api.add_user(user, name)
        return Group(user, user, name)

    def stamp(self, event: JSON) -> JSON:
        """Events happen on the bot's clock (the fake stamps them with the wall clock)."""
        event["timestamp"] = int(self.clock().timestamp() * 1000)
        return event

    def text_event(self, group: Group, text: str, *, quoting: str | None = None) -> JSON:
        on = group.chat_id if group.chat_id.startswith(("C", "R")) else None
        return self.stamp(self.api.text_event(text, user_id=group.user, group_id=on, quoted_message_id=quoting))

    def event(self, group: Group, kind: str, **fields: Any) -> JSON:
        """Any other event, shaped as LINE sends it (with a reply token where LINE gives one)."""
        source = ({"type": "group", "groupId": group.chat_id, "userId": group.user}
                  if group.chat_id.startswith("C") else {"type": "user", "userId": group.user})
        event: JSON = {"type": kind, "mode": "active", "source": source,
                       "webhookEventId": secrets.token_hex(13).upper(),
                       "deliveryContext": {"isRedelivery": False}, **fields}
        if kind not in ("leave", "unfollow", "unsend", "memberLeft"):
            event["replyToken"] = self.api.issue_reply_token(group.chat_id)
        return self.stamp(event)

    async def post(self, *events: JSON, body: bytes | None = None, signature: str | None = None) -> ClientResponse:
        raw = body if body is not None else FakeLineApi.webhook_body(*events)
        headers = {"X-Line-Signature": signature if signature is not None else sign(raw, SECRET),
                   "Content-Type": "application/json"}
        return await self.client.post("/webhooks/line", data=raw, headers=headers)

    async def settle(self) -> None:
        """Everything received is handled and everything due is sent."""
        await self.channel.idle()
        await self.runtime.outbox.flush()

    async def send(self, *events: JSON) -> list[LineMessage]:
        """Post events, let the bot work, and return what LINE delivered meanwhile."""
        response = await self.post(*events)
        assert response.status == 200, await response.text()
        await self.settle()
        return self.new()

    async def say(self, group: Group, text: str, *, quoting: str | None = None) -> str:
        """What the bot answers in `group` to `text` (its messages' texts, one per line)."""
        delivered = await self.send(self.text_event(group, text, quoting=quoting))
        return "\n".join(m.text or "" for m in delivered if m.to == group.chat_id)

    async def push(self, out: Outgoing, *, key: str) -> list[LineMessage]:
        """A message the scheduler would send (a reminder): through the outbox, as the scheduler will."""
        self.runtime.outbox.enqueue([out], origin=None, key=key)
        await self.runtime.outbox.flush()
        return self.new()

    def new(self) -> list[LineMessage]:
        delivered = list(self.api.delivered)
        fresh, self.seen = delivered[self.seen:], len(delivered)
        return fresh

    async def bind(self, group: Group, agency: str, secretariat: Group) -> None:
        answer = await self.say(secretariat, f"綁定碼 {agency}")
        code = answer.split("「綁定 ")[1].split("」")[0]
        assert "已綁定" in await self.say(group, f"綁定 {code}")


@pytest.fixture
def line_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def line(bot: Bot, clock: Clock, line_clock: ManualClock, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Line]:
    monkeypatch.chdir(tmp_path)  # download links are kept under ./data/files on PostgreSQL
    async with FakeLineApi(access_token=TOKEN, clock=line_clock) as api:
        bot.settings = bot.settings.model_copy(update={
            "line_channel_secret": SECRET, "line_channel_access_token": TOKEN, "line_api_url": api.url,
            "public_url": "https://lieguan.example.tw"})
        runtime = build_runtime(bot)
        channel = next(c for c in runtime.channels if c.platform == "line")
        assert isinstance(channel, LineChannel)
        async with TestClient(TestServer(runtime.app)) as client:
            yield Line(bot, runtime, channel, api, client, clock, line_clock)
            await runtime.stop()


@pytest.fixture
async def secretariat(line: Line) -> Group:
    """The secretariat's LINE group, bound with a code from `lieguan bind-code 秘書處`."""
    group = line.group("列管秘書處", person="王小姐", members=3)
    code = line.bot.store.create_bind_code(agency="秘書處", actor="cli", chat=None)
    assert "已綁定" in await line.say(group, f"綁定 {code}")
    return group


async def add_items(line: Line, secretariat: Group) -> None:
    """The items 教育部 and others track (as test_replies sets them up)."""
    for text in ("會議 新增 強化社會安全網中央跨部會平台",
                 "新增 請教育部提出轉介流程 主辦：教育部 期限：下次會議",
                 "新增 請教育部留意輔導人力 主辦：教育部",
                 "新增 請保護司檢討 主辦：保護司"):
        await line.say(secretariat, text)


def reminder(line: Line, group: Group, agency: str) -> Outgoing:
    """A reminder as the scheduler builds one: its text, its buttons, the items it lists."""
    from bot.format import item_line
    from bot.messages import Button, ChatRef

    items = [i for i in line.bot.store.items() if agency in i.leads]
    lines = [f"【列管事項提醒】{agency} {len(items)} 案｜回報截止 115/12/3（尚有 8 個辦公日）"]
    lines += [item_line(i, agency=agency) for i in items]
    buttons = [b for i in items for b in (Button(f"回報 #{i.label}", f"回報 {i.label}"),
                                          Button(f"建議解除 #{i.label}", f"建議解除 {i.label}"))]
    return Outgoing("\n".join(lines), chat=ChatRef("line", group.chat_id), buttons=buttons,
                    item_ids=[i.id for i in items], kind="reminder")


def body_of(message: LineMessage) -> str:
    return json.dumps(message.body, ensure_ascii=False)
