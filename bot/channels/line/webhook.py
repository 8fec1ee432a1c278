"""POST /webhooks/line: verify, record, answer 200 at once; handle the events after.

Order of things, and why:
1. X-Line-Signature is checked against the raw body before anything else (400, nothing processed).
2. Every event is recorded (ProcessedEvent, `received`) before the 200: a crash after the 200 loses
   nothing, since events still `received` are handled again at the next start. Concurrent requests
   share one commit (batch.py).
3. An event already recorded is a redelivery (same webhookEventId, or the same digest where LINE
   sent no id): acknowledged, not handled again.
4. Text messages and button presses whose sender is known are handled right there, in the same
   transaction as their record (a unit of work: the event, the reply and its audit row, the answer's
   outbox row leased to this process), and answered as soon as it commits. Other events (files,
   joins, a name to ask LINE for, a chat with events still in hand) are handled after the 200 by a
   few workers, one chat's events in order.
5. Events name the process handling them. One that dies leaves them `received`: on SQLite the next
   start takes them up at once; on PostgreSQL another replica (or the restarted process) does as
   soon as the dead one's lease lapses, within seconds (storage/leases.py).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.jsonbody import UnreadableBody, load_json
from bot.channels.line.batch import DATABASE_RETRY, EventLog
from bot.channels.line.events import chat_of
from bot.runtime import ready_in_order
from storage.events import DONE, FAILED
from storage.store import Store

if TYPE_CHECKING:
    from bot.runtime import Ready

log = logging.getLogger(__name__)
JSON = dict[str, Any]
PREFIX = "line:"
WORKERS = 2  # events handled side by side: few, so that the webhook still answers fast under load
STALE = timedelta(seconds=60)  # an event recorded before owners existed, this old, was orphaned
TAKE_OVER_SECONDS = 1.0  # on a shared database: how often to look for what a dead replica left
RETRY_AFTER = "5"  # seconds, with every 503 while the database is unreachable
KEEP = timedelta(days=7)  # handled events are remembered this long against redeliveries


def valid_signature(secret: bytes, body: bytes, signature: str) -> bool:
    """LINE signs the exact bytes it sends: base64(HMAC-SHA256(channel secret, body))."""
    expected = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest())
    # a header is what a stranger sent: compared as bytes, since compare_digest refuses non-ASCII str
    return hmac.compare_digest(expected, signature.strip().encode("utf-8", "surrogateescape"))


def event_key(event: JSON) -> str:
    """LINE's webhookEventId; events from before it existed are known by a digest of their content."""
    event_id = event.get("webhookEventId")
    if isinstance(event_id, str) and 0 < len(event_id) <= 150:
        return PREFIX + event_id
    # A redelivery differs only in how it was delivered (and perhaps its reply token)
    stable = {k: v for k, v in event.items() if k not in ("deliveryContext", "replyToken")}
    digest = hashlib.sha256(json.dumps(stable, sort_keys=True).encode("ascii"))
    return f"{PREFIX}sha256:{digest.hexdigest()}"


class LineWebhook:
    def __init__(self, *, secret: str, store: Store, handle: Callable[[str, JSON], Awaitable[None]],
                 clock: Callable[[], datetime], ready: Callable[[str, JSON], Ready | None] | None = None,
                 together: Callable[[list[Ready], Callable[[set[str]], set[str]]], Awaitable[set[str]]] | None = None,
                 ) -> None:
        self.secret = secret.encode("utf-8")
        self.store = store
        self.handle = handle
        self.clock = clock
        self.ready = ready  # the event as a Ready, when it can be answered at once
        self.together = together  # Runtime.receive_together: Readies in one unit of work
        self.log = EventLog(store, quick=self._quick if ready and together else None)
        self._busy: Counter[str] = Counter()  # chats with events queued for the workers
        self._take_over: asyncio.Task[None] | None = None
        self._queue: asyncio.Queue[tuple[str, JSON]] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def post(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not valid_signature(self.secret, body, request.headers.get("X-Line-Signature", "")):
            log.warning("LINE webhook with a bad signature from %s", request.remote)
            return web.json_response({"message": "invalid signature"}, status=400)
        try:
            data = load_json(body)
        except UnreadableBody:  # not JSON, or nested deeper than anyone sends
            log.info("LINE webhook with a signed body that is not JSON we can read")
            return web.json_response({"message": "body is not JSON"}, status=400)
        events = data.get("events") if isinstance(data, dict) else None
        if not isinstance(events, list) or not events:
            return web.Response(text="OK")  # LINE's "verify" sends no events; anything else we cannot read is ignored
        records = [(event_key(e), e) for e in events if isinstance(e, dict)]
        try:
            fresh = await self.log.record(records)  # committed before the 200
        except SQLAlchemyError:
            log.exception("could not record LINE events; LINE redelivers them")
            return web.json_response({"message": "database unavailable"}, status=503,
                                     headers={"Retry-After": RETRY_AFTER})
        first: dict[str, JSON] = {}
        for key, event in records:
            first.setdefault(key, event)
        if fresh:
            self.spawn([(key, first[key]) for key in fresh])
        return web.Response(text="OK")

    async def _quick(self, events: list[tuple[str, JSON]]) -> tuple[set[str], set[str]] | None:
        """Record `events` and answer those that can be answered at once, in one unit of work.

        A chat's events keep their order: once one of them must wait for a worker (or the chat has
        some queued already), its later ones wait too.
        """
        assert self.ready is not None and self.together is not None
        ready = ready_in_order(events, lane=lambda e: chat.key if (chat := chat_of(e)) else "", ready=self.ready,
                               waiting=set(self._busy))  # a chat leaves _busy when its count is 0
        if not ready:
            return None
        fresh = await self.together(ready, lambda done: set(self.store.record_events(events=events, done=done)))
        return fresh, {r.key for r in ready if r.key in fresh}

    def spawn(self, events: list[tuple[str, JSON]]) -> None:
        """Queue events for the workers: a few at a time, so the webhook still answers at once under load."""
        if not self._workers:
            self._workers = [asyncio.create_task(self._work(), name=f"line-events-{n}") for n in range(WORKERS)]
        for pair in events:
            chat = chat_of(pair[1])
            if chat is not None:
                self._busy[chat.key] += 1
            self._queue.put_nowait(pair)

    async def _work(self) -> None:
        while True:
            key, event = await self._queue.get()
            try:
                await self._process(key, event)
            finally:
                self._queue.task_done()
            # A deep queue never suspends get(): yield, so that webhook requests waiting are answered
            await asyncio.sleep(0)

    async def _process(self, key: str, event: JSON) -> None:
        chat = chat_of(event)
        lock = self._locks.get(chat.key) if chat else None
        if chat is not None and lock is None:
            lock = self._locks[chat.key] = asyncio.Lock()
        status: str | None = DONE
        try:
            if lock is None:
                await self.handle(key, event)
            else:
                async with lock:  # one chat's events in the order LINE sent them
                    await self.handle(key, event)
        except asyncio.CancelledError:
            raise  # stopping: left `received`, handled again at the next start
        except SQLAlchemyError:  # the database is away, not the event at fault: handled again later
            log.warning("LINE event %s waits for the database", key)
            asyncio.get_running_loop().call_later(DATABASE_RETRY, self.spawn, [(key, event)])
            status = None
        except Exception:
            log.exception("LINE event %s failed; kept as failed", key)
            status = FAILED
        finally:
            if chat is not None:
                self._busy[chat.key] -= 1
                if self._busy[chat.key] <= 0:
                    del self._busy[chat.key]
        if status is not None:
            self.log.finish(key, status)

    def resume(self) -> int:
        """At start: events a dead process recorded but never finished are handled now. On SQLite one
        process serves the database, so whatever another process left `received` is orphaned: taken
        up at once, while its reply tokens may still be good. On PostgreSQL, what a process whose
        lease lapsed left; then every second (a replica may die at any time)."""
        self.store.prune_events(before=self.clock() - KEEP)
        taken = self._take_up()
        if self.store.engine.dialect.name != "sqlite" and self._take_over is None:
            self._take_over = asyncio.create_task(self._keep_taking_over(), name="line-take-over")
        return taken

    def _take_up(self) -> int:
        single = self.store.engine.dialect.name == "sqlite"
        stale = self.store.take_over_events(prefix=PREFIX, stale_before=None if single else self.clock() - STALE)
        if stale:
            log.info("handling %d LINE events left unfinished", len(stale))
            self.spawn(stale)
        return len(stale)

    async def _keep_taking_over(self) -> None:
        while True:
            await asyncio.sleep(TAKE_OVER_SECONDS)
            try:
                self._take_up()
            except SQLAlchemyError:
                log.warning("could not look for LINE events a dead process left", exc_info=True)

    async def idle(self) -> None:
        """Wait until every event received so far is handled (tests, and a graceful stop)."""
        await self._queue.join()
        await self.log.flush()

    async def stop(self, *, grace: float = 5.0) -> None:
        """Finish what is queued for `grace` seconds; what is left stays `received` for the next start."""
        try:
            await asyncio.wait_for(self.idle(), timeout=grace)
        except TimeoutError:
            log.warning("stopping with %d LINE events unhandled; they are handled at the next start",
                        self._queue.qsize())
        if self._take_over is not None:
            self._take_over.cancel()
            self._take_over = None
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        await self.log.flush()
