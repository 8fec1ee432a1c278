"""POST /webhooks/line: verify, record, answer 200 at once; handle the events after.

Order of things, and why:
1. X-Line-Signature is checked against the raw body before anything else (400, nothing processed).
2. Every event is recorded (ProcessedEvent, `received`) before the 200: a crash after the 200 loses
   nothing, since events still `received` are handled again at the next start. Concurrent requests
   share one commit (batch.py).
3. An event already recorded is a redelivery (same webhookEventId, or the same digest where LINE
   sent no id): acknowledged, not handled again.
4. The events are handled after the answer by a few workers, one chat's events in order.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import weakref
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.jsonbody import UnreadableBody, load_json
from bot.channels.line.batch import EventLog
from bot.channels.line.events import chat_of
from storage.events import DONE, FAILED
from storage.store import Store

log = logging.getLogger(__name__)
JSON = dict[str, Any]
PREFIX = "line:"
WORKERS = 2  # events handled side by side: few, so that the webhook still answers fast under load
STALE = timedelta(seconds=60)  # a `received` event this old has no process handling it any more
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
                 clock: Callable[[], datetime]) -> None:
        self.secret = secret.encode("utf-8")
        self.store = store
        self.log = EventLog(store)
        self.handle = handle
        self.clock = clock
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

    def spawn(self, events: list[tuple[str, JSON]]) -> None:
        """Queue events for the workers: a few at a time, so the webhook still answers at once under load."""
        if not self._workers:
            self._workers = [asyncio.create_task(self._work(), name=f"line-events-{n}") for n in range(WORKERS)]
        for pair in events:
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
        status = DONE
        try:
            if lock is None:
                await self.handle(key, event)
            else:
                async with lock:  # one chat's events in the order LINE sent them
                    await self.handle(key, event)
        except asyncio.CancelledError:
            raise  # stopping: left `received`, handled again at the next start
        except Exception:
            log.exception("LINE event %s failed; kept as failed", key)
            status = FAILED
        self.log.finish(key, status)

    def resume(self) -> int:
        """At start: events a dead process recorded but never finished are handled now. On SQLite one
        process serves the database, so whatever is left `received` at its start is orphaned: taken up at
        once, while its reply tokens may still be good. On PostgreSQL a replica may be handling it:
        only events older than STALE are taken."""
        self.store.prune_events(before=self.clock() - KEEP)
        single = self.store.engine.dialect.name == "sqlite"
        before = self.clock() + timedelta(seconds=1) if single else self.clock() - STALE
        stale = self.store.pending_events(prefix=PREFIX, before=before)
        if stale:
            log.info("handling %d LINE events left unfinished", len(stale))
            self.spawn(stale)
        return len(stale)

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
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        await self.log.flush()
