"""A fake LINE Messaging API for the real line-bot-sdk (v3) to talk to.

What it copies from LINE, because our code depends on it (LINE's reference, "Common
specifications", "Send reply message", "Send push message", "Retry failed API requests"):

- every call needs ``Authorization: Bearer <channel access token>``, else 401;
- reply tokens are single use and expire; a bad one is 400 ``Invalid reply token``;
- at most 5 message objects per request, text at most 5000 UTF-16 code units; a bad body is
  400 ``The request body has N error(s)`` with ``details`` naming the property;
- a push with an ``X-Line-Retry-Key`` already accepted in the last 24 hours is not delivered
  again: 409 ``The retry key is already accepted`` with the first request's ``sentMessages``
  and its id in ``x-line-accepted-request-id``;
- a push costs one message per recipient (a group's member count), replies are free; past
  the monthly limit a push is 429 ``You have reached your monthly limit.``;
- every answer carries ``x-line-request-id``.

Content downloads live on api-data.line.me in production; here they share the one server.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import CIMultiDictProxy

from tests.fakes import LocalServer

JSON = dict[str, Any]
Handler = Callable[[web.Request], Any]

RETRY_KEY_TTL = 24 * 3600
BOT_USER_ID = "U" + "0" * 32
_ID = re.compile(r"^[UCR][0-9a-f]{32}$")
# fmt: off
_MESSAGE_TYPES = ["text", "textV2", "image", "video", "audio", "location", "sticker", "imagemap",
                  "template", "flex"]
# fmt: on
# Only these can be quoted later, so only these get a quoteToken back (SentMessage docs).
_QUOTABLE = {"text", "textV2", "sticker", "image", "video"}
_TEMPLATE_TYPES = {"buttons", "confirm", "carousel", "image_carousel"}
_REQUEST_ID = web.RequestKey("request_id", str)
_AUTH_FAILED = "Authentication failed. Confirm that the access token in the authorization header is valid."


def sign(body: bytes, channel_secret: str) -> str:
    """The ``X-Line-Signature`` LINE puts on a webhook: base64(HMAC-SHA256(secret, body))."""
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def new_id(prefix: str = "U") -> str:
    """A well-formed LINE user (U), group (C) or room (R) id."""
    return prefix + secrets.token_hex(16)


@dataclass
class LineCall:
    method: str
    path: str
    headers: CIMultiDictProxy[str]  # case-insensitive, as HTTP headers are
    json: Any
    status: int = 0


@dataclass(frozen=True)
class LineMessage:
    """One message object LINE accepted for delivery."""

    kind: str  # "reply" or "push"
    to: str | None  # the chat; for a reply, the chat its token was issued for
    id: str
    quote_token: str | None
    body: JSON
    retry_key: str | None

    @property
    def text(self) -> str | None:
        """The text, or a flex or template message's altText."""
        return self.body.get("text") or self.body.get("altText")


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    endpoint: str | None
    delivered: bool


class _Reject(Exception):
    def __init__(self, status: int, body: JSON, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def _invalid(details: list[JSON]) -> _Reject:
    return _Reject(400, {"message": f"The request body has {len(details)} error(s)", "details": details})


def _detail(message: str, prop: str) -> JSON:
    return {"message": message, "property": prop}


def _utf16_len(text: str) -> int:
    # LINE counts characters in UTF-16 code units ("Character counting in a text").
    return len(text.encode("utf-16-le")) // 2


class FakeLineApi(LocalServer):
    def __init__(
        self,
        access_token: str = "test-channel-access-token",
        *,
        reply_token_ttl: float = 60.0,
        quota: int | None = None,
        rate_limit: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_records: int = 10_000,
    ) -> None:
        super().__init__()
        self.access_token = access_token
        self.reply_token_ttl = reply_token_ttl
        self.quota = quota  # monthly message limit; None means LINE's "none" (unlimited)
        self.usage = 0  # messages counted against the quota this month
        self.rate_limit = rate_limit  # requests/s per endpoint (LINE: 2,000); None = off
        self.clock = clock
        self.calls: deque[LineCall] = deque(maxlen=max_records)
        self.delivered: deque[LineMessage] = deque(maxlen=max_records)
        self.group_members: dict[str, int] = {}
        self.group_names: dict[str, str] = {}
        self.group_member_ids: dict[str, set[str]] = {}
        self.profiles: dict[str, JSON] = {}
        self._contents: dict[str, tuple[bytes, str]] = {}
        self.content_delay = 0.0  # seconds before content is served (a slow download)
        self._reply_tokens: dict[str, tuple[float, str | None]] = {}
        self._accepted: dict[str, tuple[float, str, list[JSON]]] = {}
        self._faults: deque[_Fault] = deque()
        self._hits: dict[str, deque[float]] = {}
        self._ids = itertools.count(500_000_000_000_000_001)
        self._max = max_records

    # ---- what tests set up -------------------------------------------------------------

    def issue_reply_token(self, to: str | None = None) -> str:
        """A fresh reply token, as a webhook event would carry; ``to`` is the chat it answers."""
        now = self.clock()
        self._reply_tokens = {
            t: v for t, v in self._reply_tokens.items() if now - v[0] <= self.reply_token_ttl
        }
        token = secrets.token_hex(16)
        self._reply_tokens[token] = (now, to)
        return token

    def add_content(
        self, message_id: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None:
        self._contents[message_id] = (data, content_type)

    def expire_content(self, message_id: str) -> None:
        """LINE no longer keeps this message's content: downloading it is 404."""
        self._contents.pop(message_id, None)

    def add_user(self, user_id: str, display_name: str, *, language: str = "zh-TW") -> None:
        self.profiles[user_id] = {"userId": user_id, "displayName": display_name, "language": language}

    def add_group(
        self, group_id: str, name: str, *, members: tuple[str, ...] = (), count: int | None = None
    ) -> None:
        """A group the bot is in; ``count`` (default: len(members)) is what pushes cost."""
        self.group_names[group_id] = name
        self.group_member_ids[group_id] = set(members)
        self.group_members[group_id] = len(members) if count is None else count

    def fail_next(
        self,
        status: int,
        n: int = 1,
        retry_after: int | None = None,
        *,
        endpoint: str | None = None,
        delivered: bool = False,
    ) -> None:
        """Answer the next ``n`` calls (to paths starting with ``endpoint``) with ``status``.

        ``delivered=True`` processes the call first: a push that went out although its
        answer was a 500, which is what retry keys exist for.
        """
        self._faults.extend(_Fault(status, retry_after, endpoint, delivered) for _ in range(n))

    def clear(self) -> None:
        self.calls.clear()
        self.delivered.clear()

    # ---- what tests read ---------------------------------------------------------------

    def pushed(self, to: str | None = None) -> list[LineMessage]:
        return [m for m in self.delivered if m.kind == "push" and (to is None or m.to == to)]

    def replied(self, to: str | None = None) -> list[LineMessage]:
        return [m for m in self.delivered if m.kind == "reply" and (to is None or m.to == to)]

    def texts(self, to: str | None = None) -> list[str]:
        return [m.text or "" for m in self.delivered if to is None or m.to == to]

    # ---- webhook bodies for tests that post to our app ---------------------------------

    def text_event(
        self, text: str, *, user_id: str, group_id: str | None = None, quoted_message_id: str | None = None
    ) -> JSON:
        message: JSON = {
            "type": "text",
            "id": self._new_message_id(),
            "quoteToken": secrets.token_urlsafe(24),
            "text": text,
        }
        if quoted_message_id:
            message["quotedMessageId"] = quoted_message_id
        return self._event(message, user_id, group_id)

    def file_event(self, file_name: str, data: bytes, *, user_id: str, group_id: str | None = None) -> JSON:
        """A file message whose content the fake then serves for download."""
        message_id = self._new_message_id()
        self.add_content(message_id, data)
        message = {"type": "file", "id": message_id, "fileName": file_name, "fileSize": len(data)}
        return self._event(message, user_id, group_id)

    def media_event(self, kind: str, data: bytes, *, user_id: str, group_id: str | None = None,
                    external: bool = False) -> JSON:
        """An image, video or audio message; ``external``: its content is served from its own URL."""
        message_id = self._new_message_id()
        self.add_content(message_id, data)
        provider: JSON = {"type": "line"}
        if external:
            provider = {"type": "external", "originalContentUrl": f"{self.url}/external/{message_id}",
                        "previewImageUrl": f"{self.url}/external/{message_id}"}
        message: JSON = {"type": kind, "id": message_id, "quoteToken": secrets.token_urlsafe(24),
                         "contentProvider": provider}
        if kind in ("video", "audio"):
            message["duration"] = 12000
        return self._event(message, user_id, group_id)

    @staticmethod
    def webhook_body(*events: JSON, destination: str = BOT_USER_ID) -> bytes:
        return json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False).encode()

    def _event(self, message: JSON, user_id: str, group_id: str | None) -> JSON:
        source = (
            {"type": "group", "groupId": group_id, "userId": user_id}
            if group_id
            else {"type": "user", "userId": user_id}
        )
        return {
            "type": "message",
            "message": message,
            "timestamp": int(time.time() * 1000),
            "source": source,
            "replyToken": self.issue_reply_token(group_id or user_id),
            "mode": "active",
            "webhookEventId": secrets.token_hex(13).upper(),
            "deliveryContext": {"isRedelivery": False},
        }

    # ---- the server --------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        get, post = web.get, web.post
        app.add_routes(
            [
                post("/v2/bot/message/reply", self._reply),
                post("/v2/bot/message/push", self._push),
                get("/v2/bot/message/quota", self._quota),
                get("/v2/bot/message/quota/consumption", self._consumption),
                get("/v2/bot/group/{group_id}/members/count", self._member_count),
                get("/v2/bot/group/{group_id}/summary", self._group_summary),
                get("/v2/bot/group/{group_id}/member/{user_id}", self._group_member),
                get("/v2/bot/profile/{user_id}", self._profile),
                get("/v2/bot/message/{message_id}/content", self._content),
                get("/external/{message_id}", self._content),
                post("/v2/bot/chat/loading/start", self._loading),
            ]
        )
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        call = LineCall(request.method, request.path, request.headers, body)
        self.calls.append(call)
        request_id = str(uuid.uuid4())
        request[_REQUEST_ID] = request_id
        try:
            external = request.path.startswith("/external/")  # someone else's host: no LINE token
            if not external and request.headers.get("Authorization") != f"Bearer {self.access_token}":
                raise _Reject(401, {"message": _AUTH_FAILED})
            fault = self._take_fault(request.path)
            if fault and not fault.delivered:
                raise self._fault_reject(fault)
            self._check_rate(request)
            response = await handler(request)
            if fault:
                raise self._fault_reject(fault)
        except _Reject as r:
            response = web.json_response(r.body, status=r.status, headers=r.headers)
        except web.HTTPNotFound:
            response = web.json_response({"message": "Not found"}, status=404)
        response.headers["x-line-request-id"] = request_id
        call.status = response.status
        return response

    def _take_fault(self, path: str) -> _Fault | None:
        for fault in self._faults:
            if fault.endpoint is None or path.startswith(fault.endpoint):
                self._faults.remove(fault)
                return fault
        return None

    @staticmethod
    def _fault_reject(fault: _Fault) -> _Reject:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        message = (
            "The API rate limit has been exceeded. Try again later."
            if fault.status == 429
            else "Internal server error"
        )
        return _Reject(fault.status, {"message": message}, headers)

    def _check_rate(self, request: web.Request) -> None:
        # LINE counts per endpoint and channel, whatever the ids in the URL.
        if self.rate_limit is None:
            return
        resource = request.match_info.route.resource
        key = request.method + " " + (resource.canonical if resource else request.path)
        hits = self._hits.get(key)
        if hits is None or hits.maxlen != self.rate_limit:
            hits = self._hits[key] = deque(maxlen=self.rate_limit)
        now = self.clock()
        if len(hits) == self.rate_limit and now - hits[0] < 1.0:
            raise _Reject(429, {"message": "The API rate limit has been exceeded. Try again later."})
        hits.append(now)

    async def _body(self, request: web.Request) -> JSON:
        try:
            body = await request.json()
        except ValueError:
            raise _Reject(400, {"message": "The request body could not be parsed as JSON"}) from None
        if not isinstance(body, dict):
            raise _Reject(400, {"message": "The request body could not be parsed as JSON"})
        return body

    async def _reply(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if "X-Line-Retry-Key" in request.headers:
            # LINE refuses retry keys on endpoints that do not support them (only pushes do).
            raise _Reject(400, {"message": "X-Line-Retry-Key is not supported for this API"})
        details = _message_errors(body.get("messages"))
        if not isinstance(body.get("replyToken"), str):
            details.insert(0, _detail("May not be empty", "replyToken"))
        if details:
            raise _invalid(details)
        issued = self._reply_tokens.pop(body["replyToken"], None)
        if issued is None or self.clock() - issued[0] > self.reply_token_ttl:
            raise _Reject(400, {"message": "Invalid reply token"})
        sent = self._deliver("reply", issued[1], body["messages"], None)
        return web.json_response({"sentMessages": sent})

    async def _push(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        key = request.headers.get("X-Line-Retry-Key")
        if key is not None:
            _check_retry_key(key)
            now = self.clock()
            self._accepted = {k: v for k, v in self._accepted.items() if now - v[0] < RETRY_KEY_TTL}
            if key in self._accepted:
                _, accepted_id, sent = self._accepted[key]
                raise _Reject(
                    409,
                    {"message": "The retry key is already accepted", "sentMessages": sent},
                    {"x-line-accepted-request-id": accepted_id},
                )
        to = str(body.get("to") or "")
        details = _message_errors(body.get("messages"))
        if not _ID.match(to):
            details.insert(0, _detail("Must be a valid user, group or room id", "to"))
        if details:
            raise _invalid(details)
        if to[0] in "CR" and to not in self.group_members:
            raise _Reject(400, {"message": "Failed to send messages"})
        cost = self.group_members[to] if to[0] in "CR" else 1
        if self.quota is not None and self.usage + cost > self.quota:
            raise _Reject(429, {"message": "You have reached your monthly limit."})
        self.usage += cost
        sent = self._deliver("push", to, body["messages"], key)
        if key is not None:
            self._accepted[key] = (self.clock(), request[_REQUEST_ID], sent)
            if len(self._accepted) > self._max:
                del self._accepted[next(iter(self._accepted))]
        return web.json_response({"sentMessages": sent})

    def _deliver(self, kind: str, to: str | None, messages: list[JSON], key: str | None) -> list[JSON]:
        sent = []
        for message in messages:
            quote = secrets.token_urlsafe(24) if message["type"] in _QUOTABLE else None
            delivered = LineMessage(kind, to, self._new_message_id(), quote, message, key)
            self.delivered.append(delivered)
            sent.append({"id": delivered.id} | ({"quoteToken": quote} if quote else {}))
        return sent

    def _new_message_id(self) -> str:
        return str(next(self._ids))

    async def _quota(self, request: web.Request) -> web.Response:
        if self.quota is None:
            return web.json_response({"type": "none"})
        return web.json_response({"type": "limited", "value": self.quota})

    async def _consumption(self, request: web.Request) -> web.Response:
        return web.json_response({"totalUsage": self.usage})

    def _group(self, request: web.Request) -> str:
        group_id = request.match_info["group_id"]
        if group_id not in self.group_members:
            raise _Reject(404, {"message": "Not found"})
        return group_id

    async def _member_count(self, request: web.Request) -> web.Response:
        return web.json_response({"count": self.group_members[self._group(request)]})

    async def _group_summary(self, request: web.Request) -> web.Response:
        group_id = self._group(request)
        return web.json_response({"groupId": group_id, "groupName": self.group_names.get(group_id, "")})

    async def _group_member(self, request: web.Request) -> web.Response:
        group_id, user_id = self._group(request), request.match_info["user_id"]
        if user_id not in self.group_member_ids.get(group_id, set()) or user_id not in self.profiles:
            raise _Reject(404, {"message": "Not found"})
        profile = self.profiles[user_id]
        return web.json_response({"userId": user_id, "displayName": profile["displayName"]})

    async def _profile(self, request: web.Request) -> web.Response:
        profile = self.profiles.get(request.match_info["user_id"])
        if profile is None:
            raise _Reject(404, {"message": "Not found"})
        return web.json_response(profile)

    async def _content(self, request: web.Request) -> web.Response:
        if self.content_delay:
            await asyncio.sleep(self.content_delay)
        content = self._contents.get(request.match_info["message_id"])
        if content is None:
            raise _Reject(404, {"message": "Not found"})
        return web.Response(body=content[0], content_type=content[1])

    async def _loading(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        seconds = body.get("loadingSeconds", 20)
        details = []
        # The loading animation exists only in one-on-one chats.
        if not isinstance(body.get("chatId"), str) or not body["chatId"].startswith("U"):
            details.append(_detail("Must be a user id", "chatId"))
        if not isinstance(seconds, int) or seconds % 5 or not 5 <= seconds <= 60:
            details.append(_detail("Must be a multiple of 5 between 5 and 60", "loadingSeconds"))
        if details:
            raise _invalid(details)
        return web.json_response({}, status=202)


def _check_retry_key(key: str) -> None:
    try:
        uuid.UUID(key)
    except ValueError:
        raise _Reject(400, {"message": "The value for the 'X-Line-Retry-Key' header is invalid"}) from None


def _message_errors(messages: Any) -> list[JSON]:
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return [_detail("Size must be between 1 and 5", "messages")]
    errors: list[JSON] = []
    for i, message in enumerate(messages):
        errors += _one_message_errors(message, f"messages[{i}]")
    return errors


def _one_message_errors(m: Any, at: str) -> list[JSON]:
    if not isinstance(m, dict) or m.get("type") not in _MESSAGE_TYPES:
        return [_detail(f"Must be one of the following values: [{', '.join(_MESSAGE_TYPES)}]", f"{at}.type")]
    errors = _quick_reply_errors(m.get("quickReply"), f"{at}.quickReply")
    kind = m["type"]
    if kind in ("text", "textV2"):
        errors += _length(m.get("text"), 1, 5000, f"{at}.text")
    elif kind == "flex":
        errors += _length(m.get("altText"), 1, 1500, f"{at}.altText")
        contents = m.get("contents")
        if not isinstance(contents, dict) or contents.get("type") not in ("bubble", "carousel"):
            errors.append(
                _detail("Must be one of the following values: [bubble, carousel]", f"{at}.contents.type")
            )
        elif contents["type"] == "carousel":
            errors += _size(contents.get("contents"), 1, 12, f"{at}.contents.contents")
    elif kind == "template":
        errors += _length(m.get("altText"), 1, 400, f"{at}.altText")
        errors += _template_errors(m.get("template"), f"{at}.template")
    return errors


def _template_errors(t: Any, at: str) -> list[JSON]:
    if not isinstance(t, dict) or t.get("type") not in _TEMPLATE_TYPES:
        return [
            _detail(
                f"Must be one of the following values: [{', '.join(sorted(_TEMPLATE_TYPES))}]", f"{at}.type"
            )
        ]
    if t["type"] == "buttons":
        # The text gets shorter when the card also shows a title or an image.
        limit = 60 if t.get("title") or t.get("thumbnailImageUrl") else 160
        return _length(t.get("text"), 1, limit, f"{at}.text") + _size(t.get("actions"), 1, 4, f"{at}.actions")
    if t["type"] == "confirm":
        return _length(t.get("text"), 1, 240, f"{at}.text") + _size(t.get("actions"), 2, 2, f"{at}.actions")
    return _size(t.get("columns"), 1, 10, f"{at}.columns")


def _quick_reply_errors(quick_reply: Any, at: str) -> list[JSON]:
    if quick_reply is None:
        return []
    items = quick_reply.get("items") if isinstance(quick_reply, dict) else None
    errors = _size(items, 1, 13, f"{at}.items")
    for i, item in enumerate(items if not errors and isinstance(items, list) else []):
        action = item.get("action") if isinstance(item, dict) else None
        if not isinstance(action, dict) or "type" not in action:
            errors.append(_detail("May not be null", f"{at}.items[{i}].action"))
        elif "label" in action:
            errors += _length(action["label"], 1, 20, f"{at}.items[{i}].action.label")
    return errors


def _length(value: Any, low: int, high: int, prop: str) -> list[JSON]:
    if not isinstance(value, str) or not value:
        return [_detail("May not be empty", prop)] if low else []
    if _utf16_len(value) > high:
        return [_detail(f"Length must be between 0 and {high}", prop)]
    return []


def _size(value: Any, low: int, high: int, prop: str) -> list[JSON]:
    if not isinstance(value, list) or not low <= len(value) <= high:
        return [_detail(f"Size must be between {low} and {high}", prop)]
    return []
