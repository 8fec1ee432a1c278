"""統計 (/stats, /stats.csv): per agency and per meeting, drawn as server-rendered SVG bars.

Per agency: its items, this round's replies against what is expected (the 燈號's rule), replies
that came after the deadline (逾期回報), items overdue now, how many were released, and how many
days an item stays tracked on average (to its release, or to today while open).
Per meeting: the items it opened, continued (續辦 or 繼續列管) and released.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time
from urllib.parse import quote

from aiohttp import web

from bot.context import Context
from bot.web.desk import Desk, page, render
from bot.web.lights import RELEASE_KINDS, is_overdue, judge
from bot.web.overview import collective_members, make_round
from handlers.progress import standing
from storage.models import SECRETARIAT
from storage.views import BodyView

CONTINUED_WORDS = {"continued", "renewed"}


@dataclass
class AgencyStats:
    agency: str
    items: int = 0
    open: int = 0
    replied: int = 0
    expected: int = 0
    late_replies: int = 0
    overdue: int = 0
    released: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.replied / self.expected if self.expected else 0.0

    @property
    def release_rate(self) -> float:
        return self.released / self.items if self.items else 0.0

    @property
    def average_days(self) -> float:
        return sum(self.days) / len(self.days) if self.days else 0.0


@dataclass
class MeetingStats:
    label: str
    opened: int = 0
    continued: int = 0
    released: int = 0


def _lifetimes(ctx: Context, body: BodyView) -> tuple[dict[int, datetime], dict[int, datetime]]:
    """When each item of the body was first decided on (opened), and when it was released."""
    created: dict[int, datetime] = {}
    released: dict[int, datetime] = {}
    for item_id, decision, _, at in ctx.store.review_history(body_id=body.id):
        created.setdefault(item_id, at)
        if decision == "released":
            released[item_id] = at
    return created, released


def agency_stats(ctx: Context, body: BodyView) -> list[AgencyStats]:
    rnd = make_round(ctx, body)
    bound = {a for _, a in ctx.store.bindings() if a != SECRETARIAT}
    created, released = _lifetimes(ctx, body)
    now = ctx.now()
    found: dict[str, AgencyStats] = {}
    for item in ctx.store.items(body_id=body.id, status="all"):
        start = created.get(item.id)
        end = released.get(item.id, now) if not item.is_open else now
        for name, _ in item.agencies:
            members = collective_members(ctx, name, bound)
            for agency in members if members is not None else [name]:
                stats = found.setdefault(agency, AgencyStats(agency))
                stats.items += 1
                if start is not None:
                    stats.days.append(max(0, (end - start).days))
                stats.late_replies += sum(1 for r in item.current_replies
                                          if r.agency == agency and r.late and r.kind not in RELEASE_KINDS)
                if not item.is_open:
                    stats.released += 1
                    continue
                light = judge(item, agency, rnd)
                stats.open += 1
                stats.expected += 1
                stats.replied += light.replied
                stats.overdue += is_overdue(light)
    return sorted(found.values(), key=lambda s: (s.rate, -s.overdue, s.agency))


@dataclass
class Rounds:
    labels: list[str]
    by_agency: dict[str, list[tuple[int, int]]]  # agency → (replied, expected) per round


def round_rates(ctx: Context, body: BodyView) -> Rounds:
    """Each agency's replies per meeting round: an item counts in a round it was tracked through
    (created before the round ended, not released before it began); a reply counts in the round
    its first version was written in."""
    held = sorted((d, n) for n, d in ctx.store.meeting_numbers(body_id=body.id) if d is not None)
    starts = [None, *(datetime.combine(d, time.min, tzinfo=ctx.tz) for d, _ in held)]
    labels = ["第一次會議前" if held else "至今", *(f"第{n}次會議後" if n else "會議後" for _, n in held)]
    created, released = _lifetimes(ctx, body)
    bound = {a for _, a in ctx.store.bindings() if a != SECRETARIAT}
    by_agency: dict[str, list[tuple[int, int]]] = {}
    for item in ctx.store.items(body_id=body.id, status="all"):
        chains = standing(item)
        for name, _ in item.agencies:
            members = collective_members(ctx, name, bound)
            for agency in members if members is not None else [name]:
                counts = by_agency.setdefault(agency, [(0, 0)] * len(starts))
                for index, start in enumerate(starts):
                    end = starts[index + 1] if index + 1 < len(starts) else None
                    born, gone = created.get(item.id), released.get(item.id)
                    if (end is not None and born is not None and born >= end) or \
                            (gone is not None and start is not None and gone <= start):
                        continue
                    replied = any(now.agency == agency and now.kind not in RELEASE_KINDS
                                  and (start is None or first.at >= start) and (end is None or first.at < end)
                                  for first, now in chains)
                    done, expected = counts[index]
                    counts[index] = (done + replied, expected + 1)
    return Rounds(labels, by_agency)


def meeting_stats(ctx: Context, body: BodyView) -> list[MeetingStats]:
    tallies: dict[int | None, Counter[str]] = {}
    for _, decision, number, _ in ctx.store.review_history(body_id=body.id):
        tallies.setdefault(number, Counter())[decision] += 1
    out = []
    for number in sorted(n for n in tallies if n is not None) + ([None] if None in tallies else []):
        counts = tallies[number]
        out.append(MeetingStats(f"第{number}次會議" if number is not None else "會議外新增",
                                counts["created"], sum(counts[w] for w in CONTINUED_WORDS), counts["released"]))
    return out


@page
async def stats_page(request: web.Request, desk: Desk) -> web.StreamResponse:
    if desk.body is None:
        return render(request, "empty.html", desk=desk, title="統計")
    ctx = desk.context()
    meetings = await asyncio.to_thread(meeting_stats, ctx, desk.body)
    top = max((max(m.opened, m.continued, m.released) for m in meetings), default=0) or 1
    agencies = await asyncio.to_thread(agency_stats, ctx, desk.body)
    rounds = await asyncio.to_thread(round_rates, ctx, desk.body)
    return render(request, "stats.html", desk=desk, title="統計", agencies=agencies, meetings=meetings, top=top,
                  rounds=rounds)


HEADER = ("機關", "案件數", "列管中", "本輪已回報", "本輪應回報", "本輪回報率", "逾期回報", "逾期未回報", "已解除",
          "解除率", "平均列管天數")


def stats_csv(rows: list[AgencyStats], rounds: Rounds) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*HEADER, *(f"{label}回報" for label in rounds.labels)])
    for s in rows:
        per_round = [f"{done}/{expected}" if expected else "" for done, expected in rounds.by_agency.get(s.agency, [])]
        writer.writerow([s.agency, s.items, s.open, s.replied, s.expected, f"{s.rate:.0%}", s.late_replies,
                         s.overdue, s.released, f"{s.release_rate:.0%}", f"{s.average_days:.1f}", *per_round])
    return out.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 only with the byte-order mark


@page
async def stats_download(request: web.Request, desk: Desk) -> web.StreamResponse:
    if desk.body is None:
        return render(request, "empty.html", desk=desk, title="統計")
    name = quote(f"{desk.body.name}_統計.csv")
    return web.Response(body=stats_csv(agency_stats(desk.context(), desk.body),
                                            round_rates(desk.context(), desk.body)), headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
        "Cache-Control": "no-store"})


def install(app: web.Application) -> None:
    app.router.add_get("/stats", stats_page)
    app.router.add_get("/stats.csv", stats_download)
