"""What a running bot is made of: the channels' contract and the Runtime they plug into.

It lives below both bot/app.py (which builds a Runtime) and bot/channels/ (which receive through it),
so that neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from aiohttp import web

from bot.context import ChannelServices
from bot.core import Bot
from bot.delivery import Sender
from bot.evidence.jobs import FetchRunner
from bot.files import FileLinks
from bot.messages import Incoming
from bot.outbox import OutboxSender
from bot.scheduler import ReminderScheduler


class Channel(Protocol):
    platform: str
    sender: Sender

    def install(self, app: web.Application) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class Runtime:
    """Everything a running bot is made of; tests build one on loopback the same way."""

    bot: Bot
    app: web.Application
    outbox: OutboxSender
    links: FileLinks
    channels: list[Channel] = field(default_factory=list)
    # reminders on the schedule; None in a runtime that must not send any (build_runtime sets it)
    scheduler: ReminderScheduler | None = None
    # 佐證 files to fetch from the platforms (channels add their fetchers); set by build_runtime
    fetcher: FetchRunner | None = None

    async def start(self) -> None:
        self.outbox.start()
        for channel in self.channels:
            await channel.start()
        if self.fetcher is not None:
            self.fetcher.start()
        if self.scheduler is not None:
            await self.scheduler.start()

    async def receive(self, msg: Incoming, *, key: str, reply_token: str | None = None,
                      reply_token_expires: datetime | None = None,
                      services: ChannelServices | None = None) -> list[int]:
        """One message in: handled, and its answers written to the outbox (the sender delivers)."""
        answers = await self.bot.handle(msg, services=services)
        return self.outbox.enqueue(answers, origin=msg.chat, key=key, reply_token=reply_token,
                                   reply_token_expires=reply_token_expires)

    async def stop(self) -> None:
        if self.scheduler is not None:
            await self.scheduler.stop()
        if self.fetcher is not None:
            await self.fetcher.stop()
        for channel in self.channels:
            await channel.stop()
        await self.outbox.stop()
