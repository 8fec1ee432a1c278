"""The Store: the only code that writes SQL. Keyword-only methods; one user action, one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text

from storage.base import StoreError
from storage.events import EventsMixin
from storage.evidence import EvidenceMixin
from storage.imports import ImportsMixin
from storage.leases import LeasesMixin
from storage.misc import MiscMixin
from storage.outbox import OutboxMixin
from storage.people import PeopleMixin
from storage.replies import RepliesMixin
from storage.schedule import ScheduleMixin
from storage.tgstate import TelegramStateMixin
from storage.web import WebMixin


class Store(ImportsMixin, RepliesMixin, PeopleMixin, MiscMixin, ScheduleMixin, OutboxMixin, EventsMixin,
            TelegramStateMixin, WebMixin, EvidenceMixin, LeasesMixin):
    def __init__(self, engine: Engine, *, clock: Callable[[], datetime],
                 body_defaults: dict[str, Any] | None = None) -> None:
        super().__init__(engine, clock=clock, body_defaults=body_defaults)

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False


__all__ = ["Store", "StoreError"]
