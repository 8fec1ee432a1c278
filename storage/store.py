"""The Store: the only code that writes SQL. Keyword-only methods; one user action, one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, text

from storage.base import StoreError
from storage.imports import ImportsMixin
from storage.misc import MiscMixin
from storage.outbox import OutboxMixin
from storage.people import PeopleMixin
from storage.replies import RepliesMixin


class Store(ImportsMixin, RepliesMixin, PeopleMixin, MiscMixin, OutboxMixin):
    def __init__(self, engine: Engine, *, clock: Callable[[], datetime]) -> None:
        super().__init__(engine, clock=clock)

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False


__all__ = ["Store", "StoreError"]
