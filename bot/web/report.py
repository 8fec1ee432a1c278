"""報告 (/report): the 「前次會議決議辦理情形」 previewed with the cells every format prints, and its downloads."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

from aiohttp import web

from bot.reports import FORMATS, MIME, ReportData, ReportError, default_filename, render
from bot.reports.cells import HEADERS, WIDTHS_MM, row_cells, subtitle
from bot.router import UserError
from bot.web.desk import Desk, page
from bot.web.desk import render as render_page
from handlers.reports import build_report, summary_text

log = logging.getLogger(__name__)


def _meeting(request: web.Request) -> str:
    raw = request.query.get("meeting", "next").strip()
    return raw if raw == "next" or raw.isdigit() else "next"


def _data(desk: Desk, meeting: str) -> ReportData:
    assert desk.body is not None
    return build_report(desk.context(), desk.body, meeting)


@page
async def preview(request: web.Request, desk: Desk) -> web.StreamResponse:
    if desk.body is None:
        return render_page(request, "empty.html", desk=desk, title="報告")
    meeting = _meeting(request)
    past = [n for n, _ in desk.bot.store.meeting_numbers(body_id=desk.body.id) if n]
    try:
        data = await asyncio.to_thread(_data, desk, meeting)
    except UserError as refusal:
        return render_page(request, "report.html", desk=desk, title="報告", data=None, error=str(refusal),
                           past=past, meeting=meeting, formats=FORMATS)
    widths = [f"{w * 100 / sum(WIDTHS_MM):.1f}%" for w in WIDTHS_MM]  # the documents' proportions
    return render_page(request, "report.html", desk=desk, title="報告", data=data, headers=HEADERS, widths=widths,
                       rows=[row_cells(r) for r in data.rows], subtitle=subtitle(data), summary=summary_text(data),
                       past=past, meeting=meeting, formats=FORMATS)


@page
async def download(request: web.Request, desk: Desk) -> web.StreamResponse:
    fmt = request.query.get("format", "")
    if fmt not in FORMATS or desk.body is None:
        return render_page(request, "message.html", desk=desk, status=400, title="無法下載",
                           message=f"不支援的報告格式「{fmt}」。可用的格式：{'、'.join(FORMATS)}。")
    try:
        # rendering (a PDF through LibreOffice) takes seconds: not on the loop the webhooks share
        data = await asyncio.to_thread(_data, desk, _meeting(request))
        content = await asyncio.to_thread(render, data, fmt)
    except (UserError, ReportError) as refusal:
        return render_page(request, "message.html", desk=desk, status=400, title="無法產生報告", message=str(refusal))
    name = default_filename(data, fmt)
    log.info("web desk report %s by %s", name, desk.user.user)
    return web.Response(body=content, headers={
        "Content-Type": MIME.get(fmt, "application/octet-stream"),
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store"})


@page
async def evidence(request: web.Request, desk: Desk) -> web.StreamResponse:
    """The meeting's 佐證 as a zip, built on disk (a meeting's files are never in memory at once)."""
    from handlers.evidence import build_zip

    if desk.body is None:
        return render_page(request, "empty.html", desk=desk, title="報告")
    try:
        built = await asyncio.to_thread(build_zip, desk.context(), desk.body, _meeting(request))
    except UserError as refusal:
        built = str(refusal)
    if isinstance(built, str):
        return render_page(request, "message.html", desk=desk, status=404, title="沒有佐證", message=built)
    path, _, _, _ = built
    return web.FileResponse(path, headers={
        "Content-Type": "application/zip", "Cache-Control": "no-store",
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(path.name)}"})


def install(app: web.Application) -> None:
    app.router.add_get("/report", preview)
    app.router.add_get("/report/download", download)
    app.router.add_get("/report/evidence", evidence)
