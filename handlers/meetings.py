"""Bodies and meetings: 會議, 下次會議, and who has not replied since the last meeting (未回報)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, time

from bot.context import Context
from bot.dates import halfwidth, parse_date, parse_when, roc, roc_meeting, roc_short, roc_time
from bot.messages import Incoming, Outgoing
from bot.router import MEMBERS, SECRETARIAT, Router, UserError
from bot.scope import agency_scope, who_answers
from handlers.common import pick_body, visible_items
from handlers.deadlines import office_day_warning, reply_deadline
from storage.views import BodyView, ItemView

router = Router()


@router.command("會議", "body", roles=SECRETARIAT, summary="列出會議；「會議 新增 名稱」建立會議；「會議 第6次 115/12/14」記錄開過的會議")
async def bodies(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    action, _, name = args.strip().partition(" ")
    if m := re.match(r"^第?(\d+)次?\s+(\S+)$", halfwidth(args.strip())):
        return held(msg, ctx, int(m.group(1)), m.group(2))
    if action in ("新增", "add"):
        if not name.strip():
            raise UserError("請寫出會議名稱，例如「會議 新增 強化社會安全網中央跨部會平台」。")
        body = ctx.store.ensure_body(name=name.strip(), actor=msg.user_key, chat=msg.chat.key)
        return [Outgoing(f"已建立會議「{body.name}」（代號 {body.code}）。")]
    rows = ctx.store.bodies()
    if not rows:
        return [Outgoing("目前還沒有任何會議。請先「匯入」會議紀錄，或用「會議 新增 會議名稱」建立。")]
    lines = []
    for b in rows:
        last = f"第{b.last_meeting_number}次" if b.last_meeting_number else "尚無"
        last += f"（{roc_short(b.last_meeting_date)}）" if b.last_meeting_date else ""
        nxt = roc_short(b.next_meeting) if b.next_meeting else "未設定"
        nxt += f" {roc_time(b.next_meeting_time)}" if b.next_meeting and b.next_meeting_time else ""
        lines.append(f"・{b.name}（代號 {b.code}）：上次會議 {last}；下次會議 {nxt}")
    return [Outgoing("\n".join(lines))]


def held(msg: Incoming, ctx: Context, number: int, when: str) -> list[Outgoing]:
    """A meeting recorded by hand (minutes not imported): 會議 第6次 115/12/14."""
    body, _ = pick_body(ctx, "")
    day = parse_date(when, today=ctx.today(), upcoming=False)
    ctx.store.add_meeting(body_id=body.id, number=number, held_on=day, actor=msg.user_key, chat=msg.chat.key,
                          title=f"{body.name}第{number}次會議")
    return [Outgoing(f"已記錄 {body.name} 第{number}次會議（{roc(day)}）。")]


def schedule_text(ctx: Context, body: BodyView) -> str:
    weekday = "一二三四五六日"[body.reminder_weekday]
    return (f"提醒：每週{weekday} {body.reminder_time}；截止前 "
            f"{'、'.join(str(n) for n in ctx.settings.countdown_office_days)} 個辦公日再提醒。")


@router.command("下次會議", "nextmeeting", roles=SECRETARIAT,
                summary="設定下次會議日期（可加時間）：下次會議 115/6/10 上午9時30分")
async def next_meeting(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    body, rest = pick_body(ctx, args)
    if not rest:
        when = roc_meeting(body.next_meeting, body.next_meeting_time) if body.next_meeting else "尚未設定"
        return [Outgoing(f"{body.name} 下次會議：{when}。設定請輸入「下次會議 115/6/10 上午9時30分」（時間可省略）。")]
    day, at = parse_when(rest, today=ctx.today(), day=body.next_meeting)  # a time alone keeps the date
    if day < ctx.today():
        raise UserError(f"{roc_short(day)} 已經過了，請寫今天以後的日期。")
    body = ctx.store.update_body(body_id=body.id, actor=msg.user_key, chat=msg.chat.key, next_meeting=day,
                                 next_meeting_time=at)
    deadline = reply_deadline(ctx, body)
    assert deadline is not None
    return [Outgoing(f"下次會議 {roc_meeting(day, at)}。{office_day_warning(ctx, day)}"
                     f"回報截止：{roc(deadline)}（{body.deadline_office_days} 個辦公日前）。\n"
                     + schedule_text(ctx, body))]


def since_last_meeting(ctx: Context, body: BodyView) -> datetime | None:
    if body.last_meeting_date is None:
        return None
    return datetime.combine(body.last_meeting_date, time.min, tzinfo=ctx.tz)


def unanswered(ctx: Context, items: list[ItemView]) -> dict[str, list[ItemView]]:
    """Agency → its open items with no reply since its body's last meeting."""
    bound = {agency for _, agency in ctx.store.bindings()}
    bodies = {b.id: since_last_meeting(ctx, b) for b in ctx.store.bodies()}
    late: dict[str, list[ItemView]] = defaultdict(list)
    for item in items:
        since = bodies.get(item.body_id)
        fresh = [r for r in item.current_replies if since is None or r.at >= since]
        expected = who_answers(ctx.directory, item, bound)
        if not expected and not fresh:
            # a collective none of whose members has a chat yet: nobody answers, and the report
            # prints 未回報 on its row, so this list says so too (with why)
            late["、".join(name for name, _ in item.agencies) + "（尚無已綁定群組的成員機關）"].append(item)
        for agency in expected:
            # a 建議解除 with its reason answers too, as the report counts it (not 未回報)
            if not any(r.agency == agency for r in fresh):
                late[agency].append(item)
    return dict(late)


@router.command("未回報", "missing", roles=MEMBERS, summary="還沒回報的機關與案號")
async def missing(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    late = unanswered(ctx, visible_items(ctx))
    if not ctx.actor.is_secretariat:
        # only this agency's own status (and its sub-units'), never another agency's on a shared item
        own = agency_scope(ctx.directory, ctx.actor.agency or "")
        late = {a: i for a, i in late.items() if a in own}
    total = len({i.id for items in late.values() for i in items})
    if not total:
        return [Outgoing(f"截至 {roc_short(ctx.today())}，列管案都已回報。")]
    parts = [f"{agency} " + "、".join(f"#{i.label}" for i in items) for agency, items in late.items()]
    return [Outgoing(f"截至 {roc_short(ctx.today())}，仍未回報 {total} 案：" + "；".join(parts) + "。")]

