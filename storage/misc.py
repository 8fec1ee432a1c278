"""Small state: the secretariat's agency additions, generated secrets, pending imports, days off."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.base import StoreBase
from storage.models import AgencyEntry, DayOff, KeyValue, PendingImport


class MiscMixin(StoreBase):
    # ---- the agency directory's additions -------------------------------------------------
    def agency_entries(self) -> list[AgencyEntry]:
        with self.session() as s:
            return list(s.exec(select(AgencyEntry).order_by(col(AgencyEntry.name))))

    def save_agency(self, *, name: str, actor: str, chat: str | None, short: list[str] | None = None,
                    parent: str | None = None, kind: str = "unit") -> None:
        """Adds an agency, or adds aliases to one (an existing entry keeps its other fields)."""
        with self.session() as s:
            entry = s.get(AgencyEntry, name)
            before = {"short": list(entry.short)} if entry else None
            if entry is None:
                entry = AgencyEntry(name=name, short=[], parent=parent, kind=kind)
            entry.short = sorted(set(entry.short) | set(short or []))
            s.add(entry)
            self.audit(s, actor=actor, chat=chat, action="agency.save", target=name, before=before,
                       after={"short": entry.short, "parent": entry.parent, "kind": entry.kind})

    # ---- generated secrets ---------------------------------------------------------------
    def secret(self, *, key: str) -> str:
        """A secret generated once and kept (download-link key, Telegram webhook secret)."""
        try:
            with self.session() as s:
                found = s.get(KeyValue, key)
                if found is None:
                    found = KeyValue(key=key, value=secrets.token_urlsafe(32))
                    s.add(found)
                return found.value
        except IntegrityError:  # a replica starting at the same moment made it first: use theirs
            with self.session() as s:
                return s.get_one(KeyValue, key).value

    # ---- minutes waiting for 確認匯入 ----------------------------------------------------
    def set_pending_import(self, *, chat: str, author: str, source_text: str, body: str | None,
                           review: dict | None = None) -> None:
        with self.session() as s:
            found = s.get(PendingImport, chat)
            if found is not None:
                s.delete(found)
                s.flush()
            s.add(PendingImport(chat=chat, author=author, body=body, source_text=source_text, review=review,
                                created_at=self.clock()))

    def pending_import(self, *, chat: str) -> PendingImport | None:
        with self.session() as s:
            return s.get(PendingImport, chat)

    def drop_pending_import(self, *, chat: str) -> bool:
        with self.session() as s:
            found = s.get(PendingImport, chat)
            if found is not None:
                s.delete(found)
            return found is not None

    # ---- the government calendar's overrides ---------------------------------------------
    def days_off(self) -> list[DayOff]:
        with self.session() as s:
            return list(s.exec(select(DayOff).order_by(col(DayOff.day))))

    def set_day(self, *, day: date, office: bool, reason: str, source: str, actor: str,
                chat: str | None) -> None:
        with self.session() as s:
            found = s.get(DayOff, day) or DayOff(day=day)
            found.office, found.reason, found.source = office, reason, source
            s.add(found)
            self.audit(s, actor=actor, chat=chat, action="calendar.set", target=day.isoformat(),
                       after={"office": office, "reason": reason})

    # ---- small flags and a reply waiting for its case number ------------------------------
    def flag(self, *, key: str, default: bool) -> bool:
        with self.session() as s:
            found = s.get(KeyValue, f"flag:{key}")
            return default if found is None else found.value == "1"

    def set_flag(self, *, key: str, value: bool, actor: str, chat: str | None) -> None:
        with self.session() as s:
            found = s.get(KeyValue, f"flag:{key}") or KeyValue(key=f"flag:{key}", value="")
            found.value = "1" if value else "0"
            s.add(found)
            self.audit(s, actor=actor, chat=chat, action="flag.set", target=key, after={"value": value})

    def set_pending_reply(self, *, chat: str, user: str, text: str) -> None:
        with self.session() as s:
            found = s.get(KeyValue, f"pending:{chat}:{user}") or KeyValue(key=f"pending:{chat}:{user}",
                                                                          value="")
            found.value = text
            s.add(found)

    def take_pending_reply(self, *, chat: str, user: str) -> str | None:
        with self.session() as s:
            found = s.get(KeyValue, f"pending:{chat}:{user}")
            if found is None:
                return None
            s.delete(found)
            return found.value
