"""Outbox rows: written before sending, claimed by one sender at a time (SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import col, select

from storage.base import StoreBase
from storage.models import Outbox

LEASE = timedelta(seconds=30)  # a claimed row whose sender died is taken over after this


class OutboxMixin(StoreBase):
    def enqueue(self, *, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows (key, chat, payload, reply_token, reply_token_expires); a known key is skipped."""
        with self.session() as s:
            ids = []
            keys = [r["key"] for r in rows]
            known = set(s.exec(select(Outbox.key).where(col(Outbox.key).in_(keys))))
            for row in rows:
                if row["key"] in known:
                    continue
                known.add(row["key"])
                entry = Outbox(next_attempt_at=self.clock(), created_at=self.clock(), **row)
                s.add(entry)
                s.flush()
                assert entry.id is not None
                ids.append(entry.id)
            return ids

    def claim_due(self, *, limit: int) -> list[Outbox]:
        """Rows due now, leased to this sender; other replicas skip them while the lease runs."""
        now = self.clock()
        with self.session() as s:
            query = (select(Outbox).where(col(Outbox.status).in_(["pending", "sending"]),
                                          Outbox.next_attempt_at <= now)
                     .order_by(col(Outbox.id)).limit(limit))
            if self.engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = list(s.exec(query))
            for row in rows:
                row.status, row.next_attempt_at = "sending", now + LEASE
                s.add(row)
            return rows

    def release_claims(self) -> int:
        """At start on a single-process database: rows a killed process had claimed are due again."""
        with self.session() as s:
            rows = list(s.exec(select(Outbox).where(Outbox.status == "sending")))
            for row in rows:
                row.status, row.next_attempt_at = "pending", self.clock()
                s.add(row)
            return len(rows)

    def mark_sent(self, *, row_id: int, message_ids: list[str]) -> None:
        with self.session() as s:
            row = s.get(Outbox, row_id)
            if row is not None:
                row.status, row.sent_at, row.message_ids = "sent", self.clock(), list(message_ids)
                row.attempts += 1
                s.add(row)

    def mark_retry(self, *, row_id: int, at: datetime, error: str) -> None:
        with self.session() as s:
            row = s.get(Outbox, row_id)
            if row is not None:
                row.status, row.next_attempt_at, row.last_error = "pending", at, error
                row.attempts += 1
                s.add(row)

    def mark_failed(self, *, row_id: int, error: str) -> None:
        with self.session() as s:
            row = s.get(Outbox, row_id)
            if row is not None:
                row.status, row.last_error = "failed", error
                row.attempts += 1
                s.add(row)

    def outbox_counts(self) -> dict[str, int]:
        with self.session() as s:
            return dict(s.exec(select(Outbox.status, func.count()).group_by(col(Outbox.status))).all())

    def outbox_rows(self, *, chat: str | None = None) -> list[Outbox]:
        with self.session() as s:
            query = select(Outbox).order_by(col(Outbox.id))
            if chat is not None:
                query = query.where(Outbox.chat == chat)
            return list(s.exec(query))

    def next_due(self) -> datetime | None:
        with self.session() as s:
            return s.exec(select(func.min(Outbox.next_attempt_at)).where(
                or_(col(Outbox.status) == "pending", col(Outbox.status) == "sending"))).one()
