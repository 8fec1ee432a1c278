"""機關與群組 (/agencies): which chat hears for which agency, who nobody reminds, bind codes."""

from __future__ import annotations

import logging
from collections import Counter

from aiohttp import web

from bot.router import UserError
from bot.web.desk import Desk, page, render
from bot.web.overview import unbound_agencies
from handlers.binding import bind_target
from storage.models import SECRETARIAT
from storage.people import display_code

log = logging.getLogger(__name__)


async def show(request: web.Request, desk: Desk, *, notice: str | None = None, error: str | None = None,
               status: int = 200) -> web.Response:
    ctx = desk.context()
    bindings = ctx.store.bindings()
    bound = {agency for _, agency in bindings if agency != SECRETARIAT}
    items = ctx.store.items(status="open")
    counts = Counter(name for item in items for name, _ in item.agencies)
    codes = [(display_code(code), agency, expires) for code, agency, expires in ctx.store.open_bind_codes()]
    return render(request, "agencies.html", desk=desk, status=status, title="機關與群組", bindings=bindings,
                  counts=counts, unbound=unbound_agencies(ctx, items, bound), codes=codes, notice=notice,
                  error=error)


@page
async def agencies_page(request: web.Request, desk: Desk) -> web.StreamResponse:
    return await show(request, desk)


@page
async def make_code(request: web.Request, desk: Desk) -> web.StreamResponse:
    try:
        name = desk.form.get("agency", "").strip()
        if not name:
            raise UserError("請寫出要綁定的機關，例如「教育部」（或「秘書處」）。")
        agency = bind_target(desk.context(), name)
    except UserError as refusal:
        return await show(request, desk, error=str(refusal), status=400)
    code = desk.bot.store.create_bind_code(agency=agency, actor=desk.user.actor, chat="web")
    return await show(request, desk, notice=f"{agency}的綁定碼：{code}（24 小時內有效、限用一次）。"
                      f"請{agency}聯絡人在其 LINE 群組輸入「綁定 {code}」（Telegram 群組輸入「/bind {code}」）。")


@page
async def revoke_code(request: web.Request, desk: Desk) -> web.StreamResponse:
    code = "".join(ch for ch in desk.form.get("code", "").upper() if ch.isalnum())
    agency = desk.bot.store.revoke_bind_code(code=code, actor=desk.user.actor)
    if agency is None:
        return await show(request, desk, error="這個綁定碼已使用、已過期或不存在。", status=400)
    return await show(request, desk, notice=f"已作廢{agency}的綁定碼 {display_code(code)}。")


@page
async def unbind(request: web.Request, desk: Desk) -> web.StreamResponse:
    chat = desk.form.get("chat", "")
    agency = desk.bot.store.unbind(chat=chat, actor=desk.user.actor, by_chat="web")
    if agency is None:
        return await show(request, desk, error=f"「{chat}」沒有綁定。", status=400)
    return await show(request, desk, notice=f"已解除綁定：{chat}（{agency}）。")


def install(app: web.Application) -> None:
    app.router.add_get("/agencies", agencies_page)
    app.router.add_post("/agencies/bindcode", make_code)
    app.router.add_post("/agencies/revoke", revoke_code)
    app.router.add_post("/agencies/unbind", unbind)
