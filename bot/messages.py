"""The neutral message types: what every channel turns its platform's events into, and back.

Channels (bot/channels/*) are the only code that knows LINE or Telegram; handlers
see an Incoming and return Outgoing messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Platform = Literal["line", "telegram", "console"]
ChatKind = Literal["group", "private"]


@dataclass(frozen=True)
class ChatRef:
    """A chat on a platform: a LINE group/room/user, a Telegram chat, the console."""

    platform: str
    chat_id: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.chat_id}"


@dataclass(frozen=True)
class Attachment:
    """A file a user sent (minutes to import). `content` is already downloaded."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Incoming:
    """One thing a user said (or pressed) in a chat."""

    chat: ChatRef
    user_id: str
    text: str
    at: datetime
    chat_kind: ChatKind = "group"
    user_name: str | None = None
    message_id: str | None = None
    # the platform id of the bot's message this one quotes / replies to
    reply_to: str | None = None
    reply_token: str | None = None
    # a button press (LINE postback, Telegram callback query): `text` is its command
    postback: bool = False
    # an edited message: `message_id` is the id of the message that was edited
    edited: bool = False
    attachment: Attachment | None = None
    # in a Telegram group the bot only hears commands and replies to itself
    addressed_to_bot: bool = True

    @property
    def user_key(self) -> str:
        return f"{self.chat.platform}:{self.user_id}"


@dataclass(frozen=True)
class Button:
    """A button under a message: `data` is the command it sends back when pressed."""

    label: str
    data: str


@dataclass(frozen=True)
class Document:
    """A file the bot sends (a report). Channels that cannot send files offer a link."""

    filename: str
    content: bytes
    mime: str


@dataclass
class Outgoing:
    """Something the bot says. `chat=None` means: answer in the chat the Incoming came from."""

    text: str
    chat: ChatRef | None = None
    buttons: list[Button] = field(default_factory=list)
    # quick answers offered under the message (LINE quick reply)
    quick_replies: list[Button] = field(default_factory=list)
    document: Document | None = None
    # the item ids this message is about, so a reply quoting it lands on them
    item_ids: list[int] = field(default_factory=list)
    # outbox idempotency key (body, chat, round) for scheduled messages
    key: str | None = None
    kind: Literal["answer", "reminder", "notice"] = "answer"
