"""The item page's forms: the same Store operations as 修改, 指派, 期限, 擬解除/擬繼續,
解除列管/繼續列管 and 辦理情形 in the chat, with the same audit actions (the actor is web:<who signed in>)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from aiohttp import web

from bot.dates import DateError, roc_short
from bot.router import MAX_TEXT, UserError
from bot.web.desk import Desk, page
from handlers.items import parse_due, resolve_agencies
from handlers.replies import check_length
from storage.base import StoreError
from storage.models import ASSIST, CONTINUED, LEAD, RELEASED
from storage.views import ItemView

log = logging.getLogger(__name__)
Show = Callable[..., Awaitable[web.Response]]
WEB_CHAT = "web"


def due_value(item: ItemView) -> str:
    if item.due_date is not None:
        return roc_short(item.due_date)
    return "下次會議" if item.due_next_meeting else "無"


def _edit(desk: Desk, item: ItemView, form: dict[str, str]) -> dict[str, Any]:
    text, subject = form.get("text", "").strip(), form.get("subject", "").strip()
    if not text:
        raise UserError("內容不能空白。")
    if len(text) > MAX_TEXT or len(subject) > MAX_TEXT:
        raise UserError(f"內容太長（{len(text):,} 字），請在 {MAX_TEXT:,} 字以內。")
    changes = {k: v for k, v in (("text", text), ("subject", subject)) if v != getattr(item, k)}
    if not changes:
        raise UserError("內容沒有變更。")
    return {"action": "item.edit", **changes}


def _assign(desk: Desk, item: ItemView, form: dict[str, str]) -> dict[str, Any]:
    ctx = desk.context()
    body = ctx.store.body(body_id=item.body_id)
    government = body.government if body else None
    leads = resolve_agencies(ctx, form.get("leads", ""), government)
    if not leads:
        raise UserError("請寫出主辦機關（多個機關以頓號分隔）。")
    assists = [a for a in resolve_agencies(ctx, form.get("assists", ""), government) if a not in leads]
    return {"action": "item.assign", "agencies": [(a, LEAD) for a in leads] + [(a, ASSIST) for a in assists]}


def _due(desk: Desk, item: ItemView, form: dict[str, str]) -> dict[str, Any]:
    next_meeting, day = parse_due(desk.context(), form.get("due", ""))
    assert day is None or isinstance(day, date)
    return {"action": "item.due", "due_next_meeting": next_meeting, "due_date": day}


def _propose(desk: Desk, item: ItemView, form: dict[str, str]) -> dict[str, Any]:
    kind = form.get("proposal", "")
    if kind not in ("release", "keep"):
        raise UserError("請選擇「擬解除列管」或「擬繼續列管」。")
    return {"action": "item.propose", "proposal": kind, "proposal_reason": form.get("reason", "").strip() or None}


def _decide(desk: Desk, item: ItemView, form: dict[str, str]) -> dict[str, Any]:
    status = form.get("status", "")
    if status not in (RELEASED, CONTINUED):
        raise UserError("請選擇「解除列管」或「繼續列管」。")
    return {"action": "item.decide", "status": status, "proposal": None, "review": status, "warning": None}


ACTIONS: dict[str, Callable[[Desk, ItemView, dict[str, str]], dict[str, Any]]] = {
    "edit": _edit, "assign": _assign, "due": _due, "propose": _propose, "decide": _decide}


def report_meeting(desk: Desk, item: ItemView) -> int | None:
    """The meeting whose report the 辦理情形 is for: the next one (as 辦理情形 in the chat)."""
    body = desk.bot.store.body(body_id=item.body_id)
    return (body.last_meeting_number or 0) + 1 if body and body.last_meeting_number else None


def set_progress(desk: Desk, item: ItemView, form: dict[str, str]) -> None:
    """設定辦理情形: the text the report prints for one agency (秘書處修改), or back to its replies."""
    from bot.scope import who_answers

    agency = form.get("agency", "")
    bound = {a for _, a in desk.bot.store.bindings()}
    if agency not in [*who_answers(desk.context().directory, item, bound), *(n for n, _ in item.agencies)]:
        raise UserError(f"「{agency}」不是 #{item.label} 的機關。")
    text: str | None = None if form.get("restore") else form.get("text", "").strip()
    if text is not None:
        if not text:
            raise UserError("辦理情形不能空白；要回到機關自己的回報，請按「還原」。")
        check_length(text)
    desk.bot.store.set_progress_text(item_id=item.id, agency=agency, meeting=report_meeting(desk, item),
                                     text=text, author=desk.user.actor, chat=WEB_CHAT,
                                     author_name=desk.user.name)


def install(app: web.Application, show: Show) -> None:
    from bot.web.items import find

    @page
    async def act(request: web.Request, desk: Desk) -> web.StreamResponse:
        name = request.match_info["action"]
        item = find(desk, request.match_info["case"])
        if item is None or (name not in ACTIONS and name != "progress"):
            return await show(request, desk, status=404)
        try:
            if name == "progress":
                set_progress(desk, item, desk.form)
            else:
                changes = ACTIONS[name](desk, item, desk.form)
                desk.bot.store.change_item(item_id=item.id, actor=desk.user.actor, chat=WEB_CHAT, **changes)
        except (UserError, StoreError, DateError) as refusal:
            log.info("web desk refused %s on #%s: %s", name, item.label, refusal)
            return await show(request, desk, error=str(refusal), status=400)
        raise web.HTTPSeeOther(desk.link(f"/items/{item.label}", ok=name))

    app.router.add_post("/items/{case}/{action}", act)
