"""總覽 (/): the chosen body's counts and its matrix of 燈號."""

from __future__ import annotations

import asyncio

from aiohttp import web
from markupsafe import Markup, escape

from bot.web.desk import Desk, page, render
from bot.web.lights import MEANING, SOON_OFFICE_DAYS, ZH
from bot.web.overview import Overview, overview


def matrix_rows(o: Overview) -> list[Markup]:
    """The matrix body, built here rather than in the template: 40 agencies × 500 items is 20,000
    cells, and a Jinja loop over them costs more than all the queries of the page."""
    labels = [(item.id, str(escape(item.label))) for item in o.columns]
    out = []
    for row in o.rows:
        agency = str(escape(row.agency))
        members = f'<span class="small">（{len(row.members)} 機關）</span>' if row.members else ""
        parts = [f'<tr id="m-{agency}"><th>{agency}{members}</th>']
        for item_id, label in labels:
            cell = row.cells.get(item_id)
            if cell is None:
                parts.append("<td>")
                continue
            parts.append(f'<td class="l-{cell.color}"><a href="/items/{label}#r-{agency}" title="{escape(cell.title)}">'
                         f"{escape(cell.fraction) or ZH[cell.color]}</a></td>")
        parts.append(f'<td class="sum">{row.replied} / {row.expected}</td></tr>')
        out.append(Markup("".join(parts)))
    return out


def phone_rows(o: Overview) -> list[Markup]:
    """The same cells as a list per agency, for a phone (only the cells there are)."""
    labels = {item.id: str(escape(item.label)) for item in o.columns}
    out = []
    for row in o.rows:
        agency = str(escape(row.agency))
        reds = f"，紅 {row.reds}" if row.reds else ""
        chips = " ".join(f'<a class="chip l-{cell.color}" href="/items/{labels[item_id]}#r-{agency}">'
                         f"#{labels[item_id]} {escape(cell.fraction) or ZH[cell.color]}</a>"
                         for item_id, cell in row.cells.items() if item_id in labels)
        out.append(Markup(f'<details><summary>{agency} <span class="small">{row.replied} / {row.expected}{reds}'
                          f"</span></summary>\n<p>{chips}</p>\n</details>"))
    return out


@page
async def home(request: web.Request, desk: Desk) -> web.StreamResponse:
    if desk.body is None:
        return render(request, "empty.html", desk=desk, title="總覽")
    show_released = request.query.get("released") == "1"
    # in a worker thread: a large body's page must not hold up the webhooks on the same loop
    data = await asyncio.to_thread(overview, desk.context(), desk.body, show_released=show_released)
    legend = [(color, ZH[color], meaning) for color, meaning in MEANING.items()]
    imported = request.query.get("imported", "")
    fresh = {i.id for i in data.columns if imported.isdigit() and i.meeting_number == int(imported)}
    notice = (f"已匯入第{imported}次會議紀錄：標示的 {len(fresh)} 案是這次會議新列管或續辦的案件。"
              if imported.isdigit() else None)
    return render(request, "overview.html", desk=desk, title="總覽", o=data, legend=legend, matrix=matrix_rows(data), phone=phone_rows(data), fresh=fresh, notice=notice,
                  soon=SOON_OFFICE_DAYS, show_released=show_released)


def install(app: web.Application) -> None:
    app.router.add_get("/", home)
