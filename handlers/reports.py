"""The 「前次會議決議辦理情形」 report: a meeting's snapshot of the items it reviews and their replies.

`next` is the coming meeting's report: every open item (and each one the meeting already decided
by hand), the replies since the last meeting, the secretariat's proposals. A past meeting N's
report reads only what was written before that meeting, and the decision it took on each item.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

from bot.context import Context
from bot.dates import halfwidth, roc_short, roc_time
from bot.format import due_text
from bot.messages import Document, Incoming, Outgoing
from bot.reports import FORMATS, MIME, ReportData, ReportError, ReportRow, render
from bot.reports import default_filename as report_filename
from bot.reports.model import KEEP, RELEASE, HistoryEntry
from bot.router import SECRETARIAT, Router, UserError
from bot.scope import who_answers
from handlers.common import pick_body
from handlers.deadlines import since_meeting
from handlers.evidence import with_files
from handlers.progress import Round, history, statuses, upcoming
from storage.models import SECRETARIAT as SECRETARIAT_AGENCY
from storage.views import BodyView, ItemView

router = Router()
PROPOSAL = {"release": RELEASE, "keep": KEEP}
NEXT = -1  # decided_at's answer for the coming meeting (meeting numbers are positive)
DECIDED = {"released": "解除列管", "continued": "繼續列管", "renewed": "繼續列管", "other": "另案處理"}


def report_row(ctx: Context, item: ItemView, bound: set[str], window: Round,
               edited: dict[tuple[int, str], str], decided: str = "", *, proposals: bool = True) -> ReportRow:
    proposal = PROPOSAL.get(item.proposal or "", "") if proposals else ""
    return ReportRow(
        case=item.label, subject=item.subject, decision=item.text,
        origin=f"第{item.meeting_number}次會議" if item.meeting_number else "",
        leads=tuple(item.leads), assists=tuple(item.assists), proposal=proposal, due=due_text(item),
        statuses=with_files(ctx, item, statuses(item, who_answers(ctx.directory, item, bound), window, ctx.tz, edited),
                            window),
        proposal_reason=(item.proposal_reason or "") if proposal else "", decided=DECIDED.get(decided, ""))


def _start(ctx: Context, day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ctx.tz)


Meetings = list[tuple[int, int | None, date | None, datetime]]


def decided_at(ctx: Context, body: BodyView, meetings: Meetings, at: datetime) -> int | None:
    """The meeting a decision recorded by hand belongs to: NEXT once the coming meeting's day has come
    (and no meeting has been recorded for it), else the last meeting held by then (recorded late)."""
    day = at.astimezone(ctx.tz).date()
    held = [(m[2], m[1]) for m in meetings if m[2] is not None and m[2] <= day]
    if not held or (body.next_meeting is not None and held[-1][0] < body.next_meeting <= day):
        return NEXT
    return held[-1][1]


def hand_decided(ctx: Context, body: BodyView, meetings: Meetings, number: int | None) -> dict[int, str]:
    """Item id → the decision recorded by hand for meeting `number` (NEXT: the coming one)."""
    return {item: decision for item, decision, at in ctx.store.hand_decisions(body_id=body.id)
            if decided_at(ctx, body, meetings, at) == number}


def _with(ctx: Context, items: list[ItemView], extra: dict[int, str]) -> list[ItemView]:
    known = {i.id for i in items}
    missing = [i for i in extra if i not in known]
    return items + ctx.store.items(ids=missing, status="all") if missing else items


def _next_report(ctx: Context, body: BodyView) -> tuple[list[ItemView], dict[int, str], Round]:
    """Open items, and those the coming meeting already decided (recorded by hand since it was held)."""
    decided = hand_decided(ctx, body, ctx.store.meetings(body_id=body.id), NEXT)
    items = _with(ctx, ctx.store.items(body_id=body.id), decided)
    return items, decided, Round(since=since_meeting(ctx, body), until=None, meeting=upcoming(body))


def _past_report(ctx: Context, body: BodyView, number: int) -> tuple[list[ItemView], dict[int, str], Round,
                                                                     date | None]:
    """Meeting `number`'s items and decisions, and the replies written before it (since the one before)."""
    meetings = ctx.store.meetings(body_id=body.id)
    at = next(n for n, m in enumerate(meetings) if m[1] == number)
    meeting_id, _, held, recorded = meetings[at]
    previous = meetings[at - 1][2] if at > 0 else None
    until = _start(ctx, held) if held else recorded
    window = Round(since=_start(ctx, previous) if previous else None, until=until, meeting=number)
    decided = hand_decided(ctx, body, meetings, number) | ctx.store.decisions(meeting_id=meeting_id)
    items = _with(ctx, ctx.store.items_reviewed_at(meeting_id=meeting_id), decided)
    return sorted(items, key=lambda i: _case_key(i.case)), decided, window, held


def _case_key(case: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in case.split("-"))


def report_items(ctx: Context, body: BodyView, meeting: str) -> tuple[list[ItemView], Round, str]:
    """The items meeting `meeting`'s report lists, the round of replies it reads, and its name (佐證 zip)."""
    meeting = halfwidth(meeting).strip().lstrip("第").rstrip("次")
    numbers = [n for n, _ in ctx.store.meeting_numbers(body_id=body.id)]
    if meeting.isdigit() and int(meeting) in numbers and int(meeting) != (body.last_meeting_number or 0) + 1:
        items, _, window, _ = _past_report(ctx, body, int(meeting))
        return items, window, f"第{meeting}次會議"
    if meeting.isdigit() and int(meeting) != (body.last_meeting_number or 0) + 1:
        raise UserError(f"「{body.name}」沒有第{meeting}次會議。")
    items, _, window = _next_report(ctx, body)
    return items, window, f"第{window.meeting}次會議" if window.meeting else "下次會議"


def build_report(ctx: Context, body: BodyView, meeting: str = "next") -> ReportData:
    """`next`: everything open for the coming meeting; N: what meeting N decided on, as it stood then."""
    numbers = [n for n, _ in ctx.store.meeting_numbers(body_id=body.id)]
    coming = upcoming(body)
    meeting = halfwidth(meeting).strip().lstrip("第").rstrip("次")
    when: str | None = None
    if meeting in ("next", "下次", "") or (meeting.isdigit() and int(meeting) == coming):
        if not numbers and not ctx.store.items(body_id=body.id):
            raise UserError(f"「{body.name}」還沒有任何會議或列管案，無法產生報告。請先匯入會議紀錄。")
        items, decided, window = _next_report(ctx, body)
        number, held, cutoff, proposals = coming, body.next_meeting, ctx.today(), True
        when = roc_time(body.next_meeting_time) if body.next_meeting and body.next_meeting_time else None
    elif meeting.isdigit():
        if int(meeting) not in numbers:
            known = "、".join(f"第{n}次" for n in numbers if n) or "（尚無）"
            raise UserError(f"「{body.name}」沒有第{meeting}次會議。已有：{known}；下次會議請用 next。")
        items, decided, window, held = _past_report(ctx, body, int(meeting))
        number, proposals = int(meeting), False
        assert window.until is not None
        cutoff = (window.until.astimezone(ctx.tz) - timedelta(microseconds=1)).date()
    else:
        raise UserError(f"看不懂會議「{meeting}」：請寫 next（下次會議）或會議的次數，例如 5。")
    bound = {agency for _, agency in ctx.store.bindings() if agency != SECRETARIAT_AGENCY}
    edited = ctx.store.progress_texts(item_ids=[i.id for i in items], meeting=window.meeting)
    rows = tuple(report_row(ctx, i, bound, window, edited, decided.get(i.id, ""), proposals=proposals)
                 for i in items)
    entries: list[HistoryEntry] = sorted((e for i in items for e in history(i, window.until)),
                                         key=lambda e: e.at)
    return ReportData(body=body.name, meeting_number=number, meeting_date=held, cutoff=cutoff, rows=rows,
                      meeting_time=when, history=tuple(entries))


def summary_text(data: ReportData) -> str:
    s = data.summary()
    name = f"第{data.meeting_number}次會議" if data.meeting_number else "下次會議"
    return (f"{name}「前次會議決議辦理情形」已產生（資料截至 {roc_short(data.cutoff)}）：{s.total} 案，"
            f"擬解除列管 {s.release}、擬繼續列管 {s.keep}、尚未決定 {s.undecided}（未回報 {s.unanswered}）。")


@router.command("報告", "report", roles=SECRETARIAT,
                summary=f"產生下次會議的「前次會議決議辦理情形」：報告 [{'｜'.join(FORMATS)}]")
async def report(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    words = halfwidth(args).split()
    if "附件" in words or "佐證" in words:  # 報告 6 附件: the meeting's 佐證 as a zip
        from handlers.evidence import evidence_zip

        return evidence_zip(msg, " ".join(w for w in words if w not in ("附件", "佐證")), ctx)
    fmt = next((w.lower().lstrip(".") for w in words if w.lower().lstrip(".") in FORMATS), "docx")
    rest = " ".join(w for w in words if w.lower().lstrip(".") not in FORMATS)
    unknown = [w for w in rest.split() if w.isascii() and w.isalpha() and w not in ("next",)]
    if unknown:
        raise UserError(f"不支援的格式「{unknown[0]}」。可用的格式：{'、'.join(FORMATS)}。")
    body, meeting = pick_body(ctx, rest)
    data = build_report(ctx, body, meeting or "next")
    try:  # in a thread: a PDF waits seconds for LibreOffice, and the bot keeps answering meanwhile
        content = await asyncio.to_thread(render, data, fmt)
    except ReportError as exc:  # e.g. no LibreOffice for pdf: a polite answer, not an internal error
        raise UserError(str(exc)) from exc
    document = Document(report_filename(data, fmt), content, MIME[fmt])
    return [Outgoing(summary_text(data), document=document)]
