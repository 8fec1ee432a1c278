"""提醒 (/reminders): each body's schedule, what the next round would send to each chat, 停班 days,
and past rounds with what each chat was sent and whether it was delivered."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from aiohttp import web

from bot.rounds import plan_now
from bot.web.commands import run_command
from bot.web.desk import Desk, page, render
from handlers.deadlines import calendar
from handlers.meetings import next_meeting
from handlers.reminders import day_off, schedule, schedule_lines
from storage.models import Outbox

WEEKDAYS = "一二三四五六日"
STATUS_ZH = {"sent": "已送達", "pending": "等待寄出", "sending": "寄送中", "failed": "寄送失敗"}


@dataclass
class Sent:
    chat: str
    agency: str
    text: str
    status: str
    at: str
    error: str | None


def past_sends(desk: Desk, body_id: int) -> dict[str, list[Sent]]:
    """Round id → what each chat was sent in it (newest round first)."""
    agencies = dict(desk.bot.store.bindings())
    rounds: dict[str, list[Sent]] = defaultdict(list)
    rows: list[Outbox] = desk.bot.store.outbox_rows(key_prefix=f"remind:{body_id}:")
    tz = desk.context().tz
    for row in reversed(rows):
        round_id = row.key[len(f"remind:{body_id}:{row.chat}:"):] or "—"
        when = row.sent_at or row.created_at
        rounds[round_id].append(Sent(row.chat, agencies.get(row.chat, ""), str(row.payload.get("text", "")),
                                     STATUS_ZH.get(row.status, row.status),
                                     when.astimezone(tz).strftime("%H:%M") if when else "", row.last_error))
    return dict(rounds)


@page
async def reminders_page(request: web.Request, desk: Desk) -> web.StreamResponse:
    return await show(request, desk)


async def show(request: web.Request, desk: Desk, *, notice: str | None = None, error: str | None = None,
               status: int = 200) -> web.Response:
    if desk.body is None:
        return render(request, "empty.html", desk=desk, title="提醒")
    ctx = desk.context()
    cal = calendar(ctx)
    today = ctx.today()
    preview = plan_now(desk.bot, body=desk.body)
    agencies = dict(ctx.store.bindings())
    days_off = [d for d in ctx.store.days_off() if d.day >= today and not d.office]
    return render(request, "reminders.html", desk=desk, title="提醒", schedule=schedule_lines(ctx, desk.body, cal),
                  preview=preview, agencies=agencies, days_off=days_off[:30],
                  rounds=ctx.store.rounds(body_id=desk.body.id), sends=past_sends(desk, desk.body.id),
                  notice=notice, error=error, status=status, weekdays=WEEKDAYS)


def _args(desk: Desk) -> str:
    """The command's arguments from the form: the body's code first, as a chat names a body."""
    assert desk.body is not None
    form = desk.form
    what = form.get("what", "")
    if what == "schedule":
        return f"{desk.body.code} 每週{form.get('weekday', '')} {form.get('time', '')}".strip()
    if what == "deadline":
        return f"{desk.body.code} 截止 {form.get('days', '')}".strip()
    if what == "meeting":
        return f"{desk.body.code} {form.get('day', '')}".strip()
    if what == "dayoff":
        return f"{form.get('day', '')} {form.get('reason', '')}".strip()
    return f"取消 {form.get('day', '')}".strip()


@page
async def change(request: web.Request, desk: Desk) -> web.StreamResponse:
    """提醒 / 下次會議 / 停班 through the chat's own handlers."""
    if desk.body is None:
        return render(request, "empty.html", desk=desk, title="提醒")
    handlers = {"schedule": schedule, "deadline": schedule, "meeting": next_meeting, "dayoff": day_off,
                "undo-dayoff": day_off}
    handler = handlers.get(desk.form.get("what", ""))
    if handler is None:
        return await show(request, desk, error="看不懂這個表單。", status=400)
    if desk.form.get("what") in ("dayoff", "undo-dayoff", "meeting") and not desk.form.get("day", "").strip():
        return await show(request, desk, error="請寫日期，例如 115/12/3。", status=400)
    said, refused = await run_command(desk, handler, _args(desk))
    if refused is not None:
        return await show(request, desk, error=refused, status=400)
    desk.body = desk.bot.store.body(body_id=desk.body.id)
    return await show(request, desk, notice=said)


def install(app: web.Application) -> None:
    app.router.add_get("/reminders", reminders_page)
    app.router.add_post("/reminders", change)
