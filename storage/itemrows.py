"""Items and bodies read with Core statements built once: the path of every '#N' reply reads these.

One query gives an item with its body, meeting number and agencies (and how many bodies there are,
for labels); its replies come in one more, only when asked for.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, func
from sqlalchemy import select as core_select

from storage.evidence import EvidenceView
from storage.models import LEAD, RELEASED, Body, EvidenceFile, Item, ItemAgency, Meeting, Reply
from storage.views import BodyView, ItemView, ReplyView

# Statements on the message path are built once (building one costs more than running it on SQLite)
BODY_T: Table = Body.__table__  # type: ignore[attr-defined]
MEETING_T: Table = Meeting.__table__  # type: ignore[attr-defined]
ITEM_T: Table = Item.__table__  # type: ignore[attr-defined]
LINK_T: Table = ItemAgency.__table__  # type: ignore[attr-defined]
REPLY_T: Table = Reply.__table__  # type: ignore[attr-defined]
_latest = MEETING_T.alias("latest")
_LAST_MEETING = (core_select(_latest.c.id).where(_latest.c.body_id == BODY_T.c.id)
                 .order_by(_latest.c.held_on.desc(), _latest.c.id.desc()).limit(1)
                 .correlate(BODY_T).scalar_subquery())
BODIES = (core_select(BODY_T.c.id, BODY_T.c.name, BODY_T.c.code, BODY_T.c.government, BODY_T.c.next_meeting,
                      BODY_T.c.next_meeting_time,
                      BODY_T.c.reminder_weekday, BODY_T.c.reminder_time, BODY_T.c.deadline_office_days,
                      MEETING_T.c.number, MEETING_T.c.held_on)
          .select_from(BODY_T.outerjoin(MEETING_T, MEETING_T.c.id == _LAST_MEETING)).order_by(BODY_T.c.id))
BODY_BY_ID = BODIES.where(BODY_T.c.id == bindparam("body_id"))
_counted = BODY_T.alias("counted")
# an item row with its body, meeting number, one of its agencies, and how many bodies there are (labels)
ITEM_ROWS = (core_select(ITEM_T.c.id, ITEM_T.c.body_id, ITEM_T.c.case, ITEM_T.c.subject, ITEM_T.c.text,
                         ITEM_T.c.status, ITEM_T.c.due_next_meeting, ITEM_T.c.due_date, ITEM_T.c.warning,
                         ITEM_T.c.proposal, ITEM_T.c.proposal_reason, ITEM_T.c.source, BODY_T.c.name,
                         BODY_T.c.code,
                         MEETING_T.c.number,
                         core_select(func.count()).select_from(_counted).scalar_subquery().label("bodies"),
                         LINK_T.c.agency, LINK_T.c.role, LINK_T.c.position)
             .select_from(ITEM_T.join(BODY_T, BODY_T.c.id == ITEM_T.c.body_id)
                          .outerjoin(MEETING_T, MEETING_T.c.id == ITEM_T.c.meeting_id)
                          .outerjoin(LINK_T, LINK_T.c.item_id == ITEM_T.c.id))
             .order_by(ITEM_T.c.id))
ITEMS_BY_ID = ITEM_ROWS.where(ITEM_T.c.id.in_(bindparam("ids", expanding=True)))
CASE_ITEMS = ITEM_ROWS.where(ITEM_T.c.case == bindparam("case"))
CODE_CASE_ITEMS = CASE_ITEMS.where(BODY_T.c.code == bindparam("code"))
ITEM_REPLIES = (core_select(REPLY_T.c.id, REPLY_T.c.item_id, REPLY_T.c.agency, REPLY_T.c.kind, REPLY_T.c.text,
                            REPLY_T.c.author, REPLY_T.c.author_name, REPLY_T.c.at, REPLY_T.c.late,
                            REPLY_T.c.withdrawn, REPLY_T.c.superseded_by, REPLY_T.c.on_behalf,
                            REPLY_T.c.corrects, REPLY_T.c.chat)
                .where(REPLY_T.c.item_id.in_(bindparam("ids", expanding=True)))
                .order_by(REPLY_T.c.at, REPLY_T.c.id))
# a reminder round reads a body's open items whole: each with its agencies (a row per agency), and
# their replies, as plain rows
_OPEN_OF_BODY = (ITEM_T.c.body_id == bindparam("body_id"), ITEM_T.c.status != RELEASED)
ROUND_ITEMS = (core_select(ITEM_T.c.id, ITEM_T.c.case, ITEM_T.c.subject, ITEM_T.c.text, ITEM_T.c.status,
                           ITEM_T.c.due_next_meeting, ITEM_T.c.due_date, ITEM_T.c.warning, ITEM_T.c.proposal,
                           ITEM_T.c.proposal_reason, LINK_T.c.agency, LINK_T.c.role, LINK_T.c.position)
               .select_from(ITEM_T.outerjoin(LINK_T, LINK_T.c.item_id == ITEM_T.c.id)).where(*_OPEN_OF_BODY))
ROUND_REPLIES = (core_select(REPLY_T.c.id, REPLY_T.c.item_id, REPLY_T.c.agency, REPLY_T.c.kind, REPLY_T.c.text,
                             REPLY_T.c.author, REPLY_T.c.author_name, REPLY_T.c.at, REPLY_T.c.late,
                             REPLY_T.c.withdrawn, REPLY_T.c.superseded_by)
                 .select_from(REPLY_T.join(ITEM_T, ITEM_T.c.id == REPLY_T.c.item_id)).where(*_OPEN_OF_BODY)
                 .order_by(REPLY_T.c.at, REPLY_T.c.id))
FILE_T: Table = EvidenceFile.__table__  # type: ignore[attr-defined]
ITEM_FILES = (core_select(*[c for c in FILE_T.c if c.name != "message_id"])
              .where(FILE_T.c.item_id.in_(bindparam("ids", expanding=True)), FILE_T.c.withdrawn.is_(False),
                     FILE_T.c.reply_id.is_not(None))
              .order_by(FILE_T.c.at, FILE_T.c.id))


def body_of(row: Any) -> BodyView:
    return BodyView(id=row.id, name=row.name, code=row.code, government=row.government,
                    next_meeting=row.next_meeting, reminder_weekday=row.reminder_weekday,
                    reminder_time=row.reminder_time, deadline_office_days=row.deadline_office_days,
                    last_meeting_number=row.number, last_meeting_date=row.held_on,
                    next_meeting_time=row.next_meeting_time)


def item_views(conn: Connection, query: Select[Any], params: dict[str, Any] | None = None, *,
               replies: bool = True) -> list[ItemView]:
    """Items of `query` (ITEM_ROWS narrowed) as views: one query, and one more for their replies."""
    rows = conn.execute(query, params or {}).all()
    if not rows:
        return []
    firsts: dict[int, Any] = {}
    links: dict[int, list[tuple[bool, int, str, str]]] = defaultdict(list)
    for row in rows:
        firsts.setdefault(row.id, row)
        if row.agency is not None:
            links[row.id].append((row.role != LEAD, row.position, row.agency, row.role))
    said: dict[int, list[ReplyView]] = defaultdict(list)
    if replies:
        attached = _files(conn, list(firsts))
        for r in conn.execute(ITEM_REPLIES, {"ids": list(firsts)}):
            said[r.item_id].append(ReplyView(
                id=r.id, agency=r.agency, kind=r.kind, text=r.text, author=r.author,
                author_name=r.author_name, at=r.at, late=r.late, withdrawn=r.withdrawn,
                superseded=r.superseded_by is not None, on_behalf=r.on_behalf, corrects=r.corrects,
                chat=r.chat, files=tuple(attached.get(r.id, ()))))
    views = []
    for item_id, row in firsts.items():
        ordered = sorted(links[item_id], key=lambda link: (link[0], link[1]))
        views.append(ItemView(
            id=item_id, body_id=row.body_id, body=row.name, code=row.code, case=row.case,
            label=f"{row.code}{row.case}" if row.bodies > 1 else row.case, subject=row.subject,
            text=row.text, status=row.status, due_next_meeting=row.due_next_meeting,
            due_date=row.due_date, agencies=tuple((agency, role) for _, _, agency, role in ordered),
            meeting_number=row.number, warning=row.warning, proposal=row.proposal,
            proposal_reason=row.proposal_reason, replies=tuple(said[item_id]), source=row.source))
    return views


def _files(conn: Connection, item_ids: list[int]) -> dict[int, list[EvidenceView]]:
    """The 佐證 of these items' replies, by reply id."""
    found: dict[int, list[EvidenceView]] = defaultdict(list)
    for f in conn.execute(ITEM_FILES, {"ids": item_ids}):
        found[f.reply_id].append(EvidenceView(
            id=f.id, item_id=f.item_id, reply_id=f.reply_id, body_id=f.body_id, name=f.name, mime=f.mime,
            size=f.size, sha256=f.sha256, agency=f.agency, author=f.author, author_name=f.author_name,
            chat=f.chat, at=f.at, withdrawn=f.withdrawn))
    return found
