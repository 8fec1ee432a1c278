"""匯入 (/import): upload or paste minutes, review them beside the text, 確認匯入 saves what is ticked.

The file is read in memory and only its text is kept (as the chat's pending import, keyed by the
person signed in): nothing is ever written under the name the browser sent.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from bot.context import Context
from bot.minutes import MinutesReadError
from bot.minutes.reader import read_document
from bot.router import UserError
from bot.web.desk import Desk, page, render
from bot.web.import_review import apply_form, due_text, people, segments
from config.directory import AgencyDirectory
from handlers.import_review import ImportReview, ReviewError, confidence_text
from handlers.import_text import saved_text, unanswered_text
from handlers.imports import body_name, digest, extraction_of, government_of, review_of, save

log = logging.getLogger(__name__)
MAX_UPLOAD = 20 * 1024 * 1024
ALLOWED = (".txt", ".docx", ".odt", ".pdf")


def _key(desk: Desk) -> str:
    return f"web:{desk.user.user}"


def _pending(desk: Desk) -> tuple[str, str | None, ImportReview] | None:
    """(minutes text, body, review) waiting for this person, or None."""
    ctx = desk.context()
    found = ctx.store.pending_import(chat=_key(desk))
    if found is None:
        return None
    if found.review is None:
        extraction = extraction_of(found.source_text, ctx.directory, found.body)
        return found.source_text, found.body, review_of(ctx, extraction, body_name(extraction, found.body))
    cases = [str(r["case"]) for r in found.review["extraction"]["reviews"]]
    known = ctx.store.known_cases(body=found.body or "", cases=cases)
    return found.source_text, found.body, ImportReview.from_state(found.review, known)


@page
async def import_page(request: web.Request, desk: Desk) -> web.StreamResponse:
    if _pending(desk) is not None:
        raise web.HTTPSeeOther("/import/review")
    return render(request, "import.html", desk=desk, title="匯入")


def _minutes_of(desk: Desk) -> tuple[str, list[str]]:
    """The minutes' text from the uploaded file or the pasted text, and what the reader noticed."""
    upload = desk.posted.get("file") if desk.posted is not None else None
    if isinstance(upload, FileField) and upload.filename:
        content = upload.file.read(MAX_UPLOAD + 1)
        if len(content) > MAX_UPLOAD:
            raise UserError("上傳的檔案請在 20 MB 以內。")
        try:
            document = read_document(upload.filename, content)
        except MinutesReadError as exc:
            raise UserError(f"{exc}這個檔案沒有匯入，也沒有存任何東西。") from exc
        return document.text, document.warnings
    text = desk.form.get("text", "")
    if not text.strip():
        raise UserError("請選擇會議紀錄檔案（.docx、.odt、.pdf、.txt），或貼上全文。")
    return text, []


@page
async def upload(request: web.Request, desk: Desk) -> web.StreamResponse:
    ctx = desk.context()
    try:
        # reading a PDF and extracting its decisions takes a while: not on the webhooks' loop
        text, notes = await asyncio.to_thread(_minutes_of, desk)
        body_override = desk.form.get("body_name", "").strip() or None
        extraction = await asyncio.to_thread(extraction_of, text, ctx.directory, body_override)
        extraction["warnings"] = [*notes, *extraction["warnings"]]
        body = body_name(extraction, body_override)
    except UserError as refusal:
        return render(request, "import.html", desk=desk, title="匯入", error=str(refusal), status=400)
    if ctx.store.minutes_imported(body=body, digest=digest(text), number=extraction["meeting"].get("number")):
        return render(request, "import.html", desk=desk, title="匯入", status=409,
                      error=f"這份會議紀錄已經匯入過了（{body}），沒有重複存檔。")
    review = review_of(ctx, extraction, body)
    ctx.store.set_pending_import(chat=_key(desk), author=desk.user.actor, source_text=text, body=body,
                                 review=review.state())
    log.info("web import read for %s: %s", desk.user.user, body)
    raise web.HTTPSeeOther("/import/review")


def _review_page(request: web.Request, desk: Desk, pending: tuple[str, str | None, ImportReview], *,
                 error: str | None = None, status: int = 200) -> web.Response:
    text, body, review = pending
    entries = review.entries
    return render(request, "import_review.html", desk=desk, title="匯入：檢查", status=status, error=error,
                  review=review, body=body_name(review.extraction, body), entries=list(enumerate(entries, 1)),
                  segments=segments(text, entries), people=people, due_text=due_text,
                  confidence_text=confidence_text, conflicts=review.conflicts(),
                  waiting=unanswered_text(review), directory=[a.name for a in desk.context().directory.all()],
                  unknown=unknown_agencies(desk.context().directory, entries))


@page
async def review_page(request: web.Request, desk: Desk) -> web.StreamResponse:
    pending = _pending(desk)
    if pending is None:
        raise web.HTTPSeeOther("/import")
    return _review_page(request, desk, pending)


@page
async def confirm(request: web.Request, desk: Desk) -> web.StreamResponse:
    pending = _pending(desk)
    if pending is None:
        return render(request, "import.html", desk=desk, title="匯入", status=409,
                      error="目前沒有等待確認的會議紀錄（可能已存檔或已取消）。請重新上傳。")
    text, body, review = pending
    ctx = desk.context()
    ticked = desk.posted.getall("tick", []) if desk.posted is not None else []
    try:
        apply_form(ctx, review, desk.form, [str(t) for t in ticked],
                   government_of(ctx.directory, body_name(review.extraction, body)))
    except (UserError, ReviewError, ValueError) as refusal:
        return _review_page(request, desk, pending, error=str(refusal), status=400)
    ctx.store.set_pending_import(chat=_key(desk), author=desk.user.actor, source_text=text, body=body,
                                 review=review.state())
    waiting = unanswered_text(review)
    if waiting:
        return _review_page(request, desk, (text, body, review), error="還不能存檔。" + waiting, status=400)
    add_agencies(desk, ctx, [str(n) for n in desk.posted.getall("add-agency", [])] if desk.posted else [])
    result = await asyncio.to_thread(save, ctx, text, body, actor=desk.user.actor, chat="web", review=review)
    ctx.store.drop_pending_import(chat=_key(desk))
    log.info("web import saved by %s: %s", desk.user.user, result.created)
    found = ctx.store.find_body(name=result.body)
    if found is None or result.meeting_number is None:
        return render(request, "message.html", desk=desk, title="已匯入", message=saved_text(result, ctx.store),
                      link=("/", "到總覽看燈號"))
    # 總覽, with the cases this meeting created or renewed marked
    raise web.HTTPSeeOther(f"/?body={found.id}&imported={result.meeting_number}")


def unknown_agencies(directory: AgencyDirectory, entries: list[dict[str, Any]]) -> set[str]:
    """Names the extractor kept as written because the directory does not know them."""
    return {name for entry in entries for name in entry.get("agencies", []) if directory.get(name) is None}


def add_agencies(desk: Desk, ctx: Context, names: list[str]) -> None:
    """Agencies the secretariat chose to add to the directory while reviewing (機關 新增 in the chat)."""
    added = False
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        if ctx.directory.get(name) is None:
            kind = "local" if name.endswith("政府") else "unit"
            ctx.store.save_agency(name=name, actor=desk.user.actor, chat="web", kind=kind)
            added = True
    if added:
        ctx.refresh_directory()
        desk.bot.directory = ctx.directory


@page
async def cancel(request: web.Request, desk: Desk) -> web.StreamResponse:
    desk.bot.store.drop_pending_import(chat=_key(desk))
    return render(request, "import.html", desk=desk, title="匯入", notice="已取消，這份會議紀錄沒有存檔。")


def install(app: web.Application) -> None:
    app.router.add_get("/import", import_page)
    app.router.add_post("/import", upload)
    app.router.add_get("/import/review", review_page)
    app.router.add_post("/import/confirm", confirm)
    app.router.add_post("/import/cancel", cancel)


__all__ = ["ALLOWED", "install"]
