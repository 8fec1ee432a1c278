"""The reply deadline before each meeting, counted in office days."""

from __future__ import annotations

from datetime import date

from bot.calendar import OfficeCalendar
from bot.context import Context
from storage.views import BodyView


def calendar(ctx: Context) -> OfficeCalendar:
    return OfficeCalendar({d.day: d.office for d in ctx.store.days_off()})


def reply_deadline(ctx: Context, body: BodyView, cal: OfficeCalendar | None = None) -> date | None:
    """By default 5 office days before the next meeting; None while no meeting is set."""
    if body.next_meeting is None:
        return None
    return (cal or calendar(ctx)).shift(body.next_meeting, -body.deadline_office_days)
