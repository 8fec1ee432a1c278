"""Bodies, meetings and tracked items."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from storage.base import StoreBase, StoreError
from storage.itemrows import (
    BODIES,
    BODY_BY_ID,
    CASE_ITEMS,
    CODE_CASE_ITEMS,
    ITEM_ROWS,
    ITEM_T,
    ITEMS_BY_ID,
    LINK_T,
    body_of,
    item_views,
)
from storage.models import (
    RELEASED,
    Body,
    Item,
    ItemAgency,
    Meeting,
    Review,
)
from storage.views import BodyView, ItemView

CASE_REF = re.compile(r"^(?P<code>[^\d\s#-][^\d\s#]*?)?-?(?P<case>\d+(?:-\d+)*)$")

def _item_dict(item: Item) -> dict[str, Any]:
    return {"case": item.case, "subject": item.subject, "text": item.text, "status": item.status,
            "due_next_meeting": item.due_next_meeting,
            "due_date": item.due_date.isoformat() if item.due_date else None,
            "proposal": item.proposal}


def _default_code(name: str, taken: set[str]) -> str:
    letters = re.sub(r"[\W\d_]", "", name) or "會"
    for size in range(2, len(letters) + 1):
        if letters[:size] not in taken:
            return letters[:size]
    n = 2
    while f"{letters}{n}" in taken:
        n += 1
    return f"{letters}{n}"


class ItemsMixin(StoreBase):
    # ---- bodies and meetings -------------------------------------------------------------
    def _body_view(self, s: Session, body: Body) -> BodyView:
        last = s.exec(select(Meeting).where(Meeting.body_id == body.id)
                      .order_by(col(Meeting.held_on).desc(), col(Meeting.id).desc())).first()
        assert body.id is not None
        return BodyView(id=body.id, name=body.name, code=body.code, government=body.government,
                        next_meeting=body.next_meeting, reminder_weekday=body.reminder_weekday,
                        reminder_time=body.reminder_time, deadline_office_days=body.deadline_office_days,
                        last_meeting_number=last.number if last else None,
                        last_meeting_date=last.held_on if last else None,
                        next_meeting_time=body.next_meeting_time)

    def bodies(self) -> list[BodyView]:
        with self.connect() as conn:
            return [body_of(row) for row in conn.execute(BODIES)]

    def body(self, *, body_id: int) -> BodyView | None:
        """One body by id, with its last meeting: one query."""
        with self.connect() as conn:
            row = conn.execute(BODY_BY_ID, {"body_id": body_id}).first()
            return body_of(row) if row is not None else None

    def find_body(self, *, name: str) -> BodyView | None:
        """By name, code, or a part of the name that only one body has."""
        wanted = name.strip()
        bodies = self.bodies()
        exact = [b for b in bodies if wanted in (b.name, b.code)]
        if exact:
            return exact[0]
        partial = [b for b in bodies if wanted and wanted in b.name]
        return partial[0] if len(partial) == 1 else None

    def ensure_body(self, *, name: str, actor: str, chat: str | None,
                    government: str | None = None) -> BodyView:
        with self.session() as s:
            return self._body_view(s, self._body_in(s, name=name, government=government, actor=actor,
                                                    chat=chat))

    def _body_in(self, s: Session, *, name: str, government: str | None, actor: str,
                 chat: str | None) -> Body:
        body = s.exec(select(Body).where(Body.name == name)).first()
        if body is None:
            taken = set(s.exec(select(Body.code)))
            body = Body(name=name, code=_default_code(name, taken), government=government,
                        created_at=self.clock(), **self.body_defaults)
            s.add(body)
            s.flush()
            self.audit(s, actor=actor, chat=chat, action="body.create", target=name,
                       after={"name": name, "code": body.code})
        return body

    def update_body(self, *, body_id: int, actor: str, chat: str | None, **changes: Any) -> BodyView:
        allowed = {"next_meeting", "next_meeting_time", "reminder_weekday", "reminder_time", "deadline_office_days",
                   "government", "code"}
        with self.session() as s:
            body = s.get(Body, body_id)
            if body is None:
                raise StoreError("找不到這個會議。")
            before = {k: str(getattr(body, k)) for k in changes}
            for key, value in changes.items():
                if key not in allowed:
                    raise ValueError(key)
                setattr(body, key, value)
            s.add(body)
            self.audit(s, actor=actor, chat=chat, action="body.update", target=body.name,
                       before=before, after={k: str(v) for k, v in changes.items()})
            return self._body_view(s, body)

    def add_meeting(self, *, body_id: int, number: int | None, held_on: date | None, actor: str,
                    chat: str | None, title: str = "", chair: str | None = None,
                    recorder: str | None = None, location: str | None = None,
                    digest: str | None = None) -> int:
        with self.session() as s:
            meeting = self._meeting_in(s, body_id=body_id, number=number, held_on=held_on, title=title,
                                       chair=chair, recorder=recorder, location=location, digest=digest)
            self.audit(s, actor=actor, chat=chat, action="meeting.create", target=title or str(number),
                       after={"number": number, "held_on": str(held_on)})
            assert meeting.id is not None
            return meeting.id

    def _meeting_in(self, s: Session, *, body_id: int, number: int | None, held_on: date | None,
                    **fields: Any) -> Meeting:
        existing = None
        if number is not None:
            existing = s.exec(select(Meeting).where(Meeting.body_id == body_id,
                                                    Meeting.number == number)).first()
        if existing is not None:
            raise StoreError(f"第{number}次會議已經存在。")
        meeting = Meeting(body_id=body_id, number=number, held_on=held_on, created_at=self.clock(),
                          **fields)
        s.add(meeting)
        s.flush()
        return meeting

    def meeting_numbers(self, *, body_id: int) -> list[tuple[int | None, date | None]]:
        with self.session() as s:
            rows = s.exec(select(col(Meeting.number), col(Meeting.held_on)).where(Meeting.body_id == body_id)
                          .order_by(col(Meeting.held_on), col(Meeting.id)))
            return [(n, d) for n, d in rows]

    # ---- items ---------------------------------------------------------------------------
    def _views(self, s: Session, items: list[Item]) -> list[ItemView]:
        """Views of items this session wrote or read (it flushes first, so they are seen as they are now)."""
        if not items:
            return []
        s.flush()
        order = {item.id: n for n, item in enumerate(items)}
        views = item_views(s.connection(), ITEM_ROWS.where(ITEM_T.c.id.in_(list(order))))
        return sorted(views, key=lambda v: order[v.id])

    def items(self, *, body_id: int | None = None, status: str = "open",
              agencies: Collection[str] | None = None, ids: Iterable[int] | None = None) -> list[ItemView]:
        """Items by body, status (open | released | all | a status) and responsible agencies."""
        if ids is not None and status == "all" and body_id is None and agencies is None:
            with self.connect() as conn:  # a reminder's items, as the LINE sender lists them
                views = item_views(conn, ITEMS_BY_ID, {"ids": list(ids)})
            return sorted(views, key=lambda v: (v.body_id, _case_sort(v.case)))
        query = ITEM_ROWS
        if body_id is not None:
            query = query.where(ITEM_T.c.body_id == body_id)
        if status == "open":
            query = query.where(ITEM_T.c.status != RELEASED)
        elif status != "all":
            query = query.where(ITEM_T.c.status == status)
        if ids is not None:
            query = query.where(ITEM_T.c.id.in_(list(ids)))
        if agencies is not None:
            owned = core_select(LINK_T.c.item_id).where(LINK_T.c.agency.in_(list(agencies)))
            query = query.where(ITEM_T.c.id.in_(owned))
        with self.connect() as conn:
            views = item_views(conn, query)
        return sorted(views, key=lambda v: (v.body_id, _case_sort(v.case)))

    def item(self, *, item_id: int) -> ItemView:
        found = self.items(ids=[item_id], status="all")
        if not found:
            raise StoreError("找不到這個列管案。")
        return found[0]

    def find_case(self, *, ref: str, replies: bool = True) -> list[ItemView]:
        """Items a user means by what they typed after '#': 12, 社安12, 104-2-2.

        `replies=False` leaves the views' replies empty: recording one more reply needs none of them.
        """
        m = CASE_REF.match(ref.strip().lstrip("#"))
        if not m:
            return []
        code = m.group("code")
        with self.connect() as conn:
            if code:
                return item_views(conn, CODE_CASE_ITEMS, {"case": m.group("case"), "code": code}, replies=replies)
            return item_views(conn, CASE_ITEMS, {"case": m.group("case")}, replies=replies)

    def next_case(self, s: Session, body_id: int) -> str:
        cases = s.exec(select(Item.case).where(Item.body_id == body_id))
        return str(max((int(c) for c in cases if c.isdigit()), default=0) + 1)

    def add_item(self, *, body_id: int, text: str, agencies: list[tuple[str, str]], actor: str,
                 chat: str | None, subject: str = "", case: str | None = None,
                 due_next_meeting: bool = False, due_date: date | None = None,
                 meeting_id: int | None = None, source: str | None = None,
                 warning: str | None = None) -> ItemView:
        with self.session() as s:
            item = self._item_in(s, body_id=body_id, text=text, agencies=agencies, subject=subject,
                                 case=case, due_next_meeting=due_next_meeting, due_date=due_date,
                                 meeting_id=meeting_id, source=source, warning=warning)
            self.audit(s, actor=actor, chat=chat, action="item.create", target=item.case,
                       after=_item_dict(item) | {"agencies": agencies})
            return self._views(s, [item])[0]

    def _item_in(self, s: Session, *, body_id: int, text: str, agencies: list[tuple[str, str]],
                 subject: str, case: str | None, due_next_meeting: bool, due_date: date | None,
                 meeting_id: int | None, source: str | None, warning: str | None) -> Item:
        now = self.clock()
        item = Item(body_id=body_id, case=case or self.next_case(s, body_id), subject=subject, text=text,
                    due_next_meeting=due_next_meeting, due_date=due_date, meeting_id=meeting_id,
                    source=source, warning=warning, created_at=now, updated_at=now)
        s.add(item)
        s.flush()
        assert item.id is not None
        self._set_agencies(s, item.id, agencies)
        s.add(Review(item_id=item.id, meeting_id=meeting_id, decision="created", at=now))
        return item

    def _set_agencies(self, s: Session, item_id: int, agencies: list[tuple[str, str]]) -> None:
        for link in s.exec(select(ItemAgency).where(ItemAgency.item_id == item_id)):
            s.delete(link)
        s.flush()
        seen: set[str] = set()
        for position, (name, role) in enumerate(agencies):
            if name not in seen:
                seen.add(name)
                s.add(ItemAgency(item_id=item_id, agency=name, role=role, position=position))

    def change_item(self, *, item_id: int, actor: str, chat: str | None, action: str,
                    agencies: list[tuple[str, str]] | None = None, review: str | None = None,
                    meeting_id: int | None = None, **changes: Any) -> ItemView:
        """Edit an item's fields (and its agencies), audited with before and after."""
        with self.session() as s:
            item = s.get(Item, item_id)
            if item is None:
                raise StoreError("找不到這個列管案。")
            before = _item_dict(item)
            old_agencies = list(s.exec(select(ItemAgency.agency, ItemAgency.role)
                                       .where(ItemAgency.item_id == item_id)))
            for key, value in changes.items():
                setattr(item, key, value)
            item.updated_at = self.clock()
            s.add(item)
            if agencies is not None:
                self._set_agencies(s, item_id, agencies)
            if review is not None:
                s.add(Review(item_id=item_id, meeting_id=meeting_id, decision=review,
                             text=changes.get("text", "") if review == "renewed" else "", at=self.clock()))
            self.audit(s, actor=actor, chat=chat, action=action, target=item.case,
                       before=before | {"agencies": [list(a) for a in old_agencies]},
                       after=_item_dict(item) | ({"agencies": agencies} if agencies is not None else {}))
            s.flush()
            return self._views(s, [item])[0]

    def reviews(self, *, item_id: int) -> list[tuple[str, int | None, str]]:
        with self.session() as s:
            rows = s.exec(select(Review.decision, Meeting.number, Review.text)
                          .join(Meeting, col(Review.meeting_id) == Meeting.id, isouter=True)
                          .where(Review.item_id == item_id).order_by(col(Review.at), col(Review.id)))
            return [(d, n, t) for d, n, t in rows]

    def count_items(self) -> int:
        with self.session() as s:
            return int(s.exec(select(func.count()).select_from(Item)).one())


def _case_sort(case: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in case.split("-"))


class MeetingLookup(ItemsMixin):
    def meeting_id(self, *, body_id: int, number: int) -> tuple[int, date | None] | None:
        with self.session() as s:
            found = s.exec(select(Meeting).where(Meeting.body_id == body_id, Meeting.number == number)).first()
            return (found.id, found.held_on) if found and found.id is not None else None

    def meetings(self, *, body_id: int) -> list[tuple[int, int | None, date | None, datetime]]:
        """(id, number, held on, recorded at) of a body's meetings, in the order they were held."""
        with self.session() as s:
            rows = sorted(s.exec(select(Meeting).where(Meeting.body_id == body_id)),
                          key=lambda m: (m.held_on is None, m.held_on or date.min, m.id or 0))
            return [(m.id, m.number, m.held_on, m.created_at) for m in rows if m.id is not None]

    def decisions(self, *, meeting_id: int) -> dict[int, str]:
        """Item id → what a meeting decided on it (released, continued, renewed, other)."""
        with self.session() as s:
            rows = s.exec(select(Review.item_id, Review.decision)
                          .where(Review.meeting_id == meeting_id, Review.decision != "created")
                          .order_by(col(Review.at), col(Review.id)))
            return dict(rows.all())

    def hand_decisions(self, *, body_id: int) -> list[tuple[int, str, datetime]]:
        """(item id, decision, when) the secretariat recorded by hand (解除列管 8), oldest first."""
        with self.session() as s:
            rows = s.exec(select(Review.item_id, Review.decision, Review.at)
                          .join(Item, col(Item.id) == Review.item_id)
                          .where(Item.body_id == body_id, col(Review.meeting_id).is_(None),
                                 Review.decision != "created")
                          .order_by(col(Review.at), col(Review.id)))
            return [(i, d, t) for i, d, t in rows]

    def items_reviewed_at(self, *, meeting_id: int) -> list[ItemView]:
        """The items a meeting decided on (released, continued, renewed, other)."""
        with self.session() as s:
            ids = set(s.exec(select(Review.item_id).where(Review.meeting_id == meeting_id,
                                                          Review.decision != "created")))
            items = list(s.exec(select(Item).where(col(Item.id).in_(ids)))) if ids else []
            return sorted(self._views(s, items), key=lambda v: _case_sort(v.case))
