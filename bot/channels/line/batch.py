"""Group commit for webhook events: what many requests record while one commit runs goes in the next.

Under load, 30 requests in flight cost one transaction instead of 30; alone, a request waits for its
own commit as before. When the webhook can answer the events there and then (`quick`), that same
transaction is their unit of work: recorded, handled, their answers queued, one commit. It runs in a
task of its own: requests arriving meanwhile gather for the next. On SQLite that task does the work on
the loop's thread (a worker thread would wait for the GIL at every step, and hold the write lock
across threads); on PostgreSQL the unit of work goes to a worker thread (bot/runtime.py), so that
the loop reads requests while the server answers.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from storage.store import Store

log = logging.getLogger(__name__)
JSON = dict[str, Any]
# Events handled are marked done a little later, many in one commit. Nothing waits for the mark: an
# event still `received` after a crash is handled again, and that stores nothing twice (a repeated
# reply is skipped, answers have idempotency keys).
FINISH_GATHER = 0.05
DATABASE_RETRY = 2.0  # seconds between tries while the database does not answer
# events → (keys new, keys handled already) in one unit of work; None: nothing there to answer at once
Quick = Callable[[list[tuple[str, JSON]]], Awaitable[tuple[set[str], set[str]] | None]]


class EventLog:
    def __init__(self, store: Store, *, quick: Quick | None = None) -> None:
        self.store = store
        self.quick = quick
        self._waiting: list[tuple[list[tuple[str, JSON]], asyncio.Future[list[str]]]] = []
        self._recording: asyncio.Task[None] | None = None
        self._finished: dict[str, list[str]] = defaultdict(list)
        self._finishing: asyncio.Task[None] | None = None

    async def record(self, events: list[tuple[str, JSON]]) -> list[str]:
        """Record `events` as received (committed when this returns); the keys seen for the first time
        and not handled already (those are the caller's to handle)."""
        future: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
        self._waiting.append((events, future))
        if self._recording is None or self._recording.done():
            self._recording = asyncio.create_task(self._record())
        return await future

    async def _record(self) -> None:
        while self._waiting:
            await asyncio.sleep(0)  # requests already read in this turn of the loop join the batch
            batch, self._waiting = self._waiting, []
            try:
                fresh, handled = await self._write([e for events, _ in batch for e in events])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for events, future in batch:  # a key twice in one batch is new for its first sender only
                mine = [key for key, _ in events if key in fresh]
                fresh.difference_update(mine)
                if not future.done():
                    future.set_result([key for key in dict.fromkeys(mine) if key not in handled])

    async def _write(self, events: list[tuple[str, JSON]]) -> tuple[set[str], set[str]]:
        if self.quick is not None:
            try:
                done = await self.quick(events)
            except Exception:  # nothing was kept: recorded below, and handled after the 200 as usual
                log.debug("events not handled at once", exc_info=True)
            else:
                if done is not None:
                    return done
        return set(self.store.record_events(events=events)), set()

    def finish(self, key: str, status: str) -> None:
        """Mark an event handled; written with the others finished meanwhile, without waiting."""
        self._finished[status].append(key)
        if self._finishing is None or self._finishing.done():
            self._finishing = asyncio.create_task(self._finish())

    async def _finish(self) -> None:
        while self._finished:
            await asyncio.sleep(FINISH_GATHER)  # let more finish before the commit
            batch, self._finished = self._finished, defaultdict(list)
            for status, keys in batch.items():
                try:
                    self.store.finish_events(keys=keys, status=status)
                except Exception:  # the database is away: tried again (meanwhile they stay `received`)
                    log.warning("could not mark %d LINE events %s; trying again", len(keys), status)
                    self._finished[status].extend(keys)
                    await asyncio.sleep(DATABASE_RETRY)

    async def flush(self) -> None:
        """Every finish so far is written (tests, and a graceful stop)."""
        while self._finishing is not None and not self._finishing.done():
            await asyncio.shield(self._finishing)
