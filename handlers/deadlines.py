"""The reply deadline before each meeting, counted in office days, and who is late for it (逾期)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from bot.calendar import OfficeCalendar
from bot.context import Context
from bot.dates import roc_short, roc_weekday
from bot.scope import who_answers
from storage.models import SECRETARIAT
from storage.views import BodyView, ItemView


def calendar(ctx: Context) -> OfficeCalendar:
    """The office calendar with the imported DGPA days and the secretariat's 停班 days."""
    return OfficeCalendar({d.day: d.office for d in ctx.store.days_off()})


def reply_deadline(ctx: Context, body: BodyView, cal: OfficeCalendar | None = None) -> date | None:
    """By default 5 office days before the next meeting; None while no meeting is set."""
    if body.next_meeting is None:
        return None
    return (cal or calendar(ctx)).shift(body.next_meeting, -body.deadline_office_days)


def office_day_warning(ctx: Context, day: date) -> str:
    """A note when `day` is no office day (weekend, holiday, 停班), naming the next office day; else ''."""
    cal = calendar(ctx)
    if cal.is_office_day(day):
        return ""
    why = cal.holiday_name(day) or ("週末" if day.weekday() >= 5 else "停止上班日")
    return (f"（提醒：{roc_weekday(day)}是{why}，不是辦公日；下一個辦公日是 {roc_weekday(cal.on_or_after(day))}。）")


def coming_deadline(ctx: Context, body: BodyView, cal: OfficeCalendar, today: date) -> date | None:
    """The deadline of a meeting still to come (a meeting already held has none until the next is set)."""
    if body.next_meeting is None or body.next_meeting < today:
        return None
    return reply_deadline(ctx, body, cal)


def deadline_text(cal: OfficeCalendar, today: date, deadline: date | None) -> str:
    """回報截止 109/6/3（尚有 12 個辦公日）, （今天截止）, （已逾期）; or that no meeting is set."""
    if deadline is None:
        return "下次會議尚未排定"
    if today < deadline:
        return f"回報截止 {roc_short(deadline)}（尚有 {cal.between(today, deadline)} 個辦公日）"
    return f"回報截止 {roc_short(deadline)}（{'今天截止' if today == deadline else '已逾期'}）"


def since_meeting(ctx: Context, body: BodyView) -> datetime | None:
    """Replies count from the start of the body's last meeting day (all of them before any meeting)."""
    if body.last_meeting_date is None:
        return None
    return datetime.combine(body.last_meeting_date, time.min, tzinfo=ctx.tz)


def has_replied(item: ItemView, agency: str, since: datetime | None) -> bool:
    """A standing reply by `agency` since the last meeting: progress, or a 建議解除 with its reason,
    which the report counts as an answer too (not 未回報)."""
    return any(r.agency == agency and (since is None or r.at >= since) for r in item.current_replies)


def late_agencies(ctx: Context, body: BodyView, items: list[ItemView]) -> dict[str, list[ItemView]]:
    """Agency → the body's open items it has not replied on since the last meeting."""
    bound = {agency for _, agency in ctx.store.bindings() if agency != SECRETARIAT}
    since = since_meeting(ctx, body)
    late: dict[str, list[ItemView]] = defaultdict(list)
    for item in items:
        if item.body_id != body.id or not item.is_open:
            continue
        for agency in who_answers(ctx.directory, item, bound):
            if not has_replied(item, agency, since):
                late[agency].append(item)
    return dict(late)


def overdue(ctx: Context, body: BodyView, *, today: date | None = None) -> dict[str, list[ItemView]]:
    """After the reply deadline: agency → items still without a reply (逾期); empty before it."""
    today = today or ctx.today()
    cal = calendar(ctx)
    deadline = coming_deadline(ctx, body, cal, today)
    if deadline is None or today <= deadline:
        return {}
    return late_agencies(ctx, body, ctx.store.items(body_id=body.id))
