"""Talking to the bot through the neutral layer: an Incoming in, Outgoing out."""

from __future__ import annotations

import asyncio
import itertools

from bot.core import Bot
from bot.messages import ChatRef, Incoming, Outgoing

_ids = itertools.count(1)


class Chat:
    """One chat (a LINE group by default) and the person typing in it."""

    def __init__(self, bot: Bot, key: str, *, user: str = "U1", name: str | None = None,
                 kind: str = "group") -> None:
        platform, chat_id = key.split(":", 1)
        self.bot, self.ref, self.user, self.name, self.kind = bot, ChatRef(platform, chat_id), user, name, kind
        self.last: list[Outgoing] = []

    def message(self, text: str, **extra: object) -> Incoming:
        extra.setdefault("message_id", f"m{next(_ids)}")
        return Incoming(chat=self.ref, user_id=self.user, user_name=self.name, text=text,
                        at=self.bot.clock(), chat_kind=self.kind,  # type: ignore[arg-type]
                        **extra)  # type: ignore[arg-type]

    async def send(self, text: str, **extra: object) -> list[Outgoing]:
        self.last = await self.bot.handle(self.message(text, **extra))
        return self.last

    def run(self, text: str, **extra: object) -> str:
        """What the bot answers in this chat, as one text (answers to other chats left out)."""
        answers = asyncio.run(self.send(text, **extra)) if not _in_loop() else []
        return "\n".join(o.text for o in answers if o.chat is None or o.chat == self.ref)


def _in_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    raise RuntimeError("inside a running loop, use `await chat.send(...)`")
