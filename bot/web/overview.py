"""總覽: a body's counts before its meeting and the agency × item matrix of 燈號."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.context import Context
from bot.scope import chat_agency_for
from bot.web.lights import BLUE, GREY, RED, WAITING, Light, Round, is_overdue, judge, worst
from handlers.deadlines import calendar, coming_deadline, since_meeting
from handlers.progress import standing
from storage.models import SECRETARIAT
from storage.views import BodyView, ItemView


@dataclass
class Cell:
    color: str
    title: str
    fraction: str = ""  # a collective's members: replied / expected


@dataclass
class Row:
    agency: str
    members: list[str] = field(default_factory=list)  # a collective's bound members
    cells: dict[int, Cell] = field(default_factory=dict)  # item id → cell
    replied: int = 0
    expected: int = 0
    reds: int = 0
    first: int = 0  # the first column it has a cell in: ties keep case order


@dataclass
class Overview:
    body: BodyView
    today: date
    deadline: date | None
    office_days_to_deadline: int | None
    office_days_to_meeting: int | None
    open_count: int
    replied: int
    expected: int
    overdue: int
    release_pending: int
    columns: list[ItemView]
    rows: list[Row]
    unbound: list[tuple[str, int]]  # agencies nobody reminds, with their open items
    hidden_released: int

    @property
    def missing(self) -> int:
        return self.expected - self.replied


def make_round(ctx: Context, body: BodyView) -> Round:
    cal = calendar(ctx)
    today = ctx.today()
    return Round(today=today, since=since_meeting(ctx, body), deadline=coming_deadline(ctx, body, cal, today),
                 calendar=cal, tz=ctx.tz)


def overview(ctx: Context, body: BodyView, *, show_released: bool = False) -> Overview:
    rnd = make_round(ctx, body)
    bound = {agency for _, agency in ctx.store.bindings() if agency != SECRETARIAT}
    items = ctx.store.items(body_id=body.id, status="all")
    open_items = [i for i in items if i.is_open]
    columns = items if show_released else open_items
    rows: dict[str, Row] = {}
    replied = expected = overdue = 0
    pending: set[int] = set()
    for index, item in enumerate(columns):
        chains = standing(item) if item.replies else []
        answering: dict[str, Light] = {}  # each agency expected to reply, once
        for name, _ in item.agencies:
            row = rows.setdefault(name, Row(agency=name, first=index))
            members = collective_members(ctx, name, bound)
            if members is not None:
                row.members = members
                lights = [judge(item, m, rnd, chains) for m in members]
                done = sum(light.replied for light in lights)
                color = worst(lights) if lights else (GREY if not item.is_open else WAITING)
                row.cells[item.id] = Cell(color, _members_title(members, lights), f"{done}/{len(members)}")
                answering.update(zip(members, lights, strict=True))
            else:
                lights = [judge(item, name, rnd, chains)]
                row.cells[item.id] = Cell(lights[0].color, lights[0].title)
                answering[name] = lights[0]
            if item.is_open:
                row.expected += len(lights)
                row.replied += sum(light.replied for light in lights)
                row.reds += sum(light.color == RED for light in lights)
        if item.is_open:
            expected += len(answering)
            replied += sum(light.replied for light in answering.values())
            overdue += sum(is_overdue(light) for light in answering.values())
            if item.proposal == "release" or any(light.color == BLUE for light in answering.values()):
                pending.add(item.id)
    meeting = body.next_meeting if body.next_meeting and body.next_meeting >= rnd.today else None
    return Overview(
        body=body, today=rnd.today, deadline=rnd.deadline,
        office_days_to_deadline=rnd.calendar.between(rnd.today, rnd.deadline) if rnd.deadline else None,
        office_days_to_meeting=rnd.calendar.between(rnd.today, meeting) if meeting else None,
        open_count=len(open_items), replied=replied, expected=expected, overdue=overdue,
        release_pending=len(pending), columns=columns,
        rows=sorted(rows.values(), key=lambda r: (-r.reds, r.first, r.agency)),
        unbound=unbound_agencies(ctx, open_items, bound), hidden_released=len(items) - len(columns))


def collective_members(ctx: Context, name: str, bound: set[str]) -> list[str] | None:
    """A collective's (各部會) bound members, or None when `name` is not a collective."""
    entry = ctx.directory.get(name)
    if entry is None or entry.kind != "collective":
        return None
    return [m.name for m in ctx.directory.members(name) if m.name in bound]


def _members_title(members: list[str], lights: list[Light]) -> str:
    if not members:
        return "尚無綁定群組的成員機關"
    waiting = [m for m, light in zip(members, lights, strict=True) if not light.replied]
    return "未回報：" + "、".join(waiting) if waiting else "成員機關都已回報"


def unbound_agencies(ctx: Context, items: list[ItemView], bound: set[str]) -> list[tuple[str, int]]:
    """Agencies with open items and no chat of their own or of a parent: nobody reminds them."""
    counts: dict[str, int] = {}
    heard: dict[str, bool] = {}  # agency → some chat hears for it (asked once per agency, not per item)
    for item in items:
        for name, _ in item.agencies:
            if name not in heard:
                entry = ctx.directory.get(name)
                collective = entry is not None and entry.kind == "collective"
                heard[name] = collective or chat_agency_for(ctx.directory, name, bound) is not None
            if not heard[name]:
                counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
