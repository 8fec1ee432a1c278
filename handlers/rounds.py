"""A reminder round: what each bound agency chat hears today, in one message per chat and body.

Why a chat hears from us on a day (its triggers), over the days the round covers:
- weekly: the body's reminder weekday, moved to the next office day when it is a day off;
- countdown: 5, 2 and 1 office days before the reply deadline (settings.countdown_office_days);
- own date: an item with a date of its own, 3 and 1 office days before it (own_date_office_days);
- overdue: the first office day after the deadline: the late agencies and the secretariat hear it.
A weekly (or by-hand) round lists every open item of the chat; the others list what is unanswered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.calendar import OfficeCalendar
from bot.context import Context
from bot.dates import roc_short
from bot.format import cases, item_line
from bot.messages import Button, ChatRef, Outgoing
from bot.scope import chat_agency_for, who_answers
from handlers.deadlines import calendar, coming_deadline, deadline_text, has_replied, since_meeting
from storage.models import SECRETARIAT
from storage.views import BodyView, ItemView


@dataclass(frozen=True)
class Triggers:
    weekly: bool = False
    countdown: bool = False
    overdue: bool = False
    own_dates: frozenset[int] = frozenset()  # item ids whose own date is near
    manual: bool = False  # by hand: lieguan remind --now, 催辦
    urge: bool = False  # 催辦 機關: only what is unanswered

    @property
    def any(self) -> bool:
        return self.weekly or self.countdown or self.overdue or bool(self.own_dates) or self.manual or self.urge

    def reasons(self) -> list[str]:
        named = [("weekly", self.weekly), ("countdown", self.countdown), ("overdue", self.overdue),
                 ("own_date", bool(self.own_dates)), ("manual", self.manual), ("urge", self.urge)]
        return [name for name, on in named if on]


@dataclass
class Round:
    body: BodyView
    round_id: str
    triggers: Triggers
    messages: list[Outgoing] = field(default_factory=list)
    overdue: dict[str, list[int]] = field(default_factory=dict)  # agency → item ids marked 逾期
    unbound: dict[str, list[ItemView]] = field(default_factory=dict)  # no chat hears about these


def triggers(ctx: Context, body: BodyView, cal: OfficeCalendar, days: list[date],
             items: list[ItemView]) -> Triggers:
    """What falls on any of `days` (the round's window: the days since the last round)."""
    window = set(days)
    weekly = any(cal.on_or_after(d - timedelta(days=(d.weekday() - body.reminder_weekday) % 7)) == d
                 for d in window)
    today = max(days)
    deadline = coming_deadline(ctx, body, cal, today) or coming_deadline(ctx, body, cal, min(days))
    countdown = overdue = False
    if deadline is not None:
        countdown = any(cal.shift(deadline, -n) in window for n in ctx.settings.countdown_office_days)
        escalation = cal.shift(deadline, 1)
        overdue = escalation in window and body.next_meeting is not None and escalation <= body.next_meeting
    own = frozenset(i.id for i in items if i.due_date is not None and any(
        cal.shift(i.due_date, -n) in window for n in ctx.settings.own_date_office_days))
    return Triggers(weekly=weekly, countdown=countdown, overdue=overdue, own_dates=own)


def audiences(ctx: Context, items: list[ItemView]) -> tuple[dict[str, list[tuple[ItemView, str]]],
                                                             dict[str, list[ItemView]]]:
    """Bound agency → (item, the agency answering it) its chat hears about; and the unbound rest.

    A sub-unit without a chat of its own is heard about in its nearest bound parent's chat.
    """
    bound = {agency for _, agency in ctx.store.bindings() if agency != SECRETARIAT}
    heard: dict[str, dict[int, tuple[ItemView, str]]] = defaultdict(dict)
    unbound: dict[str, list[ItemView]] = defaultdict(list)
    answering: dict[tuple[tuple[str, str], ...], list[str]] = {}  # many items share their agencies
    hearers: dict[str, str | None] = {}
    for item in items:
        if item.agencies not in answering:
            answering[item.agencies] = who_answers(ctx.directory, item, bound)
        for agency in answering[item.agencies]:
            if agency not in hearers:
                hearers[agency] = chat_agency_for(ctx.directory, agency, bound)
            hearer = hearers[agency]
            if hearer is None:
                unbound[agency].append(item)
            else:
                heard[hearer].setdefault(item.id, (item, agency))
    return {a: list(found.values()) for a, found in heard.items()}, dict(unbound)


def plan_round(ctx: Context, body: BodyView, *, round_id: str, days: list[date] | None = None,
               manual: bool = False, urge_agency: str | None = None,
               urge_scope: Collection[str] | None = None) -> Round:
    """The round for `body`: scheduled over `days`, or by hand (`manual`, or 催辦 one agency).

    催辦 reaches the chat of `urge_agency` about what is unanswered, of the agencies in `urge_scope`.
    """
    cal = calendar(ctx)
    today = ctx.today()
    items = ctx.store.round_items(body_id=body.id)
    found = triggers(ctx, body, cal, days or [today], items)
    if manual or urge_agency:
        found = Triggers(manual=manual, urge=urge_agency is not None, own_dates=found.own_dates)
    plan = Round(body=body, round_id=round_id, triggers=found)
    if not found.any:
        return plan
    heard, plan.unbound = audiences(ctx, items)
    since = since_meeting(ctx, body)
    deadline = coming_deadline(ctx, body, cal, today)
    chats = _chats_by_agency(ctx)
    named = body.name if len(ctx.store.bodies()) > 1 else None  # several bodies: say which one
    due = deadline_text(cal, today, deadline)  # once: it counts the office days up to the deadline
    late_by_agency: dict[str, list[ItemView]] = defaultdict(list)
    for hearer, entries in heard.items():
        if urge_agency is not None and hearer != urge_agency:
            continue
        if urge_scope is not None:
            entries = [(i, a) for i, a in entries if a in urge_scope]
        late = [(i, a) for i, a in entries if not has_replied(i, a, since)]
        for item, agency in late:
            late_by_agency[agency].append(item)
        listed = _listed(found, entries, late)
        if not listed:
            continue
        text = _text(hearer, named, listed, found, cal, today, due, late)
        for chat in chats.get(hearer, []):
            plan.messages.append(Outgoing(
                text, chat=chat, kind="reminder", item_ids=[i.id for i, _ in listed],
                buttons=[b for i, _ in listed for b in (Button(f"回報 #{i.label}", f"回報 {i.label}"),
                                                       Button(f"建議解除 #{i.label}", f"建議解除 {i.label}"))],
                key=f"remind:{body.id}:{chat.key}:{round_id}"))
    if found.overdue:
        plan.overdue = {a: [i.id for i in items] for a, items in sorted(late_by_agency.items())}
        unbound = {a: [i for i in items if not has_replied(i, a, since)] for a, items in plan.unbound.items()}
        plan.messages += _escalation(ctx, plan, deadline, late_by_agency, unbound)
    return plan


def _chats_by_agency(ctx: Context) -> dict[str, list[ChatRef]]:
    chats: dict[str, list[ChatRef]] = defaultdict(list)
    for chat, agency in ctx.store.bindings():
        chats[agency].append(ChatRef(*chat.split(":", 1)))
    return chats


def _listed(found: Triggers, entries: list[tuple[ItemView, str]],
            late: list[tuple[ItemView, str]]) -> list[tuple[ItemView, str]]:
    if found.weekly or found.manual:
        return entries
    wanted = {i.id for i, _ in late} if (found.countdown or found.overdue or found.urge) else set()
    wanted |= {i.id for i, _ in late if i.id in found.own_dates}
    return [(i, a) for i, a in entries if i.id in wanted]


def _text(agency: str, body: str | None, listed: list[tuple[ItemView, str]], found: Triggers,
          cal: OfficeCalendar, today: date, due: str, late: list[tuple[ItemView, str]]) -> str:
    title = "催辦" if found.urge else "逾期提醒" if found.overdue and late else "列管事項提醒"
    count = f"{len(listed)} 案" if (found.weekly or found.manual) else f"{len(listed)} 案未回報"
    which = f"（{body}）" if body else ""
    lines = [f"【{title}】{agency} {count}{which}｜{due}"]
    lines += [item_line(item, agency=who) for item, who in listed]
    late_ids = {i.id for i, _ in late}
    if found.overdue and late:
        lines.append(f"逾期未回報：{cases(i for i, _ in late)}。回報截止已過，仍請儘速回報；"
                     "逾期的回報一樣會列入會議報告，並註記「逾期回報」。")
    near = [i for i, _ in listed if i.id in found.own_dates and i.id in late_ids and i.due_date]
    for item in near:
        assert item.due_date is not None
        left = cal.between(today, item.due_date)
        when = f"尚有 {left} 個辦公日" if left else "今天到期"
        lines.append(f"期限將至：#{item.label} 期限 {roc_short(item.due_date)}（{when}）。")
    return "\n".join(lines)


def _escalation(ctx: Context, plan: Round, deadline: date | None, late: dict[str, list[ItemView]],
                unbound: dict[str, list[ItemView]]) -> list[Outgoing]:
    """The secretariat's one list of who is late on what, the first office day after the deadline."""
    lines = [f"・{agency} {cases(items)}" for agency, items in sorted(late.items(), key=_first_case)]
    lines += [f"・{agency} {cases(items)}（尚未綁定群組，無法提醒）"
              for agency, items in sorted(unbound.items(), key=_first_case) if items]
    late_ids = sorted({i.id for items in [*late.values(), *unbound.values()] for i in items})
    when = roc_short(deadline) if deadline else "（未設定）"
    if lines:
        text = "\n".join([f"【逾期未回報】{plan.body.name}｜回報截止 {when} 已過，{len(late_ids)} 案尚未回報：",
                          *lines, "已另行提醒各機關聯絡群組；之後的回報會註記「逾期回報」。"])
    else:
        text = f"【回報截止】{plan.body.name}｜回報截止 {when} 已過，各機關均已回報。"
    return [Outgoing(text, chat=chat, kind="notice", item_ids=late_ids,
                     key=f"overdue:{plan.body.id}:{chat.key}:{plan.round_id}")
            for chat in _chats_by_agency(ctx).get(SECRETARIAT, [])]


def _first_case(entry: tuple[str, list[ItemView]]) -> tuple[tuple[int, ...], str]:
    """Agencies in the order of their first late case, as a person would read the list."""
    agency, items = entry
    return min((tuple(int(p) if p.isdigit() else 0 for p in i.case.split("-")) for i in items), default=()), agency
