"""Webhook events: recorded before the platform gets its 200, so a redelivery or a crash is handled once.

A key is `platform:event id` (LINE's webhookEventId, or a digest of the event where there is none).
`received` events are being handled; `done` ones were; `failed` ones raised and are left for a person.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from storage.base import StoreBase
from storage.models import ProcessedEvent

RECEIVED, DONE, FAILED = "received", "done", "failed"


def insert_events(conn: Connection, events: dict[str, dict[str, Any]], *, done: Collection[str], at: datetime,
                  owner: str) -> set[str]:
    """Record events received by `owner` (those in `done` handled already, in the unit of work that
    handled them) in one INSERT … ON CONFLICT DO NOTHING RETURNING: the keys that were new. Two
    replicas given the same redelivery at once both stay right (rowcount is -1 with psycopg)."""
    rows = [{"key": k, "payload": p, "status": DONE if k in done else RECEIVED, "at": at, "owner": owner}
            for k, p in events.items()]
    table = ProcessedEvent.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(rows).on_conflict_do_nothing(index_elements=["key"])
    return {row[0] for row in conn.execute(statement.returning(table.c.key))}


class EventsMixin(StoreBase):
    def record_events(self, *, events: list[tuple[str, dict[str, Any]]], done: Collection[str] = ()) -> list[str]:
        """Record events as received by this process (those in `done` as handled already, in the unit
        of work that handles them); returns the keys that were new (a known key is a redelivery)."""
        unique: dict[str, dict[str, Any]] = {}
        for key, payload in events:
            unique.setdefault(key, payload)
        if not unique:
            return []
        with self.begin() as conn:
            fresh = insert_events(conn, unique, done=done, at=self.clock(), owner=self.owner)
        return [k for k in unique if k in fresh]

    def finish_events(self, *, keys: list[str], status: str = DONE) -> None:
        if not keys:
            return
        with self.session() as s:
            s.execute(update(ProcessedEvent).where(col(ProcessedEvent.key).in_(keys)).values(status=status))

    def event_status(self, *, key: str) -> str | None:
        with self.session() as s:
            found = s.get(ProcessedEvent, key)
            return found.status if found else None

    def prune_events(self, *, before: datetime) -> int:
        """Forget handled events older than any redelivery (LINE redelivers within hours)."""
        with self.session() as s:
            result = s.execute(delete(ProcessedEvent).where(
                col(ProcessedEvent.status) == DONE, col(ProcessedEvent.at) < before))
            return int(getattr(result, "rowcount", 0) or 0)

    def note_event(self, *, actor: str, chat: str, action: str, after: dict[str, Any] | None = None) -> None:
        """Something a platform told us that changes nothing but is worth keeping (a member joined)."""
        with self.session() as s:
            self.audit(s, actor=actor, chat=chat, action=action, after=after)
