"""The web desk mounted on the bot's aiohttp application: same process, same port as the webhooks."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.core import Bot
from bot.dates import roc, roc_datetime, roc_short, roc_weekday
from bot.web import agencies, imports, items, overview_page, reminders, report, signin, stats
from bot.web.desk import BOT, JINJA, SECRET
from bot.web.lights import ZH

HERE = Path(__file__).parent


def environment(tz: ZoneInfo) -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)

    def local(at: datetime) -> datetime:
        return at.astimezone(tz)

    env.filters.update(
        roc=lambda d: roc(d) if isinstance(d, date) else "",
        roc_short=lambda d: roc_short(d) if isinstance(d, date) else "",
        roc_weekday=lambda d: roc_weekday(d) if isinstance(d, date) else "",
        roc_iso=lambda text: roc(date.fromisoformat(text)) if text else "",
        roc_time=lambda at: roc_datetime(local(at)) if isinstance(at, datetime) else "",
    )
    env.globals["zh"] = ZH
    return env


def install(app: web.Application, bot: Bot, *, secret: str) -> None:
    """Every page, the sign-in routes and the static files."""
    app[BOT] = bot
    app[JINJA] = environment(ZoneInfo(bot.settings.timezone))
    app[SECRET] = secret.encode("utf-8")
    signin.install(app)
    overview_page.install(app)
    items.install(app)
    report.install(app)
    agencies.install(app)
    imports.install(app)
    reminders.install(app)
    stats.install(app)
    app.router.add_static("/static/", HERE / "static", append_version=True)
