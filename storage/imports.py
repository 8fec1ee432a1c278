"""Saving imported minutes: reviews applied, cases renewed, new items numbered — one transaction.

What is saved is what the secretariat ticked in the review, and every conflict is answered first:
a case released yet given work (keep | release) and a review of a case the bot has never seen
(create | skip; create when not said).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.base import StoreBase, StoreError
from storage.items import ItemsMixin, MeetingLookup
from storage.models import CONTINUED, OTHER, RELEASED, TRACKING, Body, Item, ItemAgency, Meeting, Review

REVIEW_STATUS = {"released": RELEASED, "continued": CONTINUED, "other": OTHER}
UNSEEN = "待補：本系統沒有前次會議的紀錄，本案依本次紀錄建立，請秘書處補齊案由與機關。"
_EARLIER_UNSEEN = "前次會議紀錄未匯入：本案依本次紀錄建立，請秘書處補齊案由與機關。"  # before 待補 was said


@dataclass
class ImportResult:
    body: str
    meeting_number: int | None
    already: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    backfilled: list[str] = field(default_factory=list)  # earlier cases first seen here, flagged 待補
    skipped: list[str] = field(default_factory=list)  # earlier cases first seen here, left out (略過)


def _due(value: str | None) -> tuple[bool, date | None]:
    if value == "next_meeting":
        return True, None
    return False, date.fromisoformat(value) if value else None


def released_with_work(extraction: Mapping[str, Any]) -> set[str]:
    """Cases this meeting releases while one of its saved points gives them work."""
    released = {str(r["case"]) for r in extraction.get("reviews", []) if r.get("decision") == "released"}
    return {str(i["case"]) for i in extraction.get("items", []) if i.get("case") and str(i["case"]) in released}


def placeholder(meeting_number: int | None) -> str:
    """The text of an earlier case the minutes name without saying what it was."""
    which = f"第{meeting_number}次會議紀錄" if meeting_number else "本次會議紀錄"
    return f"（{which}未載明內容，待補）"


_PLACEHOLDER = re.compile(r"^（(?:第\d+次|本次)會議紀錄未載明內容，待補）$")


class ImportsMixin(MeetingLookup, ItemsMixin, StoreBase):
    def known_cases(self, *, body: str, cases: Iterable[str]) -> set[str]:
        """Which of these cases the body `body` (its exact name) already has."""
        wanted = [str(c) for c in cases]
        with self.session() as s:
            found = s.exec(select(Body).where(Body.name == body)).first()
            if found is None or not wanted:
                return set()
            return set(s.exec(select(Item.case).where(Item.body_id == found.id, col(Item.case).in_(wanted))))

    def settle_backfilled(self, *, item_id: int, actor: str, chat: str | None) -> bool:
        """A case first seen as 待補 is complete once it has its own text and an agency: the flag goes."""
        with self.session() as s:
            item = s.get(Item, item_id)
            if item is None or item.warning not in (UNSEEN, _EARLIER_UNSEEN) or _PLACEHOLDER.match(item.text):
                return False
            if s.exec(select(ItemAgency).where(ItemAgency.item_id == item_id)).first() is None:
                return False
            item.warning = None
            s.add(item)
            self.audit(s, actor=actor, chat=chat, action="item.settle", target=item.case,
                       before={"warning": UNSEEN}, after={"warning": None})
            return True

    def minutes_imported(self, *, body: str, digest: str, number: int | None) -> bool:
        with self.session() as s:
            found = s.exec(select(Body).where(Body.name == body)).first()
            return found is not None and found.id is not None and self._already_imported(s, found.id, digest, number)

    def apply_minutes(self, *, extraction: dict[str, Any], body: str, digest: str, actor: str,
                      chat: str | None, government: str | None = None,
                      answers: Mapping[str, str] | None = None) -> ImportResult:
        """Apply an extraction (spec/minutes-import.md, its items the ticked ones) to `body`.

        `answers` maps a case to keep | release (released yet given work: required) or create | skip
        (never seen before). The same minutes twice change nothing.
        """
        answers = dict(answers or {})
        meeting = extraction["meeting"]
        result = ImportResult(body=body, meeting_number=meeting.get("number"))
        with self.session() as s:
            found = self._body_in(s, name=body, government=government, actor=actor, chat=chat)
            assert found.id is not None
            if self._already_imported(s, found.id, digest, meeting.get("number")):
                result.already = True
                return result
            work = released_with_work(extraction)
            unanswered = sorted(c for c in work if answers.get(c) not in ("keep", "release"))
            if unanswered:
                raise StoreError("、".join(f"第{c}案" for c in unanswered)
                                 + "本次決定解除列管，卻又交辦新工作：請先決定繼續列管或解除列管，才能存檔。")
            held = date.fromisoformat(meeting["date"]) if meeting.get("date") else None
            saved = self._meeting_in(s, body_id=found.id, number=meeting.get("number"), held_on=held,
                                     title=meeting.get("title") or "", chair=meeting.get("chair"),
                                     recorder=meeting.get("recorder"), location=meeting.get("location"),
                                     digest=digest)
            assert saved.id is not None
            for review in extraction.get("reviews", []):
                self._apply_review(s, found.id, saved.id, review, answers, meeting.get("number"), result)
            floor = max((int(r["case"]) for r in extraction.get("reviews", []) if str(r["case"]).isdigit()),
                        default=0)
            for item in extraction.get("items", []):
                if str(item.get("case")) in work and answers[str(item["case"])] == "release":
                    continue  # the meeting's release stands: this work is not tracked
                self._apply_item(s, found.id, saved.id, item, floor, result)
            self._still_flagged(s, found.id, result)
            if found.next_meeting is not None and held is not None and found.next_meeting <= held:
                found.next_meeting = None  # that meeting has now taken place
                s.add(found)
            self.audit(s, actor=actor, chat=chat, action="minutes.import", target=body,
                       after={"meeting": meeting.get("number"), "created": result.created,
                              "updated": result.updated, "backfilled": result.backfilled,
                              "skipped": result.skipped, "answers": answers})
        return result

    def _already_imported(self, s: Session, body_id: int, digest: str, number: int | None) -> bool:
        same = s.exec(select(Meeting).where(Meeting.body_id == body_id, Meeting.digest == digest)).first()
        if same is not None or number is None:
            return same is not None
        return s.exec(select(Meeting).where(Meeting.body_id == body_id, Meeting.number == number)).first() \
            is not None

    def _case(self, s: Session, body_id: int, case: str) -> Item | None:
        return s.exec(select(Item).where(Item.body_id == body_id, Item.case == case)).first()

    def _apply_review(self, s: Session, body_id: int, meeting_id: int, review: dict[str, Any],
                      answers: dict[str, str], meeting_number: int | None, result: ImportResult) -> None:
        case, status = str(review["case"]), REVIEW_STATUS.get(review.get("decision", ""), OTHER)
        if answers.get(case) == "keep":
            status = CONTINUED  # the secretariat keeps tracking the work the meeting gave it
        item = self._case(s, body_id, case)
        if item is None:
            if answers.get(case) == "skip":
                result.skipped.append(case)
                return
            subject = review.get("subject") or ""
            agencies = [(a, "lead") for a in review.get("agencies", [])]
            item = self._item_in(s, body_id=body_id, text=subject or placeholder(meeting_number),
                                 agencies=agencies, subject=subject, case=case, due_next_meeting=False,
                                 due_date=None, meeting_id=None, source="前次會議決議", warning=UNSEEN)
            result.backfilled.append(case)
        item.status = status
        item.proposal = None
        item.updated_at = self.clock()
        s.add(item)
        assert item.id is not None
        s.add(Review(item_id=item.id, meeting_id=meeting_id, decision=status, text=review.get("text") or "",
                     at=self.clock()))
        if case not in result.backfilled:
            result.updated.append(case)

    def _apply_item(self, s: Session, body_id: int, meeting_id: int, data: dict[str, Any], floor: int,
                    result: ImportResult) -> None:
        agencies = list(zip(data.get("agencies", []), data.get("roles", []), strict=False))
        next_meeting, due = _due(data.get("due"))
        case = str(data["case"]) if data.get("case") else None
        existing = self._case(s, body_id, case) if case else None
        if existing is None:
            # numbered after every case these minutes name, even one skipped: 第10案 stays the minutes' own
            number = case or str(max(int(self.next_case(s, body_id)), floor + 1))
            item = self._item_in(s, body_id=body_id, text=data["text"], agencies=agencies,
                                 subject=data.get("subject") or "", case=number,
                                 due_next_meeting=next_meeting, due_date=due, meeting_id=meeting_id,
                                 source=data.get("source"), warning=None)
            result.created.append(item.case)
            return
        # a renewed case: the new decision replaces the old one, the old stays in its reviews
        assert existing.id is not None
        existing.text, existing.due_next_meeting, existing.due_date = data["text"], next_meeting, due
        existing.source = data.get("source")
        existing.subject = existing.subject or data.get("subject") or ""
        if existing.status != RELEASED:
            existing.status = CONTINUED if existing.status in (CONTINUED, TRACKING) else existing.status
        if existing.warning in (UNSEEN, _EARLIER_UNSEEN) and agencies:
            existing.warning = None  # a case first seen in these minutes is complete once they give it work
        existing.updated_at = self.clock()
        s.add(existing)
        if agencies:
            self._set_agencies(s, existing.id, agencies)
        s.add(Review(item_id=existing.id, meeting_id=meeting_id, decision="renewed", text=data["text"],
                     at=self.clock()))
        if existing.case not in (*result.updated, *result.created, *result.backfilled):
            result.updated.append(existing.case)

    def _still_flagged(self, s: Session, body_id: int, result: ImportResult) -> None:
        """Backfilled cases that these minutes also renewed are complete: counted as updated instead."""
        for case in list(result.backfilled):
            item = self._case(s, body_id, case)
            if item is not None and item.warning is None:
                result.backfilled.remove(case)
                result.updated.append(case)
