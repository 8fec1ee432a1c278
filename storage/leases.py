"""Owner leases: which process is handling an event or sending an outbox row, and whether it lives.

Every process names itself (`host:pid:start`) and, on a database several processes share, renews
its ProcessLease every second or so. Events it records and outbox rows it leases carry that name.
An event still `received`, or a row still `sending`, whose owner's lease has lapsed was left by a
dead process: another (or the same process, restarted under a new name) takes it up within seconds.
Rows from before owners existed have none and keep the old rule: taken up once a minute old.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.base import StoreBase
from storage.events import RECEIVED
from storage.models import ProcessedEvent, ProcessLease

LEASE_TTL = timedelta(seconds=3)  # renewed every second: a dead process is known within 3 s
FORGET = timedelta(days=1)  # lapsed leases are deleted after this
LEASES_T: Table = ProcessLease.__table__  # type: ignore[attr-defined]
EVENTS_T: Table = ProcessedEvent.__table__  # type: ignore[attr-defined]


def wall_clock() -> datetime:
    return datetime.now(UTC)


def owner_gone(owner: Any, *, me: Any, now: Any) -> ColumnElement[bool]:
    """Held by another process whose lease has lapsed at `now` (values or bound parameters)."""
    alive = select(LEASES_T.c.owner).where(LEASES_T.c.alive_until > now)
    return and_(owner.is_not(None), owner != me, owner.not_in(alive))


def orphaned(owner: Any, at: Any, *, me: str, now: datetime, stale_before: datetime | None) -> ColumnElement[bool]:
    """Left by a process that is gone: its owner's lease lapsed (or, with no owner, it is old)."""
    if stale_before is None:  # one process per database (SQLite): whatever is left is orphaned
        return or_(owner.is_(None), owner != me)
    return or_(owner_gone(owner, me=me, now=now), and_(owner.is_(None), at < stale_before))


class LeasesMixin(StoreBase):
    def keep_alive(self) -> None:
        """Renew this process's lease (insert it the first time)."""
        now = wall_clock()
        values = {"owner": self.owner, "started_at": now, "alive_until": now + LEASE_TTL}
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(LEASES_T).values(values).on_conflict_do_update(
            index_elements=["owner"], set_={"alive_until": values["alive_until"]})
        with self.begin() as conn:
            conn.execute(statement)

    def drop_lease(self) -> None:
        """A graceful stop: what this process leaves unfinished is taken up at once by the others."""
        with self.begin() as conn:
            conn.execute(delete(LEASES_T).where(LEASES_T.c.owner == self.owner))
            conn.execute(delete(LEASES_T).where(LEASES_T.c.alive_until < wall_clock() - FORGET))

    def take_over_events(self, *, prefix: str, stale_before: datetime | None,
                         limit: int = 500) -> list[tuple[str, dict[str, Any]]]:
        """Events of one platform still `received` whose process is gone, now this process's; oldest
        first. `stale_before` None: one process per database, so any event not ours is orphaned."""
        t = EVENTS_T
        lost = orphaned(t.c.owner, t.c.at, me=self.owner, now=wall_clock(), stale_before=stale_before)
        keys = (select(t.c.key).where(t.c.status == RECEIVED, t.c.key.startswith(prefix), lost)
                .order_by(t.c.at, t.c.key).limit(limit))
        if self.engine.dialect.name == "postgresql":
            keys = keys.with_for_update(skip_locked=True)  # two replicas never take the same event
        statement = (update(t).where(t.c.key.in_(keys.scalar_subquery()), t.c.status == RECEIVED)
                     .values(owner=self.owner).returning(t.c.key, t.c.payload, t.c.at))
        with self.begin() as conn:
            rows = conn.execute(statement).all()
        return [(key, dict(payload)) for key, payload, _ in sorted(rows, key=lambda r: (r.at, r.key))]
