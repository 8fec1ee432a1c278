"""總覽 (/): the chosen body's counts and its matrix of 燈號."""

from __future__ import annotations

from aiohttp import web

from bot.web.desk import Desk, page, render
from bot.web.lights import MEANING, SOON_OFFICE_DAYS, ZH
from bot.web.overview import overview


@page
async def home(request: web.Request, desk: Desk) -> web.StreamResponse:
    if desk.body is None:
        return render(request, "empty.html", desk=desk, title="總覽")
    show_released = request.query.get("released") == "1"
    data = overview(desk.context(), desk.body, show_released=show_released)
    legend = [(color, ZH[color], meaning) for color, meaning in MEANING.items()]
    return render(request, "overview.html", desk=desk, title="總覽", o=data, legend=legend,
                  soon=SOON_OFFICE_DAYS, show_released=show_released)


def install(app: web.Application) -> None:
    app.router.add_get("/", home)
