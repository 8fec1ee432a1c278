"""The outbox: every outgoing message is a row before it is sent; a sender task delivers the rows.

Rows are claimed with a lease (storage/outbox.py), so a replica or a restart takes over what a dead
sender left behind; the idempotency key makes that resend safe where the platform has one (LINE's
X-Line-Retry-Key). Telegram has none: a chat may get the one message that was in flight to it twice.
One chat's rows go out in order, one at a time, and a row is recorded as sent before that chat's next
row goes; chats are served side by side, paced to each platform's limits (bot/pacing.py). Retries
back off exponentially and honour the platform's retry-after.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict, deque
from datetime import datetime, timedelta
from typing import Any

from bot.delivery import Envelope, PermanentFailure, Sender, TemporaryFailure, from_payload, to_payload
from bot.messages import ChatRef, Outgoing
from bot.pacing import Pacer
from storage.models import SECRETARIAT, Outbox
from storage.outbox import LEASE, Outcome
from storage.store import Store

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
MAX_BACKOFF = 300.0
BATCH = 200
CAPACITY = 400  # rows claimed and not yet settled, per process
# sends in flight per platform: enough to overlap the network, few enough that one platform's
# burst never keeps the event loop from another's paced sends for long
IN_FLIGHT = 16
SETTLE_GATHER = 0.01  # seconds
SETTLE_RETRY = 2.0  # seconds between tries to record outcomes while the database does not answer
CLAIM_AFTER_DONE = 0.05  # seconds after a chat's rows are done, look for rows it held back


def backoff(attempts: int) -> float:
    return min(MAX_BACKOFF, 2.0 ** attempts)


def outbox_rows(messages: list[Outgoing], platforms: set[str] | list[str]) -> list[dict[str, Any]]:
    """Rows for messages that name their chat and key (a round's), on the platforms that can send."""
    return [{"key": out.key, "chat": out.chat.key, "payload": to_payload(out)} for out in messages
            if out.chat is not None and out.key and out.chat.platform in platforms]


class _Recorder:
    """Group commit: outcomes settled in one turn of the event loop go together in one commit.

    The commit runs on the loop's thread, as the webhook's do (bot/channels/line/batch.py): a short
    Core UPDATE costs less than a hop to a worker thread, which then waits for the GIL at every step.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pending: list[tuple[Outcome, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None

    async def settle(self, outcome: Outcome) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((outcome, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush())
        await future

    async def close(self, *, grace: float) -> None:
        """What is still to record gets `grace` seconds (the database may be away); then it is left."""
        if self._task is not None and not self._task.done():
            _, late = await asyncio.wait({self._task}, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def _flush(self) -> None:
        while self._pending:
            # a moment for other sends to finish: one commit for many rows (the chat's next row waits
            # for this one's record, so the moment stays short)
            await asyncio.sleep(SETTLE_GATHER)
            batch, self._pending = self._pending, []
            try:
                self.store.settle(outcomes=[o for o, _ in batch])
            except Exception:
                # the database is away: what was sent is kept here and recorded once it answers,
                # rather than forgotten (a reply sent by token would then be pushed a second time)
                log.warning("could not record %d outbox outcomes; trying again", len(batch), exc_info=True)
                self._pending = batch + self._pending
                await asyncio.sleep(SETTLE_RETRY)
                continue
            for _, future in batch:
                if not future.done():
                    future.set_result(None)


class OutboxSender:
    def __init__(self, store: Store, senders: dict[str, Sender], *, poll: float = 1.0,
                 pacer: Pacer | None = None) -> None:
        self.store = store
        self.senders = senders
        self.poll = poll
        self.pacer = pacer or Pacer()
        self.sent = self.retried = self.failed = 0
        self._wake = asyncio.Event()
        self._recorder = _Recorder(store)
        self._held = 0  # rows claimed by this process and not settled
        self._chats: set[asyncio.Task[None]] = set()
        self._queues: dict[str, deque[Outbox]] = {}  # rows of a chat that a task is delivering
        self._soon: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._in_flight: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(IN_FLIGHT))

    # ---- writing ----------------------------------------------------------------------------
    def enqueue(self, answers: list[Outgoing], *, origin: ChatRef | None, key: str,
                reply_token: str | None = None, reply_token_expires: datetime | None = None) -> list[int]:
        """Rows for `answers`; an answer without a chat goes back to `origin` (with its reply token)."""
        rows = self.rows_for(answers, origin=origin, key=key, reply_token=reply_token,
                             reply_token_expires=reply_token_expires)
        ids = self.store.enqueue(rows=rows) if rows else []
        if ids:
            self.wake()
        return ids

    def rows_for(self, answers: list[Outgoing], *, origin: ChatRef | None, key: str,
                 reply_token: str | None = None, reply_token_expires: datetime | None = None) -> list[dict[str, Any]]:
        """The outbox rows of `answers` (keys `key:n`), on the platforms this process sends to."""
        rows = []
        for n, out in enumerate(answers):
            chat = out.chat or origin
            if chat is None or chat.platform not in self.senders:
                continue
            own = out.chat is None or out.chat == origin
            rows.append({"key": out.key or f"{key}:{n}", "chat": chat.key, "payload": to_payload(out),
                         "reply_token": reply_token if own else None,
                         "reply_token_expires": reply_token_expires if own else None})
        return rows

    def adopt(self, rows: list[Outbox]) -> None:
        """Send rows already leased to this process (the webhook's answers), without a claim."""
        if rows:
            self._spawn(rows)

    def wake(self) -> None:
        """New rows are waiting (a round was enqueued): look now rather than at the next poll."""
        self._wake.set()

    # ---- sending ----------------------------------------------------------------------------
    def start(self) -> None:
        if self.store.engine.dialect.name == "sqlite":
            self.store.release_claims()  # one process per SQLite database: nothing else is sending
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self, *, grace: float = 5.0) -> None:
        """Stop claiming; let what is in flight finish for `grace` seconds, then cancel the rest.

        Rows cancelled here are still leased: a restart (at once on SQLite) or another replica (as
        soon as this process's lease is gone: storage/leases.py) sends them.
        """
        if self._soon is not None:
            self._soon.cancel()
            self._soon = None
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._chats:
            _, late = await asyncio.wait(self._chats, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self._recorder.close(grace=grace)

    async def _run(self) -> None:
        while True:
            claimed = 0
            try:
                room = CAPACITY - self._held
                if room > 0:
                    claimed = self._spawn(self.store.claim_due(limit=min(room, BATCH),
                                                               platforms=list(self.senders)))
            except Exception:
                log.exception("outbox claim failed")
            if not claimed or self._held >= CAPACITY:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll)

    def _spawn(self, rows: list[Outbox]) -> int:
        """Rows to their chats' queues: one task per chat drains its queue in order, one at a time."""
        self._held += len(rows)
        for row in rows:
            queue = self._queues.get(row.chat)
            if queue is None:
                queue = self._queues[row.chat] = deque()
                task = asyncio.create_task(self._drain(row.chat, queue))
                self._chats.add(task)
                task.add_done_callback(self._chat_done)
            queue.append(row)
        return len(rows)

    async def _drain(self, chat: str, queue: deque[Outbox]) -> None:
        try:
            while queue:
                batch = list(queue)
                queue.clear()
                retry_at = await self._deliver_chat(batch)
                if retry_at is not None and queue:
                    late = list(queue)
                    queue.clear()
                    try:
                        await self._hand_back(late, retry_at)
                    finally:
                        self._held -= len(late)
        finally:
            del self._queues[chat]

    def _chat_done(self, task: asyncio.Task[None]) -> None:
        self._chats.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox chat task failed", exc_info=task.exception())
        # rows of this chat that came due meanwhile are claimable now: look soon, but once for many
        # chats finishing (a claim is a write), not once per answer sent
        if self._soon is None:
            self._soon = asyncio.get_running_loop().call_later(CLAIM_AFTER_DONE, self._look_again)

    def _look_again(self) -> None:
        self._soon = None
        self.wake()

    async def deliver_due(self) -> int:
        """Send every row that is due now, and wait for them; returns how many rows were handled."""
        rows = self.store.claim_due(limit=BATCH, platforms=list(self.senders))
        by_chat: dict[str, list[Outbox]] = defaultdict(list)
        for row in rows:
            by_chat[row.chat].append(row)
        self._held += len(rows)
        await asyncio.gather(*(self._deliver_chat(chat_rows) for chat_rows in by_chat.values()))
        return len(rows)

    async def flush(self, *, timeout: float = 30.0) -> None:
        """Deliver until nothing is due (tests and `remind --now`), rows in hand included."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._chats:  # rows this process holds already (the webhook's answers)
            await asyncio.wait(set(self._chats), timeout=max(0.0, deadline - asyncio.get_running_loop().time()))
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("outbox did not drain")
        while await self.deliver_due():
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("outbox did not drain")

    async def _deliver_chat(self, rows: list[Outbox]) -> datetime | None:
        """One chat's rows in order; after a temporary failure the rest wait for the retry too (its
        time is returned, so that rows queued for the chat meanwhile wait for it as well)."""
        left = list(rows)
        try:
            while left:
                row = left.pop(0)
                self._held -= 1
                retry_at = await self._deliver(row)
                if retry_at is not None:
                    await self._hand_back(left, retry_at)
                    return retry_at
            return None
        finally:
            self._held -= len(left)

    async def _hand_back(self, rows: list[Outbox], retry_at: datetime) -> None:
        for rest in rows:
            assert rest.id is not None
            await self._recorder.settle(Outcome(rest.id, "pending", retry_at=retry_at, attempted=False))

    async def _deliver(self, row: Outbox) -> datetime | None:
        """Send one row and record what happened; the retry time when it has to wait."""
        assert row.id is not None
        platform, chat_id = row.chat.split(":", 1)
        envelope = Envelope(chat_id=chat_id, payload=from_payload(row.payload), key=row.key,
                            reply_token=row.reply_token, reply_token_expires=row.reply_token_expires)
        try:
            async with self._in_flight[platform]:
                sent = await self.pacer.wait(platform, chat_id)
                try:
                    if not await self._still_held(row):
                        return None
                    result = await self.senders[platform].send(envelope)
                finally:
                    self.pacer.answered(sent)
        except TemporaryFailure as exc:
            if row.attempts + 1 >= MAX_ATTEMPTS:
                await self._failed(row, f"重試 {MAX_ATTEMPTS} 次仍失敗：{exc}")
                return None
            wait = max(exc.retry_after or 0.0, backoff(row.attempts))
            log.warning("send to %s failed (%s), retry in %.0fs", row.chat, exc, wait)
            at = self.store.clock() + timedelta(seconds=wait)
            self.retried += 1
            await self._recorder.settle(Outcome(row.id, "pending", retry_at=at, error=str(exc)))
            return at
        except PermanentFailure as exc:
            await self._failed(row, str(exc))
            return None
        self.sent += 1
        await self._recorder.settle(Outcome(row.id, "sent", chat=row.chat, message_ids=result.message_ids,
                                            item_ids=envelope.payload.item_ids))
        return None

    async def _still_held(self, row: Outbox) -> bool:
        """A row that waited long (a slow group) renews its lease; one that lost it is left alone."""
        assert row.id is not None
        if row.next_attempt_at - self.store.clock() > LEASE / 2:
            return True
        renewed = await asyncio.to_thread(self.store.renew_lease, row_id=row.id, held_until=row.next_attempt_at)
        if renewed is None:
            log.warning("lease on outbox row %s was taken over; not sending it here", row.id)
            return False
        row.next_attempt_at = renewed
        return True

    async def _failed(self, row: Outbox, error: str) -> None:
        assert row.id is not None
        log.error("giving up on %s: %s", row.chat, error)
        self.failed += 1
        await self._recorder.settle(Outcome(row.id, "failed", error=error))
        agency = await asyncio.to_thread(self.store.binding, chat=row.chat) or row.chat
        bindings = await asyncio.to_thread(self.store.bindings)
        rows: list[dict[str, Any]] = [{"key": f"failed:{row.id}:{n}", "chat": chat, "payload": to_payload(Outgoing(
                    f"訊息無法送達「{agency}」（{row.chat}）：{error}。請確認機器人仍在該群組。", kind="notice"))}
                for n, (chat, bound) in enumerate(bindings)
                if bound == SECRETARIAT and chat != row.chat and chat.split(":", 1)[0] in self.senders]
        if not rows:
            return
        if await asyncio.to_thread(self.store.enqueue, rows=rows):
            self.wake()
