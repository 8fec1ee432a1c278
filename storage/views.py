"""Read-only views the Store hands out: plain values, no session attached."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from storage.evidence import EvidenceView
from storage.models import LEAD, RELEASED


@dataclass(frozen=True)
class ReplyView:
    id: int
    agency: str
    kind: str
    text: str
    author: str
    author_name: str | None
    at: datetime
    late: bool
    withdrawn: bool
    superseded: bool
    on_behalf: bool = False  # 代為登錄: entered by the secretariat for the agency
    corrects: int | None = None  # the reply this one replaces (更正 or an edited message)
    chat: str = ""
    files: tuple[EvidenceView, ...] = ()  # 佐證 attached to it (withdrawn ones left out), oldest first

    @property
    def contract_kind(self) -> str:
        """progress | release_request | correction | on_behalf, as `items --json` and the history say."""
        if self.kind == "ask_release":
            return "release_request"
        if self.on_behalf:
            return "on_behalf"
        return "correction" if self.corrects is not None else "progress"


@dataclass(frozen=True)
class ItemView:
    id: int
    body_id: int
    body: str
    code: str
    case: str
    label: str  # what a user types after '#': the case, with the body code when several bodies exist
    subject: str
    text: str
    status: str
    due_next_meeting: bool
    due_date: date | None
    agencies: tuple[tuple[str, str], ...]  # (name, role), leads first
    meeting_number: int | None
    warning: str | None
    proposal: str | None
    proposal_reason: str | None
    replies: tuple[ReplyView, ...] = field(default=())
    source: str | None = None  # where the item came from (the minutes' section, or 新增)

    @property
    def is_open(self) -> bool:
        return self.status != RELEASED

    @property
    def leads(self) -> list[str]:
        return [name for name, role in self.agencies if role == LEAD]

    @property
    def assists(self) -> list[str]:
        return [name for name, role in self.agencies if role != LEAD]

    @property
    def current_replies(self) -> list[ReplyView]:
        """Every reply that still stands: not edited over, not withdrawn."""
        if not self.replies:
            return []
        return [r for r in self.replies if not r.superseded and not r.withdrawn]

    def latest_reply(self, agency: str | None = None) -> ReplyView | None:
        if not self.replies:  # most items in a reminder round: no need to build the lists
            return None
        standing = [r for r in self.current_replies if agency is None or r.agency == agency]
        return max(standing, key=lambda r: (r.at, r.id), default=None)


ITEM_FIELDS = frozenset(f.name for f in fields(ItemView))


def item_view(values: dict[str, Any]) -> ItemView:
    """An ItemView from a dict of all its fields, equal to `ItemView(**values)`.

    A reminder round builds one view per open item (100,000 for 10,000 chats): the frozen
    dataclass's __init__ sets each of its 18 fields through object.__setattr__, which took as long
    as reading the items from the database. Filling the new view's __dict__ at once takes a third.
    """
    if len(values) != len(ITEM_FIELDS):
        raise TypeError(f"an ItemView has {len(ITEM_FIELDS)} fields, not {len(values)}: {sorted(values)}")
    view: ItemView = object.__new__(ItemView)
    view.__dict__.update(values)
    return view


@dataclass(frozen=True)
class BodyView:
    id: int
    name: str
    code: str
    government: str | None
    next_meeting: date | None
    reminder_weekday: int
    reminder_time: str
    deadline_office_days: int
    last_meeting_number: int | None
    last_meeting_date: date | None
    next_meeting_time: str | None = None  # "09:30" when the secretariat gave the time
