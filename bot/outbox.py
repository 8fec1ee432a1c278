"""The outbox: every outgoing message is a row before it is sent; a sender task delivers the rows.

Retries back off exponentially and honour the platform's retry-after. A row is leased while it
is being sent, so a replica (or a restart) takes over what a dead sender left behind, and the
idempotency key makes that resend safe where the platform supports one (LINE's X-Line-Retry-Key).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import datetime, timedelta

from bot.delivery import Envelope, PermanentFailure, Sender, TemporaryFailure, from_payload, to_payload
from bot.messages import ChatRef, Outgoing
from storage.models import SECRETARIAT, Outbox
from storage.store import Store

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
MAX_BACKOFF = 300.0
BATCH = 200


def backoff(attempts: int) -> float:
    return min(MAX_BACKOFF, 2.0 ** attempts)


class OutboxSender:
    def __init__(self, store: Store, senders: dict[str, Sender], *, poll: float = 1.0,
                 concurrency: int = 32) -> None:
        self.store = store
        self.senders = senders
        self.poll = poll
        self._wake = asyncio.Event()
        self._limit = asyncio.Semaphore(concurrency)
        self._task: asyncio.Task[None] | None = None

    # ---- writing ----------------------------------------------------------------------------
    def enqueue(self, answers: list[Outgoing], *, origin: ChatRef | None, key: str,
                reply_token: str | None = None, reply_token_expires: datetime | None = None) -> list[int]:
        """Rows for `answers`; an answer without a chat goes back to `origin` (with its reply token)."""
        rows = []
        for n, out in enumerate(answers):
            chat = out.chat or origin
            if chat is None or chat.platform not in self.senders:
                continue
            own = out.chat is None or out.chat == origin
            rows.append({"key": out.key or f"{key}:{n}", "chat": chat.key, "payload": to_payload(out),
                         "reply_token": reply_token if own else None,
                         "reply_token_expires": reply_token_expires if own else None})
        ids = self.store.enqueue(rows=rows) if rows else []
        if ids:
            self._wake.set()
        return ids

    # ---- sending ----------------------------------------------------------------------------
    def start(self) -> None:
        if self.store.engine.dialect.name == "sqlite":
            self.store.release_claims()  # one process per SQLite database: nothing else is sending
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                sent = await self.deliver_due()
            except Exception:
                log.exception("outbox round failed")
                sent = 0
            if not sent:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll)

    async def deliver_due(self) -> int:
        """Send every row that is due now; returns how many rows were handled."""
        rows = await asyncio.to_thread(self.store.claim_due, limit=BATCH)
        by_chat: dict[str, list[Outbox]] = defaultdict(list)
        for row in rows:
            by_chat[row.chat].append(row)
        await asyncio.gather(*(self._deliver_chat(chat_rows) for chat_rows in by_chat.values()))
        return len(rows)

    async def flush(self, *, timeout: float = 30.0) -> None:
        """Deliver until nothing is due (tests and `remind --now`)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while await self.deliver_due():
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("outbox did not drain")

    async def _deliver_chat(self, rows: list[Outbox]) -> None:
        async with self._limit:
            for row in rows:  # one chat's messages in order
                if not await self._deliver(row):
                    break

    async def _deliver(self, row: Outbox) -> bool:
        assert row.id is not None
        platform, chat_id = row.chat.split(":", 1)
        envelope = Envelope(chat_id=chat_id, payload=from_payload(row.payload), key=row.key,
                            reply_token=row.reply_token, reply_token_expires=row.reply_token_expires)
        try:
            result = await self.senders[platform].send(envelope)
        except TemporaryFailure as exc:
            if row.attempts + 1 >= MAX_ATTEMPTS:
                self._failed(row, f"重試 {MAX_ATTEMPTS} 次仍失敗：{exc}")
                return True
            wait = max(exc.retry_after or 0.0, backoff(row.attempts))
            log.warning("send to %s failed (%s), retry in %.0fs", row.chat, exc, wait)
            self.store.mark_retry(row_id=row.id, at=self.store.clock() + timedelta(seconds=wait),
                                  error=str(exc))
            return False
        except PermanentFailure as exc:
            self._failed(row, str(exc))
            return True
        self.store.mark_sent(row_id=row.id, message_ids=result.message_ids)
        if result.message_ids and envelope.payload.item_ids:
            self.store.record_sent(chat=row.chat, message_ids=result.message_ids,
                                   item_ids=envelope.payload.item_ids)
        return True

    def _failed(self, row: Outbox, error: str) -> None:
        assert row.id is not None
        log.error("giving up on %s: %s", row.chat, error)
        self.store.mark_failed(row_id=row.id, error=error)
        agency = self.store.binding(chat=row.chat) or row.chat
        notices = [Outgoing(f"訊息無法送達「{agency}」（{row.chat}）：{error}。請確認機器人仍在該群組。",
                            chat=ChatRef(*chat.split(":", 1)), kind="notice")
                   for chat, bound in self.store.bindings() if bound == SECRETARIAT and chat != row.chat]
        self.enqueue(notices, origin=None, key=f"failed:{row.id}")
