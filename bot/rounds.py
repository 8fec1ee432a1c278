"""Running reminder rounds: when a body's round is due, the days it covers, and handing it over.

A scheduled round belongs to a day, its round day: today once the body's reminder time has
passed, else yesterday. It covers every day since the body's last round (at most a week back),
so a bot that was down over a Monday sends that Monday's reminder once when it is back, not
once per missed day. Its messages and its mark go to the database in one transaction, keyed
(body, chat, round day): running it twice, in one process or two, sends nothing twice.

Everything here is blocking database work: the scheduler runs it in a thread.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from bot.bulk import collector_paused
from bot.context import Actor, Context
from bot.core import Bot
from bot.outbox import outbox_rows
from handlers.deadlines import calendar
from handlers.digest import Digest, plan_digest
from handlers.rounds import Round, plan_round
from storage.views import BodyView

LOOKBACK = timedelta(days=7)


def clock_time(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def round_day(body: BodyView, now: datetime) -> date:
    """`now` is local time: the last day whose reminder time has come."""
    return now.date() if now.time() >= clock_time(body.reminder_time) else now.date() - timedelta(days=1)


def first_mark(body: BodyView, created: datetime | None, ctx: Context) -> date:
    """The day before a body's first round: a new body is not reminded about the days before it."""
    if created is None:
        return ctx.today() - LOOKBACK
    local = created.astimezone(ctx.tz)
    return local.date() if local.time() >= clock_time(body.reminder_time) else local.date() - timedelta(days=1)


def window(last: date, day: date) -> list[date]:
    start = max(last, day - LOOKBACK) + timedelta(days=1)
    return [start + timedelta(days=n) for n in range((day - start).days + 1)]


def secretariat(bot: Bot) -> Context:
    return bot.context(actor=Actor("secretariat"))


def due_round(bot: Bot, body: BodyView, *, last: date | None = None) -> tuple[date, list[date]] | None:
    """(round day, the days it covers) when the body's round has not been run; else None."""
    ctx = secretariat(bot)
    day = round_day(body, ctx.now())
    if last is None:
        last = bot.store.last_rounds().get(body.id) or first_mark(body, bot.store.bodies_created().get(body.id),
                                                                 ctx)
    return (day, window(last, day)) if last < day else None


def due_bodies(bot: Bot) -> list[int]:
    """The bodies whose round should have run by now and has not (checked when leadership changes)."""
    last = bot.store.last_rounds()
    return [b.id for b in bot.store.bodies() if due_round(bot, b, last=last.get(b.id)) is not None]


def run_scheduled(bot: Bot, body_id: int, platforms: Collection[str]) -> Round | None:
    """The body's due round, enqueued and marked; None when there was none to run."""
    body = next((b for b in bot.store.bodies() if b.id == body_id), None)
    if body is None:
        return None
    due = due_round(bot, body)
    if due is None:
        return None
    day, days = due
    with collector_paused():
        plan = plan_round(secretariat(bot), body, round_id=day.isoformat(), days=days)
        recorded = bot.store.record_round(body_id=body.id, day=day, rows=outbox_rows(plan.messages, set(platforms)),
                                          reasons=plan.triggers.reasons(), overdue=plan.overdue)
    return plan if recorded else None


def plan_now(bot: Bot, *, body: BodyView | None = None) -> list[Round]:
    """A round by hand (`lieguan remind --dry-run|--now`): every chat, every open item, now."""
    ctx = secretariat(bot)
    stamp = ctx.now().strftime("now-%Y%m%dT%H%M")
    bodies = [body] if body is not None else bot.store.bodies()
    with collector_paused():
        return [plan_round(ctx, b, round_id=stamp, manual=True) for b in bodies]


def send_now(bot: Bot, platforms: Collection[str], *, body: BodyView | None = None) -> list[Round]:
    with collector_paused():
        rounds = plan_now(bot, body=body)
        enqueue_now(bot, rounds, platforms)
    return rounds


def enqueue_now(bot: Bot, rounds: list[Round], platforms: Collection[str]) -> None:
    """Hand rounds made by hand to the sender (not marked: a scheduled round still runs)."""
    with collector_paused():
        for plan in rounds:
            bot.store.record_round(body_id=plan.body.id, day=None, rows=outbox_rows(plan.messages, set(platforms)),
                                   reasons=plan.triggers.reasons())


def run_digest(bot: Bot, platforms: Collection[str]) -> Digest | None:
    """The day's replies to the secretariat, on office days, once a day."""
    ctx = secretariat(bot)
    if not calendar(ctx).is_office_day(ctx.today()):
        return None  # the weekend's replies go in Monday's digest
    since = bot.store.digest_since()
    if since is not None and since.astimezone(ctx.tz).date() == ctx.today():
        return None
    digest = plan_digest(ctx, since=since or ctx.clock() - timedelta(days=1))
    bot.store.record_digest(rows=outbox_rows(digest.messages, set(platforms)), until=digest.until)
    return digest
