"""The next meeting's 「前次會議決議辦理情形」 report, from the items and their replies."""

from __future__ import annotations

from bot.context import Context
from bot.dates import halfwidth, roc_short
from bot.format import due_text
from bot.messages import Document, Incoming, Outgoing
from bot.reports import FORMATS, MIME, ReportData, ReportReply, ReportRow, render
from bot.reports import default_filename as report_filename
from bot.reports.model import KEEP, RELEASE
from bot.router import SECRETARIAT, Router, UserError
from bot.scope import who_answers
from handlers.common import pick_body
from storage.views import BodyView, ItemView

router = Router()
PROPOSAL = {"release": RELEASE, "keep": KEEP}


def report_row(ctx: Context, item: ItemView, bound: set[str]) -> ReportRow:
    expected = who_answers(ctx.directory, item, bound)
    replies = []
    for agency in dict.fromkeys([*expected, *(r.agency for r in item.current_replies)]):
        last = item.latest_reply(agency)
        if last is not None and last.kind == "progress":
            replies.append(ReportReply(agency=agency, text=last.text, at=last.at.astimezone(ctx.tz).date(),
                                       late=last.late))
    answered = {r.agency for r in replies}
    return ReportRow(
        case=item.label, subject=item.subject, decision=item.text,
        origin=f"第{item.meeting_number}次會議" if item.meeting_number else "",
        leads=tuple(item.leads), assists=tuple(item.assists), replies=tuple(replies),
        missing=tuple(a for a in expected if a not in answered),
        proposal=PROPOSAL.get(item.proposal or "", ""), due=due_text(item))


def build_report(ctx: Context, body: BodyView, meeting: str = "next") -> ReportData:
    """`next`: everything open for the coming meeting; N: what meeting N decided on."""
    numbers = [n for n, _ in ctx.store.meeting_numbers(body_id=body.id)]
    upcoming = (body.last_meeting_number or 0) + 1 if body.last_meeting_number else None
    meeting = halfwidth(meeting).strip().lstrip("第").rstrip("次")
    if meeting in ("next", "下次", "") or (meeting.isdigit() and int(meeting) == upcoming):
        if not numbers and not ctx.store.items(body_id=body.id):
            raise UserError(f"「{body.name}」還沒有任何會議或列管案，無法產生報告。請先匯入會議紀錄。")
        items = ctx.store.items(body_id=body.id)
        number, held, cutoff = upcoming, body.next_meeting, ctx.today()
    elif meeting.isdigit():
        found = ctx.store.meeting_id(body_id=body.id, number=int(meeting))
        if found is None:
            known = "、".join(f"第{n}次" for n in numbers if n) or "（尚無）"
            raise UserError(f"「{body.name}」沒有第{meeting}次會議。已有：{known}；下次會議請用 next。")
        items = ctx.store.items_reviewed_at(meeting_id=found[0])
        number, held = int(meeting), found[1]
        cutoff = held or ctx.today()
    else:
        raise UserError(f"看不懂會議「{meeting}」：請寫 next（下次會議）或會議的次數，例如 5。")
    bound = {agency for _, agency in ctx.store.bindings()}
    return ReportData(body=body.name, meeting_number=number, meeting_date=held, cutoff=cutoff,
                      rows=tuple(report_row(ctx, i, bound) for i in items))


def summary_text(data: ReportData) -> str:
    s = data.summary()
    name = f"第{data.meeting_number}次會議" if data.meeting_number else "下次會議"
    return (f"{name}「前次會議決議辦理情形」已產生（資料截至 {roc_short(data.cutoff)}）：{s.total} 案，"
            f"擬解除列管 {s.release}、擬繼續列管 {s.keep}、尚未決定 {s.undecided}（未回報 {s.unanswered}）。")


@router.command("報告", "report", roles=SECRETARIAT,
                summary="產生下次會議的「前次會議決議辦理情形」：報告 [docx｜odt｜md｜csv｜html]")
async def report(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    words = halfwidth(args).split()
    fmt = next((w.lower().lstrip(".") for w in words if w.lower().lstrip(".") in FORMATS), "docx")
    rest = " ".join(w for w in words if w.lower().lstrip(".") not in FORMATS)
    unknown = [w for w in rest.split() if w.isascii() and w.isalpha() and w not in ("next",)]
    if unknown:
        raise UserError(f"不支援的格式「{unknown[0]}」。可用的格式：{'、'.join(FORMATS)}。")
    body, meeting = pick_body(ctx, rest)
    data = build_report(ctx, body, meeting or "next")
    document = Document(report_filename(data, fmt), render(data, fmt), MIME[fmt])
    return [Outgoing(summary_text(data), document=document)]
