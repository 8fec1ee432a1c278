"""Case numbers and what a meeting decided about earlier cases (解除列管, 繼續列管, 另案處理 …)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.minutes.textutil import NUM, fold, to_case_number

RELEASED, CONTINUED, OTHER = "released", "continued", "other"

_ONE = rf"(?:\d+(?:-\d+)+|{NUM})"
_LIST = rf"{_ONE}(?:\s*(?:、|,|及|與|和|至|~)\s*(?:第\s*)?{_ONE})*"
_REFS = re.compile(
    rf"第\s*(?P<a>{_LIST})\s*案|(?:案號|編號|案次|列管案|列管編號|追蹤案)\s*[:：]?\s*(?P<b>{_LIST})"
    rf"|案由\s*(?P<c>{_ONE})(?!\s*[:：])"
)
_SPLIT_LIST = re.compile(r"\s*(?:、|,|及|與|和|第)\s*")
# The head of a point that speaks of one earlier case: 案由 1 重大兒虐案件…： / 案號 1「…」：
_HEAD = re.compile(
    rf"^(?:案由|案號|編號|案次|列管案|列管編號|追蹤案|第)\s*(?P<n>{_ONE})\s*案?\s*"
    r"(?P<title>「[^」]*」|『[^』]*』|[^：:，,。；「]{0,60}?)\s*[:：]"
)
# A proposal (擬解除列管, 建議解除列管) is not a decision.
_PROPOSAL = r"(?<!擬)(?<!建議)(?<!擬予)"
_DECISIONS = [
    (OTHER, re.compile(r"自行列管")),
    (RELEASED, re.compile(rf"{_PROPOSAL}(?:同意|准予|予以)?(?:解除列管|解列|免予列管|免列管)|(?:同意|准予|予以)結案")),
    (CONTINUED, re.compile(rf"{_PROPOSAL}(?:繼續|賡續|持續|續予|續行|仍予|仍繼續)(?:列管|追蹤)")),
    (OTHER, re.compile(r"另案(?:處理|辦理|列管|研議|追蹤)?|另行(?:召開|研議|處理|列管)|併案|併入第|併同第|併入\s*\d+(?:-\d+)+\s*案|改列|移請|轉列")),
]
_CLAUSE = re.compile(r"[^，,；;。：:]+")
_QUOTE = re.compile(r"「[^」]*」|『[^』]*』")


@dataclass(frozen=True)
class Head:
    case: str  # half-width: "1", "104-2-2"
    title: str  # the earlier case's title as written, without quotes
    end: int  # where the decision part begins


@dataclass(frozen=True)
class ReviewHit:
    case: str
    decision: str
    text: str


def head_of(text: str) -> Head | None:
    m = _HEAD.match(fold(text))
    if m is None or _REFS.search(m.group("title")):
        return None  # 第1案及第2案： is a list, not one case
    title = text[m.start("title") : m.end("title")].strip().strip("「」『』")
    return Head(to_case_number(m.group("n")), title, m.end())


def case_refs(text: str) -> list[str]:
    """Case numbers named in the text, half-width, in order, no duplicates."""
    found: dict[str, None] = {}
    for m in _REFS.finditer(fold(text)):
        raw = m.group("a") or m.group("b") or m.group("c")
        for number in _expand(raw):
            found.setdefault(number)
    return list(found)


def _expand(raw: str) -> list[str]:
    if m := re.fullmatch(rf"({_ONE})\s*(?:至|~)\s*(?:第\s*)?({_ONE})", raw):
        first, last = to_case_number(m.group(1)), to_case_number(m.group(2))
        if first.isdigit() and last.isdigit() and int(first) < int(last) <= int(first) + 50:
            return [str(n) for n in range(int(first), int(last) + 1)]
    return [to_case_number(part) for part in _SPLIT_LIST.split(raw) if part.strip()]


def decision_of(text: str) -> str | None:
    folded = fold(text)
    for decision, pattern in _DECISIONS:
        if pattern.search(folded):
            return decision
    return None


def reviews_in(text: str, *, head: str | None, in_review: bool) -> list[ReviewHit]:
    """What the text decides about earlier cases, clause by clause.

    A clause needs a case: its own (第2案、第3案…解除列管), or the point's head case when the point
    is about one case (案號 1「…」：本案賡續列管) — in a review section, or when it says 本案.
    """
    masked = _QUOTE.sub(lambda m: "＿" * len(m.group()), text)  # an old title's words decide nothing
    hits: list[ReviewHit] = []
    for m in _CLAUSE.finditer(masked):
        clause = m.group()
        decision = decision_of(clause)
        if decision is None:
            continue
        refs = case_refs(clause)
        if not refs and head is not None and (in_review or "本案" in clause):
            refs = [head]
        hits.extend(ReviewHit(ref, decision, text[m.start() : m.end()].strip()) for ref in refs)
    return hits
