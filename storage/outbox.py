"""Outbox rows: written before sending, claimed by one sender at a time (SKIP LOCKED on PostgreSQL).

A claim is a lease: the row is 'sending' until `next_attempt_at`; a sender that died leaves it to be
claimed again once the lease runs out. A chat with a row in flight is not claimed again, so one
chat's messages go out in order and one at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, update
from sqlmodel import Session, col, select

from storage.base import StoreBase
from storage.models import Outbox, SentMessage

LEASE = timedelta(seconds=30)  # a claimed row whose sender died is taken over after this


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed row: sent, pending again (retry at `retry_at`) or failed."""

    row_id: int
    status: str
    chat: str = ""
    message_ids: list[str] = field(default_factory=list)
    item_ids: list[int] = field(default_factory=list)
    error: str | None = None
    retry_at: datetime | None = None
    attempted: bool = True  # False: handed back unsent (it waits behind its chat's retry)


class OutboxMixin(StoreBase):
    def enqueue(self, *, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows (key, chat, payload, reply_token, reply_token_expires); a known key is skipped."""
        with self.session() as s:
            return self._enqueue_in(s, rows)

    def _enqueue_in(self, s: Session, rows: Iterable[dict[str, Any]]) -> list[int]:
        rows = list(rows)
        if not rows:
            return []
        now = self.clock()
        known: set[str] = set()
        keys = [r["key"] for r in rows]
        for start in range(0, len(keys), 500):  # bounded IN lists on every engine
            known.update(s.exec(select(Outbox.key).where(col(Outbox.key).in_(keys[start:start + 500]))))
        fresh = []
        for row in rows:
            if row["key"] not in known:
                known.add(row["key"])
                fresh.append({"reply_token": None, "reply_token_expires": None} | row | {
                    "status": "pending", "attempts": 0, "message_ids": [], "next_attempt_at": now,
                    "created_at": now, "last_error": None, "sent_at": None})
        if not fresh:
            return []
        # one multi-row INSERT … RETURNING (a round is thousands of rows; ORM objects cost more than SQL)
        return list(s.scalars(insert(Outbox).returning(col(Outbox.id), sort_by_parameter_order=True), fresh))

    def claim_due(self, *, limit: int, platforms: Collection[str] | None = None) -> list[Outbox]:
        """Rows due now, leased to this sender; other replicas skip them while the lease runs.

        One UPDATE … RETURNING: atomic on SQLite too, where two claims must not see the same rows.
        """
        now = self.clock()
        in_flight = select(Outbox.chat).where(Outbox.status == "sending", Outbox.next_attempt_at > now)
        due = (select(Outbox.id).where(col(Outbox.status).in_(["pending", "sending"]),
                                       Outbox.next_attempt_at <= now, col(Outbox.chat).not_in(in_flight))
               .order_by(col(Outbox.id)).limit(limit))
        if platforms is not None:
            due = due.where(or_(*[col(Outbox.chat).startswith(f"{p}:") for p in platforms]))
        if self.engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        with self.session() as s:
            claimed = s.scalars(update(Outbox).where(col(Outbox.id).in_(due.scalar_subquery()))
                                .values(status="sending", next_attempt_at=now + LEASE)
                                .returning(Outbox)).all()
            return sorted(claimed, key=lambda row: row.id or 0)

    def renew_lease(self, *, row_id: int, held_until: datetime) -> datetime | None:
        """Extend a lease this sender still holds (unchanged since its claim); None if it lost it."""
        until = self.clock() + LEASE
        with self.session() as s:
            result = s.exec(update(Outbox).where(col(Outbox.id) == row_id, col(Outbox.status) == "sending",
                                                 col(Outbox.next_attempt_at) == held_until)
                            .values(next_attempt_at=until))
            return until if result.rowcount == 1 else None

    def settle(self, *, outcomes: list[Outcome]) -> None:
        """Record what became of claimed rows, and the message ids a reply may quote, at once."""
        if not outcomes:
            return
        with self.session() as s:
            rows = {r.id: r for r in s.exec(select(Outbox).where(
                col(Outbox.id).in_([o.row_id for o in outcomes])))}
            now = self.clock()
            for o in outcomes:
                row = rows.get(o.row_id)
                if row is None:
                    continue
                row.status = o.status
                if o.attempted:
                    row.attempts, row.last_error = row.attempts + 1, o.error
                if o.status == "sent":
                    row.sent_at, row.message_ids = now, list(o.message_ids)
                elif o.status == "pending":
                    row.next_attempt_at = o.retry_at or now
                s.add(row)
            self._record_sent_in(s, [o for o in outcomes if o.status == "sent" and o.item_ids])

    def _record_sent_in(self, s: Session, outcomes: list[Outcome]) -> None:
        ids = [m for o in outcomes for m in o.message_ids]
        if not ids:
            return
        known = set(s.exec(select(SentMessage.chat, SentMessage.message_id)
                           .where(col(SentMessage.message_id).in_(ids))).all())
        for o in outcomes:
            for message_id in o.message_ids:
                if (o.chat, message_id) not in known:
                    known.add((o.chat, message_id))
                    s.add(SentMessage(chat=o.chat, message_id=message_id, item_ids=list(o.item_ids),
                                      at=self.clock()))

    def release_claims(self) -> int:
        """At start on a single-process database: rows a killed process had claimed are due again."""
        with self.session() as s:
            rows = list(s.exec(select(Outbox).where(Outbox.status == "sending")))
            for row in rows:
                row.status, row.next_attempt_at = "pending", self.clock()
                s.add(row)
            return len(rows)

    def mark_sent(self, *, row_id: int, message_ids: list[str]) -> None:
        self.settle(outcomes=[Outcome(row_id, "sent", message_ids=list(message_ids))])

    def mark_retry(self, *, row_id: int, at: datetime, error: str) -> None:
        self.settle(outcomes=[Outcome(row_id, "pending", retry_at=at, error=error)])

    def mark_failed(self, *, row_id: int, error: str) -> None:
        self.settle(outcomes=[Outcome(row_id, "failed", error=error)])

    def outbox_counts(self) -> dict[str, int]:
        with self.session() as s:
            return dict(s.exec(select(Outbox.status, func.count()).group_by(col(Outbox.status))).all())

    def outbox_rows(self, *, chat: str | None = None, key_prefix: str | None = None) -> list[Outbox]:
        with self.session() as s:
            query = select(Outbox).order_by(col(Outbox.id))
            if chat is not None:
                query = query.where(Outbox.chat == chat)
            if key_prefix is not None:
                query = query.where(col(Outbox.key).startswith(key_prefix))
            return list(s.exec(query))

    def next_due(self) -> datetime | None:
        with self.session() as s:
            return s.exec(select(func.min(Outbox.next_attempt_at)).where(
                or_(col(Outbox.status) == "pending", col(Outbox.status) == "sending"))).one()
