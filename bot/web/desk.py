"""What every page of the web desk shares: the session check, the CSRF token, the layout's data.

A page is `async def page(request, desk) -> web.StreamResponse`, wrapped by `@page`: without a
session a GET goes to the sign-in explanation and a POST is refused; a POST without the session's
CSRF token is refused before the page runs.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from jinja2 import Environment

from bot.context import Actor, Context
from bot.core import Bot
from bot.web.links import COOKIE, desk_url
from storage.models import SECRETARIAT
from storage.views import BodyView
from storage.web import SESSION_TTL, WebUser

log = logging.getLogger(__name__)
BOT: web.AppKey[Bot] = web.AppKey("desk_bot", Bot)
JINJA: web.AppKey[Environment] = web.AppKey("desk_jinja", Environment)
SECRET: web.AppKey[bytes] = web.AppKey("desk_secret", bytes)
NAV = (("/", "總覽"), ("/items", "案件"), ("/import", "匯入"), ("/report", "報告"),
       ("/agencies", "機關與群組"), ("/reminders", "提醒"), ("/stats", "統計"))
SIGN_IN_HINT = "/signin"


@dataclass
class Desk:
    """One signed-in request: who, their CSRF token, the body they look at, and the bot's context."""

    request: web.Request
    user: WebUser
    csrf: str
    bodies: list[BodyView]
    body: BodyView | None
    form: dict[str, str]
    posted: Any = None  # the whole POST (files included), for the upload form

    @property
    def bot(self) -> Bot:
        return self.request.app[BOT]

    def context(self) -> Context:
        return self.bot.context(actor=Actor("secretariat"))

    def link(self, path: str, **params: Any) -> str:
        """A link that keeps the chosen body."""
        from urllib.parse import urlencode

        query = {"body": self.body.id} if self.body is not None and len(self.bodies) > 1 else {}
        query.update({k: v for k, v in params.items() if v not in (None, "")})
        return f"{path}?{urlencode(query)}" if query else path


Page = Callable[[web.Request, Desk], Awaitable[web.StreamResponse]]


def csrf_for(secret: bytes, user: WebUser) -> str:
    return hmac.new(secret, f"csrf:{user.session}".encode(), hashlib.sha256).hexdigest()


def session_user(request: web.Request) -> WebUser | None:
    """Who is signed in, while they still are the secretariat: a person signed in from a chat loses
    the desk when that chat is unbound from 秘書處 (unless they are an admin, `lieguan admin add`)."""
    token = request.cookies.get(COOKIE)
    store = request.app[BOT].store
    user = store.web_session(token=token) if token else None
    if user is None or user.chat is None:
        return user  # signed in on the host (lieguan web-login)
    admin, bound = store.standing(user=user.user, chat=user.chat)
    return user if admin or bound == SECRETARIAT else None


def chosen_body(request: web.Request, bodies: list[BodyView]) -> BodyView | None:
    wanted = request.query.get("body", "")
    return next((b for b in bodies if str(b.id) == wanted), bodies[0] if bodies else None)


def page(handler: Page) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def guarded(request: web.Request) -> web.StreamResponse:
        user = session_user(request)
        if user is None:
            if request.method != "GET":
                return refusal(request, 403, "尚未登入", "請從秘書處群組輸入「網頁」取得登入連結後再操作。")
            raise web.HTTPSeeOther(SIGN_IN_HINT)
        secret = request.app[SECRET]
        form: dict[str, str] = {}
        posted: Any = None
        if request.method == "POST":
            try:
                posted = await request.post()
            except web.HTTPRequestEntityTooLarge:
                return refusal(request, 413, "檔案太大", "上傳的檔案請在 20 MB 以內。")
            form = {k: v for k, v in posted.items() if isinstance(v, str)}
            if not hmac.compare_digest(form.get("csrf", ""), csrf_for(secret, user)):
                log.info("refused a POST to %s without its CSRF token from %s", request.path, user.user)
                return refusal(request, 403, "表單已失效", "這個表單已失效（可能是登出又登入過）。請回上一頁重新整理後再送出。")
        bodies = request.app[BOT].store.bodies()
        desk = Desk(request=request, user=user, csrf=csrf_for(secret, user), bodies=bodies,
                    body=chosen_body(request, bodies), form=form, posted=posted)
        response = await handler(request, desk)
        set_cookie(response, request, request.cookies[COOKIE])
        return response

    return guarded


def set_cookie(response: web.StreamResponse, request: web.Request, token: str) -> None:
    settings = request.app[BOT].settings
    response.set_cookie(COOKIE, token, max_age=int(SESSION_TTL.total_seconds()), httponly=True,
                        samesite="Lax", secure=desk_url(settings).startswith("https://"), path="/")


def render(request: web.Request, template: str, *, status: int = 200, desk: Desk | None = None,
           **values: Any) -> web.Response:
    html = request.app[JINJA].get_template(template).render(desk=desk, nav=NAV, path=request.path, **values)
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data:; "
                                                   "frame-ancestors 'none'; form-action 'self'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"  # a sign-in link's path never leaves the site
    response.enable_compression()  # 總覽 of a large body is 250 KB of HTML, 15 KB gzipped
    return response


def refusal(request: web.Request, status: int, title: str, message: str) -> web.Response:
    return render(request, "message.html", status=status, title=title, message=message)
