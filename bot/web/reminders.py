"""提醒 (/reminders): each body's schedule, what the next round would send to each chat, 停班 days,
and past rounds with what each chat was sent and whether it was delivered."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from aiohttp import web

from bot.rounds import plan_now
from bot.web.desk import Desk, page, render
from handlers.deadlines import calendar
from handlers.reminders import schedule_lines
from storage.models import Outbox

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
                  rounds=ctx.store.rounds(body_id=desk.body.id), sends=past_sends(desk, desk.body.id))


def install(app: web.Application) -> None:
    app.router.add_get("/reminders", reminders_page)
