"""From the outline to reviews and items.

A decision (決定, 決議, 結論, 裁示 … or a 結語 section) is read point by point: a point whose
sub-points ask for work is only their lead-in (they inherit its addressee and its due); a point
that asks someone to do something (請…, 由…辦理, X應…, a due) is an item; one that notes, confirms
or praises is not; one that asks nobody is shown unticked. All else goes to sweep.py, weighed by
the text it stands in; every item carries evidence.py's confidence and reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from bot.minutes.cases import Head, case_refs, decision_of, head_of, reviews_in
from bot.minutes.evidence import TAKEN, Evidence, weigh
from bot.minutes.model import Item, Review
from bot.minutes.outline import Node
from bot.minutes.rocdate import find_due
from bot.minutes.roles import Owner, Owners, RoleFinder
from bot.minutes.selfref import SelfRefs
from bot.minutes.sweep import (
    Sweep,
    aside,
    context_of,
    decided,
    instructs,
    must_by,
    ought,
    passive_context,
    praises,
    sentences,
    spoken,
)
from bot.minutes.tables import read_table
from bot.minutes.textutil import squeeze_cjk
from bot.minutes.warnings import Warnings

_SKIPPED_SECTIONS = ("header", "closing")
_SENTENCE = re.compile(r"[^；;。]+")
# 下次會議時間另訂: the next meeting announced, nobody asked to do anything
_SCHEDULE = re.compile(r"下\s*次\s*(?:會議|開會)\s*(?:時間|日期|地點|(?:訂|將|預定)?於[^。；;，,]{0,14}?(?:召開|舉行|開會))")


@dataclass(frozen=True)
class Scope:
    section: str = ""
    section_kind: str = ""
    case: Node | None = None
    label: str = ""
    path: tuple[str, ...] = ()
    review: bool = False
    head: Head | None = None  # the earlier case this part of the minutes speaks of
    lead: tuple[Owner, ...] = ()  # who the lead-in addressed
    lead_due: str | None = None
    context: str = "decision"  # outside a decision: topic, other, explain, … (evidence.py)
    heading: str = ""  # the label or heading the passage stands under, for the reason

    @property
    def source(self) -> str:
        case = self.case.designation if self.case else ""
        return "、".join(p for p in (self.section, case, self.label + "".join(self.path)) if p)


class DecisionReader:
    def __init__(self, roles: RoleFinder, meeting_date: date | None, warnings: Warnings,
                 chair: str | None = None, title: str | None = None, own: str | None = None,
                 visited: str | None = None) -> None:
        self.roles = roles
        self.selves = SelfRefs(roles, own, visited)
        self.chair = chair
        self.title = "".join((title or "").split())
        self.meeting_date = meeting_date
        self.warnings = warnings
        self.items: list[Item] = []
        self.candidates: list[Item] = []
        self.reviews: list[Review] = []
        self.sweep = Sweep(self)

    def read(self, root: Node) -> None:
        self.children(root.children, Scope(context=context_of(root)))

    def place(self, item: Item) -> None:
        (self.items if item.confidence >= TAKEN else self.candidates).append(item)

    def place_all(self, items: list[Item]) -> None:
        for item in items:
            self.place(item)

    # ── structure ─────────────────────────────────────────────────────

    def children(self, nodes: list[Node], scope: Scope) -> None:
        rows = [n for n in nodes if n.kind == "row"]
        if rows:
            self._table(rows, scope)
        for node in nodes:
            self._node(node, scope)

    def _node(self, node: Node, scope: Scope) -> None:
        passive = passive_context(node)
        if node.kind == "section":
            if node.section_kind in _SKIPPED_SECTIONS:
                return
            name = _marker(node.marker) or squeeze_cjk(node.text)[:12]
            name = f"{scope.section}、{name}" if scope.section else name  # 二、(一) nested in 二、報告事項
            scope = Scope(section=name, section_kind=node.section_kind, review=node.section_kind == "review",
                          context=passive or ("decision" if node.section_kind == "decision" else context_of(node)),
                          heading=squeeze_cjk(node.label or node.text)[:12])
            if passive:
                self.sweep.subtree(node, scope)
                return
            if node.section_kind == "decision":
                self.place_all(self._decide(node.body, node.children, scope))
                return
            if node.section_kind == "review" and node.body:  # 前次會議決議事項辦理情形：第1案解除列管。
                self.place_all(self._decide(node.body, [], replace(scope, context="decision")))
            elif node.section_kind != "review":  # 貳、總幹事報告 and the report itself, as prose
                self.sweep.prose(node.body or node.text, scope)
            self.children(node.children, scope)
        elif node.kind == "case":
            head = Head(node.number, node.title, 0) if scope.review and node.number else None
            self.children(node.children, replace(scope, case=node, review=scope.review or node.review, head=head))
        elif node.kind == "label" and node.label_kind == "decision":
            label = squeeze_cjk(node.label)
            self.place_all(self._decide(node.body, node.children, replace(scope, label=label, context="decision")))
        elif node.kind == "text":  # a quoted block (> …) is someone's comment, not the meeting's
            self.sweep.prose(node.text, replace(scope, context="quote") if node.label == "quote" else scope)
        elif node.kind == "turn":
            self.sweep.turn(node, scope, self.chair)
        elif passive:  # 說明：, 陳情理由：, 回應： …
            self.sweep.subtree(node, replace(scope, context=passive, heading=squeeze_cjk(node.label)))
        elif node.kind == "point":  # （一）社會局： — a titled point holding its own 決定
            section = "、".join(filter(None, (scope.section, _marker(node.marker))))
            point_scope = replace(scope, path=(*scope.path, _marker(node.marker)))
            if not (node.para and node.para.label_kind):  # • 說明：… — its label child speaks for it
                self.sweep.consider(node.text, point_scope)
            if node.container:
                scope = replace(scope, context=context_of(node), heading=squeeze_cjk(node.text)[:12])
            self.children(node.children, replace(scope, section=section))

    # ── decisions ─────────────────────────────────────────────────────

    def _decide(self, lead: str, children: list[Node], scope: Scope) -> list[Item]:
        self._reviews(lead, scope, None)
        points = [c for c in children if c.kind in ("point", "case")]
        rows = [c for c in children if c.kind == "row"]
        if rows:
            self._table(rows, scope)
        if not points:
            if lead and self.actionable(lead):
                return [self.item(lead, lead, scope)]
            # 決議 followed by a whole account: the sentence that decides (…，管委會決議與某公司簽約) is the item
            found = [self.item(s, s, scope) for s in sentences(lead) if decided(s)] if lead else []
            return found or ([self.item(lead, lead, replace(scope, context="aside"))] if aside(lead) else [])
        items = self._points(points, self._lead_scope(lead, scope))
        if all(i.confidence < TAKEN for i in items) and self.actionable(lead):
            items = [self.item(lead + "".join(_full_text(c) for c in points), lead, scope)]
        return items

    def _lead_scope(self, lead: str, scope: Scope) -> Scope:
        owners = self.roles.requested(lead).owners if self.roles.has_request(lead) else []
        due = find_due(lead, self.meeting_date).value
        return replace(scope, lead=tuple(owners) or scope.lead, lead_due=due or scope.lead_due)

    def _points(self, points: list[Node], scope: Scope) -> list[Item]:
        items: list[Item] = []
        for point in points:
            items += self._point(point, scope)
        return items

    def _point(self, node: Node, scope: Scope) -> list[Item]:
        text = node.text
        head = head_of(text)
        part = text[head.end :] if head else text
        scope = replace(scope, path=(*scope.path, _marker(node.marker)), head=head or scope.head)
        self._reviews(text, scope, head)
        subs = [c for c in node.children if c.kind in ("point", "case")]
        rows = [c for c in node.children if c.kind == "row"]
        if rows:
            self._table(rows, scope)
        if subs:
            items = self._points(subs, self._lead_scope(part, scope))
            if items:
                return items
            text += "".join(_full_text(c) for c in subs)
        if self.actionable(part):
            return [self.item(text, part, scope)]
        return [self.item(text, part, replace(scope, context="aside"))] if aside(part) else []

    def actionable(self, part: str) -> bool:
        if self.roles.has_request(part) or self.roles.requested(part):
            return True
        if self.roles.acts(part):  # 國民健康署持續推動…, but not 觀光旅遊局辦理…成效良好，值得肯定
            return not praises(part)
        return find_due(part, self.meeting_date).value is not None and not _SCHEDULE.search(part)

    def item(self, text: str, part: str, scope: Scope) -> Item:
        if scope.review and scope.head is None:  # 案號2繼續列管，請社會局…: the request's own case
            scope = replace(scope, head=self._sentence_case(part))
        owners, inferred = self._owners(part, scope)
        due = find_due(part, self.meeting_date)
        # In prose, 將由X… tells what will happen; 請 (責成, 交由 …) or X應… asks for it.
        asks = scope.context != "prose" or ought(part)
        directive = self.roles.has_request(part) or (asks and bool(self.roles.requested(part)))
        confidence, reason = weigh(Evidence(
            scope.context, scope.label or scope.heading, tuple(o.shown for o in owners), inferred, directive,
            bool(due.value or scope.lead_due), part, instructs(part) or spoken(part, scope.context), decided(part),
            must_by(part),
        ))
        if due.problem and confidence >= TAKEN:
            self.warnings.add(f"{due.problem}（{scope.source}）。")
        item = Item(
            text=text.strip(), agencies=[o.shown for o in owners], roles=[o.role for o in owners],
            case=scope.head.case if scope.head else None, agencies_inferred=inferred,
            due=due.value or (None if due.problem else scope.lead_due), source=scope.source,
            subject=scope.head.title if scope.head and scope.head.title else (scope.case.title if scope.case else None),
            confidence=confidence, reason=reason,
        )
        if confidence >= TAKEN:
            self.warnings.owners(item, owners, part.strip())
        return item

    def _sentence_case(self, part: str) -> Head | None:
        at = self.roles.request_at(part)
        if at is None:
            return None
        sentence = next((s.group() for s in _SENTENCE.finditer(part) if s.start() <= at < s.end()), "")
        refs = case_refs(sentence)
        return Head(refs[0], "", 0) if len(refs) == 1 else None

    def _owners(self, part: str, scope: Scope) -> tuple[list[Owner], bool]:
        owners = self.roles.requested(part).owners
        if any(o.placeholder for o in owners):  # 仍請相關局處: the case's own owners
            named = self._case_owners(scope)
            if named:
                return [o for o in owners if not o.placeholder] + [o for o in named if o not in owners], True
        owners = self.selves.substitute(owners)
        if owners:
            return owners, False
        if scope.lead:
            return list(scope.lead), False
        if self.roles.acts(part):  # 國民健康署持續推動…: the point names who acts
            return self.roles.subject(part), False
        named = self._case_owners(scope) or self.roles.subject(part)
        named = named or self.selves.fallback(part)  # 本大樓決定…, 亦指示該局…
        return named, bool(named)

    def _case_owners(self, scope: Scope) -> list[Owner]:
        if scope.head and scope.head.title:
            found = self.roles.mentioned(scope.head.title)
            if found:
                return found.owners
        if scope.case and scope.case.unit:
            lead = self.roles.mentioned(scope.case.unit).owners[:1]
            assist = self.roles.mentioned(scope.case.assist).owners if lead and scope.case.assist else []
            return lead + [replace(o, role="assist") for o in assist if o.shown != lead[0].shown]
        return []

    # ── reviews and tables ────────────────────────────────────────────

    def spoken_reviews(self, sentence: str, scope: Scope) -> None:
        """「上次列管的第2案…那就解除列管」: one case and one decision in a sentence someone said."""
        refs, decision = case_refs(sentence), decision_of(sentence)
        if decision and len(refs) == 1:
            self._review(Review(refs[0], decision, sentence.strip(), scope.source))

    def _reviews(self, text: str, scope: Scope, head: Head | None) -> None:
        own = head or scope.head
        for hit in reviews_in(text, head=own.case if own else None, in_review=scope.review):
            self._review(Review(hit.case, hit.decision, hit.text, scope.source))

    def _review(self, review: Review) -> None:
        earlier = next((r for r in self.reviews if r.case == review.case), None)
        if earlier is None:
            self.reviews.append(review)
        elif earlier.decision != review.decision:
            self.warnings.add(f"第{review.case}案同時出現「{earlier.text}」與「{review.text}」，請確認列管決定。")

    def _table(self, nodes: list[Node], scope: Scope) -> None:
        for row in read_table([n.para.cells for n in nodes if n.para]):
            row_scope = replace(scope, path=(*scope.path, f"表列{row.case or ''}"))
            if row.case and scope.review:  # elsewhere a row number (項次) is not an earlier case
                row_scope = replace(row_scope, head=Head(row.case, row.subject, 0))
                for hit in reviews_in(row.decision, head=row.case, in_review=True):
                    self._review(Review(hit.case, hit.decision, row.decision.strip(), row_scope.source))
            if row.decision and self.actionable(row.decision):
                self.place(self.item(row.decision, row.decision, row_scope))
            elif not scope.review and row.subject and row.lead:
                self.place(self._todo(row.subject, row.lead, row.assist, row.due, row_scope))

    def _todo(self, subject: str, lead: str, assist: str, due: str, scope: Scope) -> Item:
        owners = Owners()
        for text, role in ((lead, "lead"), (assist, "assist")):
            for owner in self.roles.named(text).owners:
                owners.add(replace(owner, role=role))
        # The due column (113年8月31日, 下次會議) is read as a deadline: "…前".
        return self.item(subject, subject + (f"（{due}前）" if due else ""), replace(scope, lead=tuple(owners.owners)))


def _full_text(node: Node) -> str:
    """A point with its numbering and everything under it, for a lead-in that is the item."""
    return node.marker + node.text + "".join(_full_text(c) for c in node.children if c.kind == "point")


def _marker(marker: str) -> str:
    return squeeze_cjk(marker).rstrip("、.．")

