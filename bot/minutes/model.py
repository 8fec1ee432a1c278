"""What an import extracts from minutes; to_json() is exactly the object of spec/minutes-import.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.minutes.rocdate import NEXT_MEETING


@dataclass
class Meeting:
    title: str | None = None
    body: str | None = None
    number: int | None = None
    date: date | None = None
    chair: str | None = None
    recorder: str | None = None
    location: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title, "body": self.body, "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "chair": self.chair, "recorder": self.recorder, "location": self.location,
        }


@dataclass
class Review:
    """A decision on a case tracked since an earlier meeting."""

    case: str  # as written, in half-width digits: "9", "104-2-2"
    decision: str  # released | continued | other
    text: str
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"case": self.case, "decision": self.decision, "text": self.text}


@dataclass
class Item:
    """An action item the meeting created or renewed."""

    text: str
    agencies: list[str]
    roles: list[str]  # lead | assist, one per agency
    case: str | None = None  # the earlier case it renews
    agencies_inferred: bool = False
    due: str | None = None  # "next_meeting", an ISO date, or None
    source: str = ""  # where in the minutes: 參、案由二、決定二
    subject: str | None = None  # the 案由 it came from, for the saving step
    confidence: float = 1.0  # 0..1: how sure the parser is that this is a decision giving work
    reason: str = ""  # one short zh-TW line: why it is taken, or doubted

    @property
    def due_date(self) -> date | None:
        return date.fromisoformat(self.due) if self.due and self.due != NEXT_MEETING else None

    @property
    def due_next_meeting(self) -> bool:
        return self.due == NEXT_MEETING

    def to_json(self, *, with_subject: bool = False) -> dict[str, Any]:
        found = {
            "case": self.case, "text": self.text, "agencies": list(self.agencies), "roles": list(self.roles),
            "agencies_inferred": self.agencies_inferred, "due": self.due, "source": self.source,
            "confidence": round(self.confidence, 2), "reason": self.reason,
        }
        if with_subject:
            found["subject"] = self.subject
        return found


@dataclass
class Extraction:
    meeting: Meeting
    reviews: list[Review] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)  # taken for decisions: ticked in the review
    warnings: list[str] = field(default_factory=list)
    candidates: list[Item] = field(default_factory=list)  # doubtful: shown unticked, never dropped

    def to_json(self, *, with_subject: bool = False) -> dict[str, Any]:
        """The spec's object; `with_subject` adds each item's 案由 for the saving step (not in the CLI)."""
        return {
            "meeting": self.meeting.to_json(),
            "reviews": [r.to_json() for r in self.reviews],
            "items": [i.to_json(with_subject=with_subject) for i in self.items],
            "candidates": [i.to_json(with_subject=with_subject) for i in self.candidates],
            "warnings": list(self.warnings),
        }
