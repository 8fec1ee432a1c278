"""Outbox rows: written before sending, claimed by one sender at a time (SKIP LOCKED on PostgreSQL).

A claim is a lease: the row is 'sending' until `next_attempt_at`; a sender that died leaves it to be
claimed again once the lease runs out. A chat with a row in flight is not claimed again, so one
chat's messages go out in order and one at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, Integer, Table, Update, and_, bindparam, func, not_, or_, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.base import StoreBase
from storage.leases import LEASES_T, owner_gone, wall_clock
from storage.models import Outbox, SentMessage

LEASE = timedelta(seconds=30)  # a claimed row whose sender died is taken over after this
OUTBOX_T: Table = Outbox.__table__  # type: ignore[attr-defined]
SENT_T: Table = SentMessage.__table__  # type: ignore[attr-defined]
# a known key is skipped by the database itself (two replicas enqueuing the same round stay correct too)
_INSERTS = {name: dialect.insert(OUTBOX_T).on_conflict_do_nothing(index_elements=["key"])
            .returning(OUTBOX_T.c.id, OUTBOX_T.c.key) for name, dialect in
            (("postgresql", postgresql), ("sqlite", sqlite))}


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


# a round's thousands of rows, whose ids nobody needs: the driver's executemany, a known key skipped
_PLAIN_INSERTS = {name: dialect.insert(OUTBOX_T).on_conflict_do_nothing(index_elements=["key"])
                  for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}
_SENT_INSERTS = {name: dialect.insert(SENT_T).on_conflict_do_nothing(index_elements=["chat", "message_id"])
                 for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}


@cache
def _claim_statement(dialect: str, platforms: tuple[str, ...] | None) -> Update:
    """The claim, built once per engine and set of platforms (building it costs more than running it)."""
    t = OUTBOX_T
    now = bindparam("p_now", type_=t.c.next_attempt_at.type)
    # a row leased to a process whose own lease lapsed (killed) is due at once, not when its row lease ends
    gone = owner_gone(t.c.owner, me=bindparam("p_me", type_=t.c.owner.type),
                      now=bindparam("p_wall", type_=LEASES_T.c.alive_until.type))
    in_flight = core_select(t.c.chat).where(t.c.status == "sending", t.c.next_attempt_at > now, not_(gone))
    due = (core_select(t.c.id).where(
        or_(and_(t.c.status.in_(["pending", "sending"]), t.c.next_attempt_at <= now),
            and_(t.c.status == "sending", gone)),
        t.c.chat.not_in(in_flight))
           .order_by(t.c.id).limit(bindparam("p_limit", type_=Integer)))
    if platforms is not None:
        due = due.where(or_(*[t.c.chat.startswith(f"{p}:") for p in platforms]))
    if dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return (update(t).where(t.c.id.in_(due.scalar_subquery()))
            .values(status="sending", owner=bindparam("p_me", type_=t.c.owner.type),
                    next_attempt_at=bindparam("p_until", type_=t.c.next_attempt_at.type))
            .returning(*t.c))


@cache
def _settle_statement(status: str, attempted: bool) -> Update:
    t = OUTBOX_T
    values: dict[str, Any] = {"status": status}
    if attempted:
        values |= {"attempts": t.c.attempts + 1, "last_error": bindparam("p_error", type_=t.c.last_error.type)}
    if status == "sent":
        values |= {"sent_at": bindparam("p_now", type_=t.c.sent_at.type),
                   "message_ids": bindparam("p_ids", type_=t.c.message_ids.type)}
    elif status == "pending":
        values["next_attempt_at"] = bindparam("p_retry", type_=t.c.next_attempt_at.type)
    return update(t).where(t.c.id == bindparam("p_id", type_=Integer)).values(**values)


class OutboxMixin(StoreBase):
    def enqueue(self, *, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows (key, chat, payload, reply_token, reply_token_expires); a known key is skipped."""
        if not rows:
            return []
        with self.begin() as conn:
            return self._insert_rows(conn, rows)

    def _enqueue_in(self, s: Session, rows: Iterable[dict[str, Any]]) -> None:
        """A round's rows, in the caller's transaction: no ids read back (one executemany)."""
        batch = list(self._new_rows(list(rows), now=self.clock()).values())
        if batch:
            s.connection().execute(_PLAIN_INSERTS[self.engine.dialect.name], batch)

    def _insert_rows(self, conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
        """One INSERT … ON CONFLICT DO NOTHING RETURNING: the ids of the new rows, in the order given."""
        if not rows:
            return []
        fresh = self._new_rows(rows, now=self.clock())
        added = self._insert_outbox(conn, fresh)
        return [added[key] for key in fresh if key in added]

    def _new_rows(self, rows: list[dict[str, Any]], *, now: datetime, **state: Any) -> dict[str, dict[str, Any]]:
        """Whole outbox rows by key, due now unless `state` says otherwise; a key twice: its first row."""
        fresh: dict[str, dict[str, Any]] = {}
        for row in rows:
            fresh.setdefault(row["key"], {"reply_token": None, "reply_token_expires": None} | row | {
                "status": "pending", "attempts": 0, "message_ids": [], "next_attempt_at": now,
                "created_at": now, "last_error": None, "sent_at": None} | state)
        return fresh

    def _insert_outbox(self, conn: Connection, fresh: dict[str, dict[str, Any]]) -> dict[str, int]:
        """The rows inserted (a known key skipped by the database): key → id."""
        statement = _INSERTS[self.engine.dialect.name]
        batch = list(fresh.values())
        # a round is thousands of rows: multi-row INSERTs (insertmanyvalues), not ORM objects
        result = conn.execute(statement, batch) if len(batch) > 1 else conn.execute(statement, batch[0])
        return {key: row_id for row_id, key in result}

    def enqueue_leased(self, *, rows: list[dict[str, Any]]) -> list[Outbox]:
        """Insert rows already leased to this process, which sends them itself: no claim needed
        (the webhook's answers). A known key is skipped. Other replicas leave them alone while this
        process lives; if it dies, they are due as soon as its lease lapses."""
        if not rows:
            return []
        now = self.clock()
        fresh = self._new_rows(rows, now=now, status="sending", next_attempt_at=now + LEASE, owner=self.owner)
        with self.begin() as conn:
            added = self._insert_outbox(conn, fresh)
        return [Outbox(id=added[key], **values) for key, values in fresh.items() if key in added]

    def claim_due(self, *, limit: int, platforms: Collection[str] | None = None) -> list[Outbox]:
        """Rows due now, leased to this sender; other replicas skip them while the lease runs.

        One UPDATE … RETURNING: atomic on SQLite too, where two claims must not see the same rows.
        """
        now = self.clock()
        statement = _claim_statement(self.engine.dialect.name, None if platforms is None else tuple(platforms))
        with self.begin() as conn:
            claimed = [Outbox(**row._mapping) for row in conn.execute(
                statement, {"p_now": now, "p_until": now + LEASE, "p_limit": limit, "p_me": self.owner,
                            "p_wall": wall_clock()})]
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
        now = self.clock()
        with self.begin() as conn:
            # in order (the last word on a row is its last outcome); a run of alike outcomes is one
            # executemany, so a batch of sends costs a statement or two, not one per row
            for (status, attempted), run in groupby(outcomes, key=lambda o: (o.status, o.attempted)):
                params = [{"p_id": o.row_id, "p_error": o.error, "p_now": now, "p_ids": list(o.message_ids),
                           "p_retry": o.retry_at or now} for o in run]
                conn.execute(_settle_statement(status, attempted), params if len(params) > 1 else params[0])
            self._record_sent(conn, [o for o in outcomes if o.status == "sent" and o.item_ids])

    def _record_sent(self, conn: Connection, outcomes: list[Outcome]) -> None:
        rows = [{"chat": o.chat, "message_id": message_id, "item_ids": list(o.item_ids), "at": self.clock()}
                for o in outcomes for message_id in o.message_ids]
        if rows:  # a message recorded already (a row settled twice) is skipped by the database
            conn.execute(_SENT_INSERTS[self.engine.dialect.name], rows)

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
