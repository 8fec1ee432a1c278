"""The Store's foundation: one session per user action, and the audit trail written inside it.

A unit of work (`Store.unit()`) makes many actions one transaction: the webhook handles the events
that arrived together, stores their replies and queues the answers, and commits once. Inside a unit
every `session()`, `begin()` and `connect()` of the Store is the unit's own transaction; each action
is still flushed and its objects detached when its block ends, as if it had committed, so the code
inside cannot tell. An action that fails inside a unit spoils it: the whole unit rolls back (the
caller then does the actions one by one, the usual way).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from storage.models import Audit


def process_name() -> str:
    """host:pid:start in ms: a restarted process is a new owner, even under the same pid."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{int(time.time() * 1000)}"


class StoreError(Exception):
    """A user-facing refusal from the Store; str() is a zh-TW sentence."""


class UnitSpoiled(Exception):
    """An action inside a unit of work failed (even one whose error was caught): nothing was kept."""


@dataclass(eq=False)
class _Unit:
    engine: Engine
    session: Session
    open: bool = True
    spoiled: bool = False


# A task started inside a unit inherits this variable: `open` tells it the unit is over
_UNIT: ContextVar[_Unit | None] = ContextVar("lieguan_unit", default=None)


class StoreBase:
    def __init__(self, engine: Engine, *, clock: Callable[[], datetime],
                 body_defaults: dict[str, Any] | None = None) -> None:
        self.engine = engine
        self.clock = clock
        # this process, as the events and outbox rows it is handling name it (storage/leases.py)
        self.owner = process_name()
        # a new body's reminder weekday and time and reply deadline, from the settings
        self.body_defaults = dict(body_defaults or {})

    def _unit_open(self) -> _Unit | None:
        unit = _UNIT.get()
        return unit if unit is not None and unit.open and unit.engine is self.engine else None

    def in_unit(self) -> bool:
        """Inside a unit of work: an unexpected failure must spoil it rather than be answered."""
        return self._unit_open() is not None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        unit = self._unit_open()
        if unit is not None:
            s = unit.session
            try:
                yield s
                s.flush()
            except BaseException:
                unit.spoiled = True
                raise
            finally:
                s.expunge_all()  # what the block returns is detached, as after a commit
            return
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction committed when the block ends (the unit's, inside one)."""
        unit = self._unit_open()
        if unit is None:
            with self.engine.begin() as conn:
                yield conn
            return
        try:
            yield unit.session.connection()
        except BaseException:
            unit.spoiled = True
            raise

    def connect(self) -> AbstractContextManager[Connection]:
        """A connection for reading (the unit's, inside one, so that it sees what the unit wrote)."""
        unit = self._unit_open()
        return self.engine.connect() if unit is None else self.begin()

    @contextmanager
    def unit(self) -> Iterator[None]:
        """Everything the Store does in the block is one transaction, committed when the block ends.

        Nothing inside may wait for the event loop: another task's write would wait for this one's
        lock (SQLite) while this one waits for the loop. Raises UnitSpoiled when an action inside
        failed, even if its error was caught and answered: the unit is then rolled back whole.
        """
        unit = _Unit(self.engine, Session(self.engine, expire_on_commit=False))
        token = _UNIT.set(unit)
        try:
            yield
            if unit.spoiled:
                raise UnitSpoiled
            unit.session.commit()
        except BaseException:
            unit.session.rollback()
            raise
        finally:
            unit.open = False
            _UNIT.reset(token)
            unit.session.close()

    def audit(
        self,
        s: Session,
        *,
        actor: str,
        chat: str | None,
        action: str,
        target: str | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        s.add(Audit(at=self.clock(), actor=actor, chat=chat, action=action, target=target,
                    before=before, after=after))
