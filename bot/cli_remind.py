"""`lieguan remind`, `lieguan dayoff` and `lieguan calendar import`: the schedule from the command line.

`remind --now` writes the round to the outbox and returns: the running `lieguan serve` sends it
(on SQLite, where one process sends, this command never sends anything itself).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli import app, body_named, fail, ready_bot
from bot.dates import DateError, parse_date, roc, roc_short
from bot.messages import Outgoing

if TYPE_CHECKING:  # imported by the commands: the help loads neither the database layer nor the calendar
    from bot.core import Bot
    from handlers.rounds import Round

calendar_app = typer.Typer(help="政府行政機關辦公日曆。", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")
PLATFORM_NAMES = {"line": "LINE", "telegram": "Telegram"}


def enabled_platforms(bot: Bot) -> list[str]:
    return [p for p, on in (("line", bot.settings.line_enabled), ("telegram", bot.settings.telegram_enabled))
            if on]


def render(out: Outgoing) -> str:
    lines = [out.text]
    if out.buttons:
        lines.append(" ".join(f"[{b.label}]" for b in out.buttons))
    return "\n".join(lines)


def dry_run_text(bot: Bot, rounds: list[Round]) -> str:
    """Per chat, the whole round as it would go now; and who would hear nothing, and why."""
    platforms = enabled_platforms(bot)
    agencies = dict(bot.store.bindings())
    blocks = []
    for plan in rounds:
        for out in plan.messages:
            assert out.chat is not None
            who = agencies.get(out.chat.key, "")
            note = "" if out.chat.platform in platforms else \
                f"（{PLATFORM_NAMES.get(out.chat.platform, out.chat.platform)} 未設定，不會寄出）"
            blocks.append(f"── {out.chat.key}（{who}）{note}\n{render(out)}")
        for agency, items in sorted(plan.unbound.items()):
            blocks.append(f"── {agency}：尚未綁定群組，{len(items)} 案無人提醒（{plan.body.name}）")
    if not blocks:
        return "目前沒有需要提醒的機關群組（沒有綁定的機關，或沒有列管中的案件）。"
    return "\n\n".join(blocks)


@app.command()
def remind(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只顯示每個群組會收到的提醒，不寄出")] = False,
    now: Annotated[bool, typer.Option("--now", help="立即送出一輪提醒（交給執行中的 lieguan serve 寄出）")] = False,
    body: Annotated[str | None, typer.Option(help="只提醒這個會議（名稱或代號）")] = None,
) -> None:
    """提醒各機關：--dry-run 預覽、--now 立即送出。"""
    from bot.rounds import plan_now, send_now

    if dry_run and now:
        fail("--dry-run 與 --now 請擇一。")
    bot = ready_bot()
    chosen = body_named(bot, body)
    if not dry_run and not now:
        typer.echo(schedule_text(bot))
        return
    if dry_run:
        typer.echo(dry_run_text(bot, plan_now(bot, body=chosen)))
        return
    platforms = enabled_platforms(bot)
    if not platforms:
        fail("LINE 與 Telegram 都還沒設定，沒有可以寄送的群組。請先設定 LIEGUAN_LINE_CHANNEL_SECRET、"
             "LIEGUAN_LINE_CHANNEL_ACCESS_TOKEN 或 LIEGUAN_TELEGRAM_TOKEN。")
    rounds = send_now(bot, platforms, body=chosen)
    sent = [m for r in rounds for m in r.messages if m.chat is not None and m.chat.platform in platforms]
    if not sent:
        typer.echo("目前沒有需要提醒的機關群組（沒有綁定的機關，或沒有列管中的案件）。")
        return
    counts = "、".join(f"{PLATFORM_NAMES[p]} {sum(m.chat.platform == p for m in sent if m.chat)} 則"
                       for p in platforms)
    typer.echo(f"已交給寄送程序：{len(sent)} 則提醒（{counts}），由執行中的「lieguan serve」寄出"
               "（未執行時，下次啟動即寄出）。")


def schedule_text(bot: Bot) -> str:
    from handlers.deadlines import calendar
    from handlers.reminders import schedule_lines

    ctx = bot.context()
    cal = calendar(ctx)
    lines = [line for b in bot.store.bodies() for line in schedule_lines(ctx, b, cal)]
    leader = bot.store.note(key="scheduler")
    lines.append(f"排程由 {leader} 執行。" if leader else "排程尚未啟動（「lieguan serve」啟動後執行）。")
    lines.append("預覽這一輪提醒：lieguan remind --dry-run；立即送出：lieguan remind --now")
    return "\n".join(lines)


@app.command()
def dayoff(
    day: Annotated[str, typer.Argument(help="日期，例如 115/9/3")],
    reason: Annotated[str, typer.Option(help="理由，例如 颱風")] = "停止上班",
    cancel: Annotated[bool, typer.Option("--cancel", help="取消這個停班日")] = False,
) -> None:
    """設定停止上班日（如颱風），當天的提醒順延至下一個辦公日。"""
    from bot.calendar import weekday_zh

    bot = ready_bot()
    try:
        when = parse_date(day, today=bot.context().today())
    except DateError as exc:
        fail(str(exc))
    label = f"{roc(when)}（{weekday_zh(when)}）"
    if cancel:
        if bot.store.remove_day(day=when, actor="cli", chat=None) is None:
            fail(f"{roc_short(when)} 不是另外設定的停班日。")
        typer.echo(f"已取消 {label}的停班，當天依行事曆辦公。")
        return
    bot.store.set_day(day=when, office=False, reason=reason, source="manual", actor="cli", chat=None)
    typer.echo(f"已設定 {label}停止上班（{reason}），當天的提醒順延至下一個辦公日。")


@calendar_app.command("import")
def calendar_import(file: Annotated[Path, typer.Argument(help="人事行政總處「政府行政機關辦公日曆表」CSV")]) -> None:
    """匯入人事行政總處的辦公日曆表（data.gov.tw 資料集 14718）；手動設定的停班日保留。"""
    from bot.calendar import CalendarFileError, parse_dgpa_csv

    if not file.is_file():
        fail(f"找不到檔案：{file}")
    try:
        days = parse_dgpa_csv(file.read_bytes())
    except CalendarFileError as exc:
        fail(str(exc))
    bot = ready_bot()
    _, kept = bot.store.import_days(days=days, source="dgpa", actor="cli")
    off = sum(not d.office for d in days)
    make_up = sum(d.office and d.day.weekday() >= 5 for d in days)
    first, last = min(d.day for d in days), max(d.day for d in days)
    typer.echo(f"已匯入辦公日曆：{roc(first)}至{roc(last)}，共 {len(days)} 天（放假 {off} 天、補行上班 {make_up} 天）。"
               + (f"另保留手動設定的停班日 {kept} 天。" if kept else ""))
