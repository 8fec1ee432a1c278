"""The secretariat's reminder commands: 催辦 (a round now), 提醒 (the schedule), 停班, 通知."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot.calendar import OfficeCalendar
from bot.channels.line.cost import round_cost
from bot.context import Context
from bot.dates import halfwidth, parse_date, roc, roc_short, roc_weekday
from bot.format import cases
from bot.messages import Incoming, Outgoing
from bot.router import SECRETARIAT, Router, UserError
from bot.scope import agency_scope, chat_agency_for
from handlers.common import first_word, pick_body, resolve_agency
from handlers.deadlines import calendar, reply_deadline
from handlers.digest import DEFAULT_TIME, TIME_SETTING
from handlers.digest import FLAG as DIGEST_FLAG
from handlers.rounds import plan_round
from storage.models import SECRETARIAT as SECRETARIAT_NAME
from storage.views import BodyView

router = Router()
WEEKDAY = re.compile(r"(?:每)?(?:週|周|星期|禮拜)([一二三四五六日天])")
CLOCK = re.compile(r"(\d{1,2})\s*(?::|點|时|時)\s*(\d{1,2})?\s*分?")
ON, OFF = {"開", "開啟", "打開", "on", "ON"}, {"關", "關閉", "關掉", "off", "OFF"}
ASK_RELEASE_FLAG = "notify.ask_release"


def next_weekly(ctx: Context, body: BodyView, cal: OfficeCalendar) -> datetime:
    """The next weekly reminder: the coming reminder weekday, moved past days off."""
    now = ctx.now()
    hour, minute = (int(p) for p in body.reminder_time.split(":"))
    day = now.date() + timedelta(days=(body.reminder_weekday - now.weekday()) % 7)
    at = datetime.combine(cal.on_or_after(day), time(hour, minute), tzinfo=ctx.tz)
    if at <= now:
        at = datetime.combine(cal.on_or_after(day + timedelta(days=7)), time(hour, minute), tzinfo=ctx.tz)
    return at


def schedule_lines(ctx: Context, body: BodyView, cal: OfficeCalendar) -> list[str]:
    weekday = "一二三四五六日"[body.reminder_weekday]
    countdown = "、".join(str(n) for n in ctx.settings.countdown_office_days)
    own = "、".join(str(n) for n in ctx.settings.own_date_office_days)
    deadline = reply_deadline(ctx, body, cal)
    due = f"（{roc(deadline)}）" if deadline and body.next_meeting and body.next_meeting >= ctx.today() else ""
    upcoming = next_weekly(ctx, body, cal)
    return [f"{body.name}：每週{weekday} {body.reminder_time} 提醒各機關（遇放假日順延至下一個辦公日）。",
            f"回報截止：下次會議前 {body.deadline_office_days} 個辦公日{due}；截止前 {countdown} 個辦公日再提醒，"
            "截止後列出逾期未回報的機關。",
            f"有自訂期限的案件，於期限前 {own} 個辦公日提醒。",
            f"下一次每週提醒：{roc_weekday(upcoming.date())}{upcoming:%H:%M}。"]


def parse_schedule(text: str) -> tuple[int | None, str | None]:
    """'每週一 09:30', '週三 14:00', '10點', '星期五' → (weekday or None, 'HH:MM' or None)."""
    text = halfwidth(text).strip()
    weekday = None
    if m := WEEKDAY.search(text):
        weekday = "一二三四五六日天".index(m.group(1)) % 7 if m.group(1) != "天" else 6
        text = (text[:m.start()] + text[m.end():]).strip()
    at = None
    if text:
        m = CLOCK.fullmatch(text)
        if m is None or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
            raise UserError(f"看不懂「{text}」這個時間。請寫例如「提醒 每週一 09:30」或「提醒 14:00」。")
        at = f"{int(m.group(1)):02d}:{int(m.group(2) or 0):02d}"
    return weekday, at


@router.command("提醒", "schedule", roles=SECRETARIAT,
                summary="提醒時間：「提醒」看排程；「提醒 每週一 09:30」改時間；「提醒 截止 5」改回報截止（會議前幾個辦公日）")
async def schedule(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    body, rest = pick_body(ctx, args)
    cal = calendar(ctx)
    rest = halfwidth(rest).strip()
    if not rest:
        return [Outgoing("\n".join(schedule_lines(ctx, body, cal)))]
    if m := re.fullmatch(r"(?:截止|deadline)\s*(?:會議前)?\s*(\d+)\s*(?:個辦公日)?", rest):
        days = int(m.group(1))
        if not 0 <= days <= 30:
            raise UserError("回報截止請設在會議前 0 到 30 個辦公日之間，例如「提醒 截止 5」。")
        body = ctx.store.update_body(body_id=body.id, actor=msg.user_key, chat=msg.chat.key,
                                     deadline_office_days=days)
    else:
        weekday, at = parse_schedule(rest)
        changes: dict[str, object] = {}
        if weekday is not None:
            changes["reminder_weekday"] = weekday
        if at is not None:
            changes["reminder_time"] = at
        if not changes:
            raise UserError("請寫出星期與時間，例如「提醒 每週一 09:30」。")
        body = ctx.store.update_body(body_id=body.id, actor=msg.user_key, chat=msg.chat.key, **changes)
    return [Outgoing("已更新。\n" + "\n".join(schedule_lines(ctx, body, cal)))]


@router.command("催辦", "remind", roles=SECRETARIAT,
                summary="立即提醒：「催辦」提醒所有機關；「催辦 衛生福利部」催該機關未回報的案件")
async def remind(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    stamp = msg.message_id or ctx.now().strftime("%Y%m%dT%H%M")
    name = args.strip()
    if not name:
        out = [m for b in ctx.store.bodies()
               for m in plan_round(ctx, b, round_id=f"now-{stamp}", manual=True).messages]
        reminders = [m for m in out if m.kind == "reminder"]
        if not reminders:
            return [Outgoing("目前沒有需要提醒的機關群組（沒有綁定的機關，或沒有列管中的案件）。"), *out]
        chats = len({m.chat for m in reminders})
        answers = [Outgoing(f"已送出提醒：{chats} 個機關群組，各列出其列管中的案件。")]
        cost = await round_cost(ctx.services, reminders)
        if cost.exceeds:  # LINE charges a push to a group once per member
            answers.append(Outgoing(cost.warning()))
        return [*answers, *out]
    agency = resolve_agency(ctx, name)
    bound = {a for _, a in ctx.store.bindings() if a != SECRETARIAT_NAME}
    hearer = chat_agency_for(ctx.directory, agency, bound)
    if hearer is None:
        raise UserError(f"{agency}尚未綁定群組，無法提醒。請先用「綁定碼 {agency}」產生綁定碼給該機關聯絡人。")
    scope = agency_scope(ctx.directory, agency)
    out = [m for b in ctx.store.bodies()
           for m in plan_round(ctx, b, round_id=f"urge-{stamp}", urge_agency=hearer, urge_scope=scope).messages]
    if not out:
        return [Outgoing(f"{agency}的列管案都已回報，不需要催辦。")]
    items = ctx.store.items(ids={i for m in out for i in m.item_ids})
    return [Outgoing(f"已提醒 {hearer} 聯絡群（{cases(items)}）。"), *out]


@router.command("停班", "dayoff", roles=SECRETARIAT,
                summary="停止上班日（如颱風）：停班 115/9/3 颱風；「停班 取消 115/9/3」；「停班」列出")
async def day_off(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    text = args.strip()
    if not text:
        days = [d for d in ctx.store.days_off() if d.source == "manual" and d.day >= ctx.today()]
        listed = "、".join(f"{roc_short(d.day)}" + (f"（{d.reason}）" if d.reason else "") for d in days)
        return [Outgoing((f"已設定的停班日：{listed}。" if days else "目前沒有另外設定的停班日。")
                         + "\n新增：「停班 115/9/3 颱風」；取消：「停班 取消 115/9/3」。")]
    cancel = text.startswith(("取消", "cancel"))
    if cancel:
        text = first_word(text)[1]
    when, reason = first_word(text)
    day = parse_date(when, today=ctx.today())
    before = {b.id: reply_deadline(ctx, b) for b in ctx.store.bodies()}
    if cancel:
        if ctx.store.remove_day(day=day, actor=msg.user_key, chat=msg.chat.key) is None:
            raise UserError(f"{roc_short(day)} 不是另外設定的停班日。輸入「停班」可以看到已設定的日子。")
        answer = f"已取消 {roc_weekday(day)}的停班，當天依行事曆辦公。"
    else:
        ctx.store.set_day(day=day, office=False, reason=reason.strip() or "停止上班", source="manual",
                          actor=msg.user_key, chat=msg.chat.key)
        moved = calendar(ctx).on_or_after(day)
        answer = (f"已設定 {roc_weekday(day)}停止上班（{reason.strip() or '停止上班'}）。"
                  f"當天的提醒順延至 {roc_weekday(moved)}。")
    return [Outgoing(answer + _moved_deadlines(ctx, before))]


def _moved_deadlines(ctx: Context, before: dict[int, date | None]) -> str:
    notes = []
    for body in ctx.store.bodies():
        now = reply_deadline(ctx, body)
        if now is not None and before.get(body.id) not in (None, now):
            notes.append(f"\n{body.name}的回報截止改為 {roc_weekday(now)}。")
    return "".join(notes)


@router.command("通知", "notify", roles=SECRETARIAT,
                summary="秘書處的通知：「通知 建議解除 開／關」、「通知 摘要 開／關」、「通知 摘要 17:30」")
async def notices(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    what, _, value = halfwidth(args).strip().partition(" ")
    value = value.strip()
    if what in ("建議解除", "ask_release") and value in ON | OFF:
        ctx.store.set_flag(key=ASK_RELEASE_FLAG, value=value in ON, actor=msg.user_key, chat=msg.chat.key)
    elif what in ("摘要", "digest") and value in ON | OFF:
        ctx.store.set_flag(key=DIGEST_FLAG, value=value in ON, actor=msg.user_key, chat=msg.chat.key)
    elif what in ("摘要", "digest") and value:
        _, at = parse_schedule(value)
        if at is None:
            raise UserError("請寫出時間，例如「通知 摘要 17:30」。")
        ctx.store.set_setting(key=TIME_SETTING, value=at, actor=msg.user_key, chat=msg.chat.key)
    elif what:
        raise UserError("請寫「通知 建議解除 開」、「通知 摘要 關」或「通知 摘要 17:30」。")
    ask = ctx.store.flag(key=ASK_RELEASE_FLAG, default=True)
    digest = ctx.store.flag(key=DIGEST_FLAG, default=True)
    at = ctx.store.setting(key=TIME_SETTING, default=DEFAULT_TIME)
    return [Outgoing(("已更新。\n" if what else "")
                     + f"建議解除通知：{'開' if ask else '關'}（機關建議解除列管時，立即通知秘書處）\n"
                     + f"每日回報摘要：{'開' if digest else '關'}（每個辦公日 {at}，列出當天收到的回報）\n"
                     + "調整：「通知 建議解除 關」、「通知 摘要 開」、「通知 摘要 18:00」。")]
