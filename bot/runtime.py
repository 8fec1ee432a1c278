"""What a running bot is made of: the channels' contract and the Runtime they plug into.

It lives below both bot/app.py (which builds a Runtime) and bot/channels/ (which receive through it),
so that neither imports the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from aiohttp import web

from bot.context import ChannelServices
from bot.core import Bot
from bot.delivery import Sender
from bot.evidence.jobs import FetchRunner
from bot.files import FileLinks
from bot.messages import Incoming
from bot.outbox import OutboxSender
from bot.scheduler import ReminderScheduler
from storage.models import Outbox

log = logging.getLogger(__name__)
T = TypeVar("T")
E = TypeVar("E")
KEEP_ALIVE_SECONDS = 1.0  # a process renews its lease this often (it lapses after 3 s: storage/leases.py)


class WouldWait(Exception):
    """Handling an event wanted to wait (for the network, a thread…): not for a unit of work."""


def run_now(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end without the event loop, or raise WouldWait (it is closed).

    Handlers are async, but answering a text costs no waiting: run this way, nothing else runs on
    the loop while a unit of work holds its transaction (on SQLite, its write lock).
    """
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise WouldWait


def ready_in_order(events: Iterable[tuple[str, E]], *, lane: Callable[[E], str],
                   ready: Callable[[str, E], Ready | None], waiting: set[str]) -> list[Ready]:
    """The events that can be handled at once (a key's first only), keeping each chat's order: once
    one of a chat's events cannot (or the chat is in `waiting`: it has events in hand), its later
    ones wait too."""
    found: list[Ready] = []
    seen: set[str] = set()
    for key, event in events:
        if key in seen:
            continue
        seen.add(key)
        chat = lane(event)
        now = None if chat in waiting else ready(key, event)
        if now is None:
            waiting.add(chat)
        else:
            found.append(now)
    return found


@dataclass(frozen=True)
class Ready:
    """An event a channel can hand over whole: its message, and where the answer goes."""

    key: str
    msg: Incoming
    reply_token: str | None = None
    reply_token_expires: datetime | None = None
    services: ChannelServices | None = None


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
    _alive: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.bot.store.engine.dialect.name != "sqlite":  # several processes may share the database
            with contextlib.suppress(Exception):  # the database may be away for now: renewed later
                self.bot.store.keep_alive()
            self._alive = asyncio.create_task(self._keep_alive(), name="lease")
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

    async def receive_together(self, ready: list[Ready], record: Callable[[set[str]], set[str]]) -> set[str]:
        """Events that arrived together, in one unit of work: `record(keys handled here)` records
        them all and returns the new ones; each new one is handled, and its answers are queued
        already leased to this process, which sends them at once after the commit. Returns the new
        keys. Raises (and keeps nothing) when any of them fails or would wait: the caller then
        records and handles them the usual way, one by one.

        On PostgreSQL the unit runs in a worker thread: its round trips to the server (a dozen an
        event, the commit's fsync among them) then leave the event loop free to read the requests
        that will make the next batch. SQLite stays on the loop: there a thread would only wait
        for the GIL, and a write lock held across threads.
        """
        if self.bot.store.engine.dialect.name == "sqlite":
            fresh, leased = self._unit(ready, record)
        else:
            fresh, leased = await asyncio.to_thread(self._unit, ready, record)
        self.outbox.adopt(leased)
        return fresh

    def _unit(self, ready: list[Ready], record: Callable[[set[str]], set[str]]) -> tuple[set[str], list[Outbox]]:
        store = self.bot.store
        with store.unit():
            fresh = record({r.key for r in ready})
            rows: list[dict[str, Any]] = []
            for r in ready:
                if r.key in fresh:
                    answers = run_now(self.bot.handle(r.msg, services=r.services))
                    rows += self.outbox.rows_for(answers, origin=r.msg.chat, key=r.key, reply_token=r.reply_token,
                                                 reply_token_expires=r.reply_token_expires)
            leased = store.enqueue_leased(rows=rows)
        return fresh, leased

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(KEEP_ALIVE_SECONDS)
            try:
                self.bot.store.keep_alive()
            except Exception:  # the database is away: others may take over, as they should
                log.warning("could not renew this process's lease", exc_info=True)

    async def stop(self) -> None:
        if self.scheduler is not None:
            await self.scheduler.stop()
        if self.fetcher is not None:
            await self.fetcher.stop()
        for channel in self.channels:
            await channel.stop()
        await self.outbox.stop()
        if self._alive is not None:  # renewed until everything above has stopped
            self._alive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._alive
            with contextlib.suppress(Exception):  # what is left is taken up by another process at once
                self.bot.store.drop_lease()
            self._alive = None
