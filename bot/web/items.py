"""案件: the filtered list (/items) and one item with everything it received (/items/{case})."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from aiohttp import web

from bot.context import Context
from bot.dates import halfwidth
from bot.scope import who_answers
from bot.web import item_forms
from bot.web.desk import Desk, page, render
from bot.web.lights import ZH, Light, Round, judge
from bot.web.overview import collective_members, make_round
from handlers.evidence import desk_files
from handlers.progress import Round as Window
from handlers.progress import composed_text, statuses
from storage.models import SECRETARIAT, STATUS_ZH
from storage.views import BodyView, ItemView
from storage.web import ReplyRecord

STATUSES = {"open": "未解除（全部列管中）", "tracking": "列管中", "continued": "繼續列管", "released": "解除列管",
            "other": "另案處理", "all": "全部"}
DECISIONS = {"created": "列管", "renewed": "續辦（新決定）", "released": "解除列管", "continued": "繼續列管",
             "other": "另案處理"}
NOTICES = {"edit": "已修改內容。", "assign": "已更新主辦／協辦機關。", "due": "已更新期限。",
           "propose": "已記下秘書處建議，將列入下次會議報告。", "decide": "已記錄會議決定。",
           "progress": "已更新報告將印出的辦理情形。"}


@dataclass
class Listed:
    item: ItemView
    lights: list[tuple[str, Light]]


def _bound(ctx: Context) -> set[str]:
    return {agency for _, agency in ctx.store.bindings() if agency != SECRETARIAT}


def lights_of(ctx: Context, item: ItemView, rnd: Round, bound: set[str]) -> list[tuple[str, Light]]:
    return [(agency, judge(item, agency, rnd)) for agency in who_answers(ctx.directory, item, bound)]


def matches(item: ItemView, words: list[str]) -> bool:
    """Every word in the item's 案由, text, case or one of its replies."""
    haystack = " ".join([item.label, item.subject, item.text, *(r.text for r in item.replies)])
    folded = halfwidth(haystack).lower()
    return all(halfwidth(w).lower() in folded for w in words)


@page
async def item_list(request: web.Request, desk: Desk) -> web.StreamResponse:
    ctx = desk.context()
    q = request.query
    status = q.get("status", "open") if q.get("status", "open") in STATUSES else "open"
    agency_raw, light, meeting, text = q.get("agency", "").strip(), q.get("light", ""), q.get("meeting", ""), q.get("q", "")
    error = None
    agency = ctx.directory.resolve(agency_raw) if agency_raw else None
    if agency_raw and agency is None:
        error = f"找不到機關「{agency_raw}」，已列出全部機關的案件。"
    rows: list[Listed] = []
    if desk.body is not None:
        rnd, bound = make_round(ctx, desk.body), _bound(ctx)
        for item in ctx.store.items(body_id=desk.body.id, status=status):
            if agency and agency not in {n for n, _ in item.agencies} | set(who_answers(ctx.directory, item, bound)):
                continue
            if meeting.isdigit() and item.meeting_number != int(meeting):
                continue
            if text.strip() and not matches(item, text.split()):
                continue
            lights = lights_of(ctx, item, rnd, bound)
            if light in ZH and not any(lt.color == light for _, lt in lights):
                continue
            rows.append(Listed(item, lights))
    meetings = [n for n, _ in ctx.store.meeting_numbers(body_id=desk.body.id)] if desk.body else []
    return render(request, "items.html", desk=desk, title="案件", rows=rows, statuses=STATUSES, chosen=status,
                  agency=agency_raw, light=light, meeting=meeting, q=text, meetings=[m for m in meetings if m],
                  error=error, status_zh=STATUS_ZH)


def find(desk: Desk, label: str) -> ItemView | None:
    found = desk.bot.store.find_case(ref=label)
    if len(found) > 1 and desk.body is not None:
        found = [i for i in found if i.body_id == desk.body.id]
    return found[0] if len(found) == 1 else None


@dataclass
class RoundReplies:
    label: str
    current: bool
    by_agency: dict[str, list[ReplyRecord]] = field(default_factory=dict)


def rounds_of(ctx: Context, body: BodyView | None, records: list[ReplyRecord]) -> list[RoundReplies]:
    """Replies grouped by the meeting round they came in, newest round first."""
    held = sorted(d for _, d in ctx.store.meeting_numbers(body_id=body.id) if d) if body else []
    numbers = {d: n for n, d in ctx.store.meeting_numbers(body_id=body.id) if d} if body else {}
    groups: dict[int, dict[str, list[ReplyRecord]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        index = sum(1 for d in held if datetime.combine(d, time.min, tzinfo=ctx.tz) <= record.at)
        groups[index][record.agency].append(record)
    out = []
    for index in range(len(held), -1, -1):
        if index == 0:
            label = "第一次會議前" if held else "回報紀錄"
        else:
            number = numbers.get(held[index - 1])
            label = f"第{number}次會議後" if number else f"{held[index - 1]:%Y-%m-%d} 會議後"
        if index == len(held) or index in groups:
            out.append(RoundReplies(label, index == len(held), dict(groups.get(index, {}))))
    return out


async def show_item(request: web.Request, desk: Desk, *, error: str | None = None,
                    status: int = 200) -> web.Response:
    item = find(desk, request.match_info["case"])
    if item is None:
        return render(request, "message.html", desk=desk, status=404, title="找不到案件",
                      message=f"找不到 #{request.match_info['case']}。請從「案件」列表選擇。")
    ctx = desk.context()
    body = ctx.store.body(body_id=item.body_id)
    rnd = make_round(ctx, body) if body else None
    lights = dict(lights_of(ctx, item, rnd, _bound(ctx))) if rnd else {}
    records = ctx.store.reply_records(item_id=item.id)
    rounds = rounds_of(ctx, body, records)
    current = rounds[0] if rounds else RoundReplies("回報紀錄", True)
    agencies = list(dict.fromkeys([*lights, *current.by_agency]))
    printed = report_texts(ctx, item, rnd, agencies, item_forms.report_meeting(desk, item))
    bound = _bound(ctx)
    collectives = {name: members for name, _ in item.agencies
                   if (members := collective_members(ctx, name, bound)) is not None}
    return render(request, "item.html", desk=desk, status=status, title=f"#{item.label}", item=item,
                  lights=lights, agencies=agencies, printed=printed, collectives=collectives, rounds=rounds, current=current,
                  reviews=[(DECISIONS.get(d, d), n, t) for d, n, t in ctx.store.reviews(item_id=item.id)],
                  audit=ctx.store.item_audit(item_id=item.id, case=item.case), status_zh=STATUS_ZH,
                  error=error, notice=NOTICES.get(request.query.get("ok", "")), due_value=item_forms.due_value(item),
                  directory=[a.name for a in ctx.directory.all()], evidence=desk_files(ctx, item))


def report_texts(ctx: Context, item: ItemView, rnd: Round | None, agencies: list[str],
                 meeting: int | None) -> dict[str, tuple[str, bool]]:
    """Agency → (the 辦理情形 the next report prints, whether the secretariat set it)."""
    window = Window(since=rnd.since if rnd else None, until=None, meeting=meeting)
    edited = ctx.store.progress_texts(item_ids=[item.id], meeting=meeting)
    return {s.agency: (composed_text(s), s.edited is not None)
            for s in statuses(item, agencies, window, ctx.tz, edited)}


@page
async def item_page(request: web.Request, desk: Desk) -> web.StreamResponse:
    return await show_item(request, desk)


def install(app: web.Application) -> None:
    app.router.add_get("/items", item_list)
    app.router.add_get("/items/{case}", item_page)
    item_forms.install(app, show_item)
