"""The channel's bookkeeping of updates, in group commits.

Every update is recorded before its 200 (or before its polling offset is confirmed) and marked done
once handled: two small transactions per update, as many as the handling itself makes. So the
records of all the updates that arrive in one turn of the event loop go in one transaction, and the
updates handled meanwhile are marked done in it too (or within FINISH_DELAY when nothing arrives).

When the channel can answer updates there and then (`quick`: plain texts), the same transaction is
their unit of work: recorded, handled, their answers queued leased to this process, one commit.

The price is a wider window for a crash between handling an update and marking it done (a few
milliseconds); such an update is taken up again by the sweep, which first looks whether its answers
are already in the outbox, and then only marks it done.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from storage.store import Store

log = logging.getLogger(__name__)
FINISH_DELAY = 0.02  # seconds a finished update waits for company before it is committed alone
RETRY_DELAY = 5.0  # after the database failed: finished updates are tried again this much later
# an update is new (the caller handles it), handled already in the unit that recorded it, or known
Recorded = Literal["new", "handled", "known"]
# updates → (keys new, keys handled) in one unit of work, given a way to record them; None: none to answer
Quick = Callable[[list[tuple[str, dict[str, Any]]], Callable[[set[str]], set[str]]],
                 Awaitable[tuple[set[str], set[str]] | None]]
Pending = list[tuple[str, dict[str, Any], asyncio.Future[Recorded]]]


class Ledger:
    def __init__(self, store: Store, *, on_finished: Callable[[list[str]], None], quick: Quick | None = None) -> None:
        self.store = store
        self.on_finished = on_finished  # called with the keys once their `done` is committed
        self.quick = quick
        self._records: list[tuple[str, dict[str, Any], asyncio.Future[Recorded]]] = []
        self._finished: list[tuple[str, bool]] = []
        self._flush: asyncio.Handle | None = None
        self._due = 0.0  # when the scheduled flush runs (loop time)
        self._task: asyncio.Task[None] | None = None  # writing; what comes meanwhile waits for its turn

    async def record(self, key: str, payload: dict[str, Any]) -> Recorded:
        """Record an update as received: "new", "handled" (answered in the unit that recorded it) or
        "known" (a redelivery). Raises what the database does."""
        future: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        self._records.append((key, payload, future))
        self._schedule(0.0)
        return await future

    def finish(self, key: str, *, failed: bool = False) -> None:
        self._finished.append((key, failed))
        self._schedule(FINISH_DELAY)

    def _schedule(self, delay: float) -> None:
        """A flush `delay` seconds from now, unless one is due sooner already."""
        loop = asyncio.get_running_loop()
        due = loop.time() + delay
        if self._flush is not None:
            if self._due <= due:
                return
            self._flush.cancel()
        self._flush = loop.call_soon(self._kick) if delay <= 0 else loop.call_later(delay, self._kick)
        self._due = due

    def _kick(self) -> None:
        self._flush = None
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        """Write what is pending, batch after batch, one at a time (a chat's updates keep their order)."""
        while self._records or self._finished:
            records, self._records = self._records, []
            finished, self._finished = self._finished, []
            try:
                fresh, handled = await self._write(records, finished)
            except Exception as error:
                self._failed(records, finished, error)
                return
            self._done(records, finished, fresh, handled)

    def commit(self) -> None:
        """Write what is pending now, without handling anything (at stop)."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        records, self._records = self._records, []
        finished, self._finished = self._finished, []
        if not records and not finished:
            return
        try:
            fresh = self.store.tg_record_updates(rows=[(k, p) for k, p, _ in records], finished=finished)
        except Exception as error:
            self._failed(records, finished, error)
            return
        self._done(records, finished, fresh, set())

    def _failed(self, records: Pending, finished: list[tuple[str, bool]], error: Exception) -> None:
        """The records' requests answer 503; finished ones are tried again."""
        log.exception("could not record %d Telegram updates", len(records) + len(finished), exc_info=error)
        for _, _, future in records:
            if not future.done():
                future.set_exception(error)
        self._finished = finished + self._finished
        if self._finished:
            self._schedule(RETRY_DELAY)

    def _done(self, records: Pending, finished: list[tuple[str, bool]], fresh: set[str], handled: set[str]) -> None:
        seen: set[str] = set()
        for key, _, future in records:
            if not future.done():
                first = key in fresh and key not in seen
                future.set_result(("handled" if key in handled else "new") if first else "known")
            seen.add(key)
        if finished:
            self.on_finished([key for key, _ in finished])

    async def _write(self, records: Pending, finished: list[tuple[str, bool]]) -> tuple[set[str], set[str]]:
        rows = [(k, p) for k, p, _ in records]
        if self.quick is not None and rows:
            try:
                done = await self.quick(rows, lambda keys: self.store.tg_record_updates(
                    rows=rows, finished=finished, done=keys))
            except Exception:  # nothing was kept: recorded below, handled after the 200 as usual
                log.debug("updates not handled at once", exc_info=True)
            else:
                if done is not None:
                    return done
        return self.store.tg_record_updates(rows=rows, finished=finished), set()
