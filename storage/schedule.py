"""The reminder schedule's state: rounds run per body and day, the digest's cursor, the calendar.

A round's outbox rows and its record are written in one transaction: a round is either wholly
handed to the sender or not at all, and a round run twice (a double-fired job, two replicas)
adds nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.itemrows import BODY_T, ROUND_ITEMS, ROUND_REPLIES
from storage.models import LEAD, Body, DayOff, KeyValue, ReminderRound, Reply
from storage.outbox import OutboxMixin
from storage.views import ItemView, ReplyView, item_view

DIGEST_CURSOR = "digest:since"
BODY_NAMES = core_select(BODY_T.c.id, BODY_T.c.code, BODY_T.c.name)


@dataclass(frozen=True)
class ReplyNews:
    """A reply for the daily digest."""

    item_id: int
    agency: str
    kind: str
    text: str
    at: datetime
    late: bool


@dataclass(frozen=True)
class DayChange:
    day: date
    office: bool
    reason: str


def _leads_first(row: Any, more: list[Any] | None) -> tuple[tuple[str, str], ...]:
    """(name, role) of an item's agencies from its rows (agency, role, position at 10–12): leads
    first, each in its order. Most items have one."""
    if row[10] is None:
        return ()
    if more is None:
        return ((row[10], row[11]),)
    return tuple((r[10], r[11]) for r in sorted([row, *more], key=lambda r: (r[11] != LEAD, r[12], r[10])))


def case_order(case: str) -> tuple[int, ...]:
    """'12-3' → (12, 3): cases in the order people number them (most are plain numbers)."""
    if case.isdigit():
        return (int(case),)
    return tuple(int(p) if p.isdigit() else 0 for p in case.split("-"))


class ScheduleMixin(OutboxMixin):
    # ---- rounds ------------------------------------------------------------------------------
    def last_rounds(self) -> dict[int, date]:
        """Body id → the last day a round was run for it."""
        with self.session() as s:
            rows = s.exec(select(ReminderRound.body_id, func.max(ReminderRound.day))
                          .group_by(col(ReminderRound.body_id)))
            return {body_id: day for body_id, day in rows}

    def bodies_created(self) -> dict[int, datetime]:
        """Body id → when it was created: its first round is the first reminder time after that."""
        with self.session() as s:
            return {i: at for i, at in s.exec(select(Body.id, Body.created_at)) if i is not None}

    def round_done(self, *, body_id: int, day: date) -> bool:
        with self.session() as s:
            return s.exec(select(ReminderRound.id).where(ReminderRound.body_id == body_id,
                                                         ReminderRound.day == day)).first() is not None

    def record_round(self, *, body_id: int, day: date | None, rows: list[dict[str, Any]],
                     reasons: list[str], overdue: dict[str, list[int]] | None = None) -> bool:
        """Enqueue a round's messages and mark the round run, together.

        `day=None` is a round sent by hand (催辦, `lieguan remind --now`): enqueued, not marked.
        False when that day's round had already been run (nothing enqueued).
        """
        try:
            with self.session() as s:
                if day is not None:
                    s.add(ReminderRound(body_id=body_id, day=day, reasons=list(reasons), chats=len(rows),
                                        overdue=dict(overdue or {}), at=self.clock()))
                    s.flush()
                self._enqueue_in(s, rows)
                return True
        except IntegrityError:
            return False  # another replica (or a double-fired job) ran it first

    def rounds(self, *, body_id: int, limit: int = 10) -> list[ReminderRound]:
        with self.session() as s:
            return list(s.exec(select(ReminderRound).where(ReminderRound.body_id == body_id)
                               .order_by(col(ReminderRound.day).desc()).limit(limit)))

    def round_items(self, *, body_id: int) -> list[ItemView]:
        """A body's open items with their agencies and standing replies, read in bulk for a round.

        The same views as `items()`, in case order, built from plain rows of statements built once:
        a round of 100,000 items reads in a fraction of the time ORM objects take.
        """
        params = {"body_id": body_id}
        with self.session() as s:
            conn = s.connection()
            bodies = {i: (code, name) for i, code, name in conn.execute(BODY_NAMES)}
            rows = conn.execute(ROUND_ITEMS, params).all()
            replies: dict[int, list[ReplyView]] = defaultdict(list)
            for (reply_id, item_id, agency, kind, text, author, name, at, late, withdrawn,
                 superseded) in conn.execute(ROUND_REPLIES, params).all():
                replies[item_id].append(ReplyView(
                    id=reply_id, agency=agency, kind=kind, text=text, author=author, author_name=name, at=at,
                    late=late, withdrawn=withdrawn, superseded=superseded is not None))
        heads: dict[int, Any] = {}
        more: dict[int, list[Any]] = defaultdict(list)  # the rows of items with several agencies
        for row in rows:  # a row per agency of the item
            if row[0] in heads:
                more[row[0]].append(row)
            else:
                heads[row[0]] = row
        code, body_name = bodies[body_id]
        prefix = code if len(bodies) > 1 else ""
        return [item_view({
            "id": row[0], "body_id": body_id, "body": body_name, "code": code, "case": row[1],
            "label": prefix + row[1], "subject": row[2], "text": row[3], "status": row[4], "due_next_meeting": row[5],
            "due_date": row[6], "agencies": _leads_first(row, more.get(row[0])), "meeting_number": None,
            "warning": row[7], "proposal": row[8], "proposal_reason": row[9],
            "replies": tuple(replies[row[0]]) if row[0] in replies else (), "source": None})
            for row in sorted(heads.values(), key=lambda row: case_order(row[1]))]

    # ---- small schedule settings (the digest's time), and who runs the scheduler ---------------
    def setting(self, *, key: str, default: str) -> str:
        with self.session() as s:
            found = s.get(KeyValue, f"setting:{key}")
            return default if found is None else found.value

    def set_setting(self, *, key: str, value: str, actor: str, chat: str | None) -> None:
        with self.session() as s:
            found = s.get(KeyValue, f"setting:{key}") or KeyValue(key=f"setting:{key}", value="")
            before = found.value
            found.value = value
            s.add(found)
            self.audit(s, actor=actor, chat=chat, action="setting.set", target=key,
                       before={"value": before}, after={"value": value})

    def note(self, *, key: str, value: str | None = None) -> str | None:
        """A small fact the bot keeps for operators (which replica runs the scheduler); no audit."""
        with self.session() as s:
            found = s.get(KeyValue, f"note:{key}")
            if value is not None:
                found = found or KeyValue(key=f"note:{key}", value="")
                found.value = value
                s.add(found)
            return found.value if found else None

    # ---- the daily digest of replies -----------------------------------------------------------
    def digest_since(self) -> datetime | None:
        with self.session() as s:
            found = s.get(KeyValue, DIGEST_CURSOR)
            return datetime.fromisoformat(found.value) if found else None

    def replies_between(self, *, since: datetime | None, until: datetime) -> list[ReplyNews]:
        """Standing replies (progress and 建議解除) received in (since, until], oldest first."""
        with self.session() as s:
            query = select(Reply).where(col(Reply.withdrawn).is_(False), col(Reply.superseded_by).is_(None),
                                        Reply.at <= until).order_by(col(Reply.at), col(Reply.id))
            if since is not None:
                query = query.where(Reply.at > since)
            return [ReplyNews(r.item_id, r.agency, r.kind, r.text, r.at, r.late) for r in s.exec(query)]

    def record_digest(self, *, rows: list[dict[str, Any]], until: datetime) -> None:
        """Enqueue the digest and move its cursor, together."""
        with self.session() as s:
            found = s.get(KeyValue, DIGEST_CURSOR) or KeyValue(key=DIGEST_CURSOR, value="")
            found.value = until.isoformat()
            s.add(found)
            self._enqueue_in(s, rows)

    # ---- the government calendar ----------------------------------------------------------------
    def remove_day(self, *, day: date, actor: str, chat: str | None) -> DayOff | None:
        """Cancel a 停班 day set by hand; the day is what the calendar says again."""
        with self.session() as s:
            found = s.get(DayOff, day)
            if found is None or found.source != "manual":
                return None
            s.delete(found)
            self.audit(s, actor=actor, chat=chat, action="calendar.remove", target=day.isoformat(),
                       before={"office": found.office, "reason": found.reason})
            return found

    def import_days(self, *, days: list[DayChange], source: str, actor: str) -> tuple[int, int]:
        """The DGPA calendar's days; days set by hand (停班) win. (days written, manual days kept)."""
        with self.session() as s:
            existing = {d.day: d for d in s.exec(select(DayOff).where(
                col(DayOff.day).in_([c.day for c in days])))} if days else {}
            written = kept = 0
            for change in days:
                found = existing.get(change.day)
                if found is not None and found.source == "manual":
                    kept += 1
                    continue
                found = found or DayOff(day=change.day)
                found.office, found.reason, found.source = change.office, change.reason[:200], source
                s.add(found)
                written += 1
            self.audit(s, actor=actor, chat=None, action="calendar.import", target=source,
                       after={"days": written, "kept": kept})
            return written, kept
