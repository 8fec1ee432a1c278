"""Saving imported minutes: reviews applied, cases renewed, new items numbered — one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from storage.base import StoreBase
from storage.items import ItemsMixin, MeetingLookup
from storage.models import CONTINUED, OTHER, RELEASED, TRACKING, Item, Meeting, Review

REVIEW_STATUS = {"released": RELEASED, "continued": CONTINUED, "other": OTHER}
UNSEEN = "前次會議紀錄未匯入：本案依本次紀錄建立，請秘書處補齊案由與機關。"


@dataclass
class ImportResult:
    body: str
    meeting_number: int | None
    already: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    backfilled: list[str] = field(default_factory=list)  # earlier cases first seen in these minutes


def _due(value: str | None) -> tuple[bool, date | None]:
    if value == "next_meeting":
        return True, None
    return False, date.fromisoformat(value) if value else None


class ImportsMixin(MeetingLookup, ItemsMixin, StoreBase):
    def apply_minutes(self, *, extraction: dict[str, Any], body: str, digest: str, actor: str,
                      chat: str | None, government: str | None = None) -> ImportResult:
        """Apply an extraction (spec/minutes-import.md) to `body`; the same minutes twice change nothing."""
        meeting = extraction["meeting"]
        result = ImportResult(body=body, meeting_number=meeting.get("number"))
        with self.session() as s:
            found = self._body_in(s, name=body, government=government, actor=actor, chat=chat)
            assert found.id is not None
            if self._already_imported(s, found.id, digest, meeting.get("number")):
                result.already = True
                return result
            held = date.fromisoformat(meeting["date"]) if meeting.get("date") else None
            saved = self._meeting_in(s, body_id=found.id, number=meeting.get("number"), held_on=held,
                                     title=meeting.get("title") or "", chair=meeting.get("chair"),
                                     recorder=meeting.get("recorder"), location=meeting.get("location"),
                                     digest=digest)
            assert saved.id is not None
            conflicts = self._warnings_by_case(extraction)
            for review in extraction.get("reviews", []):
                self._apply_review(s, found.id, saved.id, review, conflicts, result)
            for item in extraction.get("items", []):
                self._apply_item(s, found.id, saved.id, item, conflicts, result)
            if found.next_meeting is not None and held is not None and found.next_meeting <= held:
                found.next_meeting = None  # that meeting has now taken place
                s.add(found)
            self.audit(s, actor=actor, chat=chat, action="minutes.import", target=body,
                       after={"meeting": meeting.get("number"), "created": result.created,
                              "updated": result.updated, "backfilled": result.backfilled})
        return result

    def _already_imported(self, s: Session, body_id: int, digest: str, number: int | None) -> bool:
        same = s.exec(select(Meeting).where(Meeting.body_id == body_id, Meeting.digest == digest)).first()
        if same is not None or number is None:
            return same is not None
        return s.exec(select(Meeting).where(Meeting.body_id == body_id, Meeting.number == number)).first() \
            is not None

    @staticmethod
    def _warnings_by_case(extraction: dict[str, Any]) -> dict[str, str]:
        """A case both released and given new work keeps a warning until the secretariat decides."""
        released = {r["case"] for r in extraction.get("reviews", []) if r.get("decision") == "released"}
        return {i["case"]: f"本次會議解除列管第{i['case']}案，卻又交辦新工作：請決定繼續列管或解除列管。"
                for i in extraction.get("items", []) if i.get("case") in released}

    def _case(self, s: Session, body_id: int, case: str) -> Item | None:
        return s.exec(select(Item).where(Item.body_id == body_id, Item.case == case)).first()

    def _apply_review(self, s: Session, body_id: int, meeting_id: int, review: dict[str, Any],
                      conflicts: dict[str, str], result: ImportResult) -> None:
        case, status = str(review["case"]), REVIEW_STATUS.get(review.get("decision", ""), OTHER)
        item = self._case(s, body_id, case)
        if item is None:
            agencies = [(a, "lead") for a in review.get("agencies", [])]
            item = self._item_in(s, body_id=body_id, text=review.get("text") or f"第{case}案",
                                 agencies=agencies, subject="", case=case, due_next_meeting=False,
                                 due_date=None, meeting_id=None, source="前次會議決議", warning=UNSEEN)
            result.backfilled.append(case)
        item.status = status
        item.proposal = None
        if case in conflicts:
            item.warning = conflicts[case]
        item.updated_at = self.clock()
        s.add(item)
        assert item.id is not None
        s.add(Review(item_id=item.id, meeting_id=meeting_id, decision=status, text=review.get("text") or "",
                     at=self.clock()))
        if case not in result.backfilled:
            result.updated.append(case)

    def _apply_item(self, s: Session, body_id: int, meeting_id: int, data: dict[str, Any],
                    conflicts: dict[str, str], result: ImportResult) -> None:
        agencies = list(zip(data.get("agencies", []), data.get("roles", []), strict=False))
        next_meeting, due = _due(data.get("due"))
        case = data.get("case")
        existing = self._case(s, body_id, str(case)) if case else None
        if existing is None:
            item = self._item_in(s, body_id=body_id, text=data["text"], agencies=agencies,
                                 subject=data.get("subject") or "", case=str(case) if case else None,
                                 due_next_meeting=next_meeting, due_date=due, meeting_id=meeting_id,
                                 source=data.get("source"), warning=conflicts.get(str(case)))
            result.created.append(item.case)
            return
        # a renewed case: the new decision replaces the old one, the old stays in its reviews
        assert existing.id is not None
        existing.text, existing.due_next_meeting, existing.due_date = data["text"], next_meeting, due
        existing.source = data.get("source")
        if existing.status != RELEASED:
            existing.status = CONTINUED if existing.status in (CONTINUED, TRACKING) else existing.status
        # a case first seen in these minutes is complete once they give it text and agencies
        settled = None if existing.warning == UNSEEN and agencies else existing.warning
        existing.warning = conflicts.get(str(case), settled)
        existing.updated_at = self.clock()
        s.add(existing)
        if agencies:
            self._set_agencies(s, existing.id, agencies)
        s.add(Review(item_id=existing.id, meeting_id=meeting_id, decision="renewed", text=data["text"],
                     at=self.clock()))
        if existing.case not in (*result.updated, *result.created, *result.backfilled):
            result.updated.append(existing.case)
