"""Signing in with a link from the chat or `lieguan web-login`, and signing out.

Opening the link shows a button; only pressing it uses the link up. Chat apps open links to draw
their previews (LINE and Telegram both do): a link used up by a GET would be spent before the
person ever saw it.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.web.desk import BOT, Desk, page, refusal, render, set_cookie
from bot.web.links import COOKIE
from storage.base import StoreError

log = logging.getLogger(__name__)
HOW_TO = "請從秘書處群組輸入「網頁」取得登入連結"


async def how_to_sign_in(request: web.Request) -> web.Response:
    return render(request, "signin.html", title="請先登入", hint=HOW_TO, status=200)


def _refused(request: web.Request, exc: StoreError) -> web.Response:
    log.info("refused a sign-in link: %s", exc)
    wrong = "不正確" in str(exc)
    return render(request, "signin.html", status=404 if wrong else 410, title="無法登入",
                  error=str(exc), hint=HOW_TO + "（連結 10 分鐘內有效、只能使用一次）。")


async def sign_in_page(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    try:
        request.app[BOT].store.check_web_login(token=token)
    except StoreError as exc:
        return _refused(request, exc)
    return render(request, "signin.html", title="登入列管網頁版", token=token)


async def sign_in(request: web.Request) -> web.StreamResponse:
    try:
        session, user = request.app[BOT].store.redeem_web_login(token=request.match_info["token"])
    except StoreError as exc:
        return _refused(request, exc)
    log.info("web desk sign-in by %s", user.user)
    response = web.HTTPSeeOther("/")
    set_cookie(response, request, session)
    raise response


@page
async def sign_out(request: web.Request, desk: Desk) -> web.StreamResponse:
    desk.bot.store.end_web_session(token=request.cookies[COOKIE])
    response = render(request, "signin.html", title="已登出", hint="已登出。下次請再從秘書處群組輸入「網頁」取得登入連結。")
    return response


def signed_out(response: web.StreamResponse) -> web.StreamResponse:
    response.del_cookie(COOKIE, path="/")
    return response


async def sign_out_route(request: web.Request) -> web.StreamResponse:
    response = await sign_out(request)
    if response.status == 200:
        return signed_out(response)
    return response


def install(app: web.Application) -> None:
    app.router.add_get("/signin", how_to_sign_in)
    app.router.add_get("/login/{token}", sign_in_page)
    app.router.add_post("/login/{token}", sign_in)
    app.router.add_post("/logout", sign_out_route)


__all__ = ["install", "refusal"]
