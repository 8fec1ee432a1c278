"""The Store's foundation: one session per user action, and the audit trail written inside it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from storage.models import Audit


class StoreError(Exception):
    """A user-facing refusal from the Store; str() is a zh-TW sentence."""


class StoreBase:
    def __init__(self, engine: Engine, *, clock: Callable[[], datetime],
                 body_defaults: dict[str, Any] | None = None) -> None:
        self.engine = engine
        self.clock = clock
        # a new body's reminder weekday and time and reply deadline, from the settings
        self.body_defaults = dict(body_defaults or {})

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

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
