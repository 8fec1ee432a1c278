"""A fake Telegram Bot API for the real python-telegram-bot to talk to.

Routes are Telegram's: ``/bot<token>/<method>`` (GET or POST; query string, JSON, form or
multipart parameters, method names case-insensitive) and ``/file/bot<token>/<path>``.
Answers are ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": …,
"description": …}`` with Telegram's descriptions. What it copies because our code depends on
it: 401 for a wrong token, 404 for an unknown method, 400 for a text over 4096 UTF-16 units
or a chat the bot never saw, and flood control as Telegram's FAQ describes it (about one
message a second per chat with short bursts, 20 a minute per group, 30 a second overall),
answered 429 ``Too Many Requests: retry after N`` with ``parameters.retry_after``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import mimetypes
import re
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes import LocalServer

JSON = dict[str, Any]
# fmt: off
# Parameters that are objects; form bodies carry them JSON-encoded.
_JSON_PARAMS = {"reply_markup", "commands", "scope", "allowed_updates", "entities", "reply_parameters",
                "caption_entities", "link_preview_options"}
_INT_PARAMS = {"message_id", "offset", "limit", "timeout", "user_id"}
_TOKEN_SHAPE = re.compile(r"^\d+:[\w-]+$")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_SENDING = {"sendmessage", "senddocument"}
# The tags Telegram's HTML parse mode knows; any other refuses the message.
_HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
              "pre", "blockquote", "tg-emoji"}
_BUTTON_ACTIONS = {"url", "callback_data", "web_app", "login_url", "switch_inline_query", "copy_text",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game", "pay"}
# fmt: on


@dataclass
class TelegramCall:
    method: str  # as called, e.g. "sendMessage"
    http_method: str
    params: JSON
    files: dict[str, TelegramFile]
    status: int = 0


@dataclass(frozen=True)
class TelegramFile:
    file_id: str
    file_unique_id: str
    name: str | None
    data: bytes
    mime_type: str | None
    path: str

    def document(self) -> JSON:
        """The Document object a message carrying this file has."""
        doc = {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": len(self.data)}
        return doc | {k: v for k, v in (("file_name", self.name), ("mime_type", self.mime_type)) if v}


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    method: str | None


class FakeTelegramApi(LocalServer):
    def __init__(
        self,
        token: str = "123:ABC",
        *,
        username: str = "lieguan_bot",
        rate_limits: bool = True,
        clock: Callable[[], float] = time.monotonic,
        max_records: int = 10_000,
    ) -> None:
        super().__init__()
        self.token = token
        self.bot_user = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "列管",
            "username": username,
        }
        self.rate_limits = rate_limits
        self.flood = FloodControl(clock)
        self.calls: deque[TelegramCall] = deque(maxlen=max_records)
        self.chats: dict[int, JSON] = {}
        self.files: dict[str, TelegramFile] = {}
        self.commands: dict[str, list[JSON]] = {}  # by json(scope) + language code
        self.callback_answers: list[JSON] = []
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self._max = max_records
        self._messages: dict[tuple[int, int], JSON] = {}  # every message the bot knows
        self._sent: deque[tuple[int, int]] = deque(maxlen=max_records)  # those the bot sent
        self._next_message_id: dict[int, int] = {}
        self._updates: deque[JSON] = deque(maxlen=max_records)
        self._update_ids = itertools.count(100_000_001)
        self._new_update = asyncio.Event()
        self._open_queries: set[str] = set()
        self._faults: deque[_Fault] = deque()
        self._closing = False
        self._kicked: set[int] = set()
        self.download_delay = 0.0  # seconds before a file download is answered (a slow download)
        self.download_failures: deque[int] = deque()  # statuses the next downloads answer with (5xx)

    @property
    def base_url(self) -> str:
        """For ``Bot(token, base_url=…)``: PTB appends the token to it."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``Bot(token, base_file_url=…)``; without it PTB downloads from api.telegram.org."""
        return f"{self.url}/file/bot"

    # ---- what tests set up -------------------------------------------------------------

    def add_chat(self, chat_id: int, *, title: str | None = None, type: str | None = None) -> JSON:
        """A chat the bot is in (pushing an update from a chat adds it too)."""
        kind = type or (
            "private" if chat_id > 0 else "supergroup" if str(chat_id).startswith("-100") else "group"
        )
        chat: JSON = {"id": chat_id, "type": kind}
        chat |= {"first_name": title or "使用者"} if kind == "private" else {"title": title or "群組"}
        self.chats.setdefault(chat_id, chat)
        return self.chats[chat_id]

    def kick(self, chat_id: int) -> None:
        """The bot was removed from a group, or blocked by a user: sending there is 403 Forbidden."""
        self._kicked.add(chat_id)

    def add_file(self, file_id: str, data: bytes, name: str | None = None) -> JSON:
        """A file a user sent; returns its Document object, to put in an update."""
        mime = mimetypes.guess_type(name)[0] if name else None
        stored = TelegramFile(
            file_id, secrets.token_hex(8), name, data, mime, f"documents/{secrets.token_hex(6)}"
        )
        self.files[file_id] = stored
        return stored.document()

    def add_photo(self, file_id: str, data: bytes) -> list[JSON]:
        """A photo a user sent: its PhotoSize list as Telegram gives it, a thumbnail first."""
        thumb = TelegramFile(f"{file_id}-s", secrets.token_hex(8), None, data[:2000], "image/jpeg",
                             f"photos/{secrets.token_hex(6)}.jpg")
        full = TelegramFile(file_id, secrets.token_hex(8), None, data, "image/jpeg",
                            f"photos/{secrets.token_hex(6)}.jpg")
        self.files[thumb.file_id], self.files[full.file_id] = thumb, full
        return [{"file_id": f.file_id, "file_unique_id": f.file_unique_id, "file_size": len(f.data),
                 "width": w, "height": w * 3 // 4} for f, w in ((thumb, 90), (full, 1280))]

    def forget_file(self, file_id: str) -> None:
        """Telegram no longer has this file: getFile answers 400 invalid file_id."""
        self.files.pop(file_id, None)

    def push_update(self, update: JSON) -> JSON:
        """Queue an update for getUpdates (an update_id is given when missing)."""
        update.setdefault("update_id", next(self._update_ids))
        for key in ("message", "edited_message"):
            if key in update:
                self._remember(update[key])
        if "callback_query" in update:
            self._open_queries.add(update["callback_query"]["id"])
        self._updates.append(update)
        self._new_update.set()
        self._new_update = asyncio.Event()
        return update

    def message_update(
        self,
        chat_id: int,
        user_id: int,
        text: str | None = None,
        *,
        reply_to: JSON | None = None,
        document: JSON | None = None,
    ) -> JSON:
        """An update of a user's message (not queued), with the next message id in that chat."""
        user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
        message: JSON = {
            "message_id": self._message_id(chat_id),
            "from": user,
            "chat": self.add_chat(chat_id),
            "date": int(time.time()),
        }
        for key, value in (("text", text), ("reply_to_message", reply_to), ("document", document)):
            if value is not None:
                message[key] = value
        return {"update_id": next(self._update_ids), "message": message}

    def callback_update(self, message: JSON, user_id: int, data: str) -> JSON:
        """An update of a user pressing an inline button under ``message``."""
        user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
        query = {
            "id": secrets.token_hex(8),
            "from": user,
            "message": message,
            "chat_instance": str(message["chat"]["id"]),
            "data": data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    async def post_to_webhook(self, update: JSON) -> int:
        """Deliver an update to the registered webhook as Telegram does; the HTTP status."""
        if not self.webhook_url:
            raise RuntimeError("no webhook is set")
        for key in ("message", "edited_message"):
            if key in update:
                self._remember(update[key])
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret} if self.webhook_secret else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook_url, json=update, headers=headers) as response,
        ):
            return response.status

    def fail_next(
        self, status: int, n: int = 1, retry_after: int | None = None, *, method: str | None = None
    ) -> None:
        """Answer the next ``n`` calls (of ``method`` only, if given) with ``status``."""
        if status == 429 and retry_after is None:
            retry_after = 1
        self._faults.extend(_Fault(status, retry_after, method and method.lower()) for _ in range(n))

    def clear(self) -> None:
        self.calls.clear()
        self._sent.clear()

    # ---- what tests read ---------------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[JSON]:
        """Messages the bot sent, as they are now (edits applied), oldest first."""
        return [self._messages[k] for k in self._sent if k in self._messages and chat_id in (None, k[0])]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [str(m.get("text", m.get("caption", ""))) for m in self.sent(chat_id)]

    def sent_documents(self, chat_id: int | None = None) -> list[TelegramFile]:
        return [self.files[m["document"]["file_id"]] for m in self.sent(chat_id) if "document" in m]

    # ---- the server --------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        return app

    async def before_stop(self) -> None:
        self._closing = True
        self._new_update.set()

    async def _api(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        call = TelegramCall(name, request.method, {}, {})
        self.calls.append(call)
        try:
            call.params, call.files = params, files = await _read_params(request)
            result = await self._dispatch(request.match_info["token"], name.lower(), params, files)
            response = web.json_response({"ok": True, "result": result} | self._description(name))
        except TelegramError as e:
            response = web.json_response(e.body(), status=e.code)
        call.status = response.status
        return response

    async def _dispatch(self, token: str, method: str, params: JSON, files: dict[str, TelegramFile]) -> Any:
        if token != self.token:
            # Telegram: 401 for a well-formed token it does not know, 404 for a malformed one.
            raise (
                TelegramError(401, "Unauthorized")
                if _TOKEN_SHAPE.match(token)
                else TelegramError(404, "Not Found")
            )
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            raise TelegramError(404, "Not Found")
        fault = next((f for f in self._faults if f.method in (None, method)), None)
        if fault:
            self._faults.remove(fault)
            raise TelegramError(fault.status, retry_after=fault.retry_after)
        if method in _SENDING:
            return await handler(params, files)
        return await handler(params)

    def _description(self, method: str) -> JSON:
        texts = {"setwebhook": "Webhook was set", "deletewebhook": "Webhook was deleted"}
        return {"description": texts[method.lower()]} if method.lower() in texts else {}

    async def _download(self, request: web.Request) -> web.Response:
        if self.download_delay:
            await asyncio.sleep(self.download_delay)
        if self.download_failures:
            status = self.download_failures.popleft()
            return web.json_response(TelegramError(status, "Internal Server Error").body(), status=status)
        path = request.match_info["path"]
        found = next((f for f in self.files.values() if f.path == path), None)
        if request.match_info["token"] != self.token or found is None:
            return web.json_response(TelegramError(404, "Not Found").body(), status=404)
        return web.Response(body=found.data, content_type=found.mime_type or "application/octet-stream")

    # ---- helpers ------------------------------------------------------------------------

    def _chat(self, params: JSON) -> JSON:
        try:
            chat = self.chats.get(int(params.get("chat_id", "")))
        except (TypeError, ValueError):  # a missing id, or an @username we do not model
            chat = None
        if chat is None:
            raise TelegramError(400, "Bad Request: chat not found")
        if chat["id"] in self._kicked:
            if chat["type"] == "private":
                raise TelegramError(403, "Forbidden: bot was blocked by the user")
            raise TelegramError(403, f"Forbidden: bot was kicked from the {chat['type']} chat")
        return chat

    def _message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _remember(self, message: JSON) -> None:
        chat_id = message["chat"]["id"]
        self.chats.setdefault(chat_id, message["chat"])
        self._next_message_id[chat_id] = max(self._next_message_id.get(chat_id, 0), message["message_id"])
        self._messages[(chat_id, message["message_id"])] = message
        if len(self._messages) > self._max:  # forget the oldest; dicts keep insertion order
            del self._messages[next(iter(self._messages))]

    def _check_flood(self, chat_id: int) -> None:
        retry_after = self.flood.check(chat_id) if self.rate_limits else None
        if retry_after is not None:
            raise flood_error(retry_after)

    def _new_message(self, chat: JSON, params: JSON, content: JSON) -> JSON:
        message: JSON = {
            "message_id": self._message_id(chat["id"]),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
        } | content
        reply = params.get("reply_parameters") or (
            {"message_id": params["reply_to_message_id"]} if "reply_to_message_id" in params else None
        )
        if isinstance(reply, dict):
            target = self._messages.get((chat["id"], int(reply.get("message_id", 0))))
            if target is None and not reply.get("allow_sending_without_reply"):
                raise TelegramError(400, "Bad Request: message to be replied not found")
            if target is not None:
                message["reply_to_message"] = {k: v for k, v in target.items() if k != "reply_to_message"}
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._remember(message)
        self._sent.append((chat["id"], message["message_id"]))
        return message

    # ---- methods (_m_<lowercase name>) --------------------------------------------------

    async def _m_getme(self, params: JSON) -> JSON:
        return self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_sendmessage(self, params: JSON, files: dict[str, TelegramFile]) -> JSON:
        chat = self._chat(params)
        text = check_text(params.get("text"), params.get("parse_mode"), limit=4096, what="message")
        check_markup(params.get("reply_markup"))
        self._check_flood(chat["id"])
        return self._new_message(chat, params, {"text": text})

    async def _m_senddocument(self, params: JSON, files: dict[str, TelegramFile]) -> JSON:
        chat = self._chat(params)
        content: JSON = {}
        if params.get("caption"):
            content["caption"] = check_text(
                params["caption"], params.get("parse_mode"), limit=1024, what="caption"
            )
        check_markup(params.get("reply_markup"))
        document = params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            document = files.get(document.removeprefix("attach://"))
        else:
            document = files.get("document") or self.files.get(str(document))
        if document is None:
            raise TelegramError(
                400,
                "Bad Request: there is no document in the request"
                if "document" not in params
                else "Bad Request: wrong file identifier/HTTP URL specified",
            )
        if len(document.data) > 50 * 1024 * 1024:
            raise TelegramError(413, "Request Entity Too Large")
        self._check_flood(chat["id"])
        if document.file_id not in self.files:
            self.files[document.file_id] = document
        return self._new_message(chat, params, content | {"document": document.document()})

    async def _m_editmessagetext(self, params: JSON) -> JSON:
        message = self._own_message(params)
        text = check_text(params.get("text"), params.get("parse_mode"), limit=4096, what="message")
        return self._edit(message, {"text": text}, params.get("reply_markup"))

    async def _m_editmessagereplymarkup(self, params: JSON) -> JSON:
        message = self._own_message(params)
        return self._edit(message, {}, params.get("reply_markup"))

    def _own_message(self, params: JSON) -> JSON:
        key = (self._chat(params)["id"], int(params.get("message_id", 0)))
        if key not in self._messages:
            raise TelegramError(400, "Bad Request: message to edit not found")
        if self._messages[key]["from"] != self.bot_user:
            raise TelegramError(400, "Bad Request: message can't be edited")
        return self._messages[key]

    def _edit(self, message: JSON, content: JSON, markup: Any) -> JSON:
        check_markup(markup)
        markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        if all(message.get(k) == v for k, v in content.items()) and message.get("reply_markup") == markup:
            raise TelegramError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        message.update(content, edit_date=int(time.time()))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def _m_answercallbackquery(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_queries:
            raise TelegramError(
                400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        self._open_queries.discard(query_id)
        self.callback_answers.append(params)
        return True

    async def _m_setmycommands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise TelegramError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise TelegramError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        for c in commands:
            if (
                not _COMMAND.match(str(c.get("command")))
                or not 1 <= len(str(c.get("description", ""))) <= 256
            ):
                raise TelegramError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[_commands_key(params)] = commands
        return True

    async def _m_getmycommands(self, params: JSON) -> list[JSON]:
        return self.commands.get(_commands_key(params), [])

    async def _m_deletemycommands(self, params: JSON) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True

    async def _m_getfile(self, params: JSON) -> JSON:
        found = self.files.get(str(params.get("file_id")))
        if found is None:
            raise TelegramError(400, "Bad Request: invalid file_id")
        if len(found.data) > 20 * 1024 * 1024:  # bots may only download files up to 20 MB
            raise TelegramError(400, "Bad Request: file is too big")
        return {
            "file_id": found.file_id,
            "file_unique_id": found.file_unique_id,
            "file_size": len(found.data),
            "file_path": found.path,
        }

    async def _m_setwebhook(self, params: JSON) -> bool:
        url, secret = str(params.get("url", "")), params.get("secret_token")
        # Telegram wants https; loopback http is allowed here so the tests can use it.
        if url and not url.startswith(("https://", "http://")):
            raise TelegramError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        if secret is not None and not _SECRET.match(str(secret)):
            raise TelegramError(400, "Bad Request: bad webhook: secret token contains unallowed characters")
        self.webhook_url, self.webhook_secret = url, secret
        if _truthy(params.get("drop_pending_updates")):
            self._updates.clear()
        return True

    async def _m_deletewebhook(self, params: JSON) -> bool:
        self.webhook_url, self.webhook_secret = "", None
        if _truthy(params.get("drop_pending_updates")):
            self._updates.clear()
        return True

    async def _m_getwebhookinfo(self, params: JSON) -> JSON:
        info: JSON = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        return info | ({"max_connections": 40} if self.webhook_url else {})

    async def _m_getupdates(self, params: JSON) -> list[JSON]:
        if self.webhook_url:
            raise TelegramError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset, limit = int(params.get("offset", 0)), min(max(int(params.get("limit", 100)), 1), 100)
        # A positive offset confirms every earlier update; a negative one keeps only the last few.
        if offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        elif offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()
        deadline = asyncio.get_running_loop().time() + int(params.get("timeout", 0))
        while not self._updates and not self._closing:
            event, remaining = self._new_update, deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                break
        return list(self._updates)[:limit]


class FloodControl:
    """Telegram's flood limits: a per-chat bucket, a per-group minute, a global second."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        chat_burst: int = 3,
        chat_per_second: float = 1.0,
        group_per_minute: int = 20,
        global_per_second: int = 30,
    ) -> None:
        self.clock = clock
        self.chat_burst, self.chat_per_second = chat_burst, chat_per_second
        self.group_per_minute, self.global_per_second = group_per_minute, global_per_second
        self._buckets: dict[int, tuple[float, float]] = {}  # chat → (tokens, when)
        self._groups: dict[int, deque[float]] = {}
        self._global: deque[float] = deque()

    def check(self, chat_id: int) -> int | None:
        """None when a message to ``chat_id`` may go now (and count it), else the seconds to wait."""
        now = self.clock()
        tokens, then = self._buckets.get(chat_id, (float(self.chat_burst), now))
        tokens = min(float(self.chat_burst), tokens + (now - then) * self.chat_per_second)
        group = self._groups.setdefault(chat_id, deque()) if chat_id < 0 else deque()
        for window, span in ((group, 60.0), (self._global, 1.0)):
            while window and now - window[0] >= span:
                window.popleft()
        waits = [(1 - tokens) / self.chat_per_second if tokens < 1 else 0.0]
        if len(group) >= self.group_per_minute:
            waits.append(60.0 - (now - group[0]))
        if len(self._global) >= self.global_per_second:
            waits.append(1.0 - (now - self._global[0]))
        if max(waits) > 0:
            return max(1, int(max(waits) + 0.999))
        self._buckets[chat_id] = (tokens - 1, now)
        self._global.append(now)
        if chat_id < 0:
            group.append(now)
        return None


def _commands_key(params: JSON) -> str:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True) + "|" + str(params.get("language_code") or "")


def _truthy(value: Any) -> bool:
    return value in (True, "true", "True", "1", 1)


async def _read_params(request: web.Request) -> tuple[JSON, dict[str, TelegramFile]]:
    params: JSON = dict(request.query)
    files: dict[str, TelegramFile] = {}
    if request.content_type == "application/json":
        body = await request.json()
        params |= body if isinstance(body, dict) else {}
    elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                files[key] = TelegramFile(
                    secrets.token_urlsafe(24),
                    secrets.token_hex(8),
                    value.filename,
                    data,
                    value.content_type,
                    f"documents/{secrets.token_hex(6)}",
                )
            else:
                params[key] = value
    # Form bodies carry every value as a string; objects are JSON-encoded strings (PTB does so).
    for key in _JSON_PARAMS & params.keys():
        if isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except ValueError:
                raise TelegramError(400, f"Bad Request: can't parse {key} JSON object") from None
    for key in _INT_PARAMS & params.keys():
        try:
            params[key] = int(params[key])
        except (TypeError, ValueError):
            raise TelegramError(400, f"Bad Request: invalid {key} specified") from None
    return params, files


class TelegramError(Exception):
    """An error answer: ``{"ok": false, "error_code": …, "description": …}``."""

    def __init__(self, code: int, description: str | None = None, *, retry_after: int | None = None) -> None:
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}" if code == 429 else HTTPStatus(code).phrase
            )
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        return body | ({"parameters": {"retry_after": self.retry_after}} if self.retry_after else {})


def flood_error(retry_after: int) -> TelegramError:
    return TelegramError(429, retry_after=retry_after)


def check_text(text: Any, parse_mode: Any, *, limit: int, what: str) -> str:
    """The text as users will see it; Telegram's limits count it after the markup is parsed."""
    if not isinstance(text, str):
        raise TelegramError(400, f"Bad Request: {what} text is empty")
    visible = _html_visible(text) if str(parse_mode).lower() == "html" else text
    if not visible.strip():
        raise TelegramError(400, f"Bad Request: {what} text is empty")
    if len(visible.encode("utf-16-le")) // 2 > limit:  # counted in UTF-16 code units
        raise TelegramError(400, f"Bad Request: {what} is too long")
    return visible


def check_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict) or not (
        {"inline_keyboard", "keyboard", "remove_keyboard", "force_reply"} & markup.keys()
    ):
        raise TelegramError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard", [])
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise TelegramError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for button in itertools.chain.from_iterable(rows):
        if not isinstance(button, dict) or not button.get("text"):
            raise TelegramError(
                400, "Bad Request: can't parse inline keyboard button: Text must be non-empty"
            )
        if not _BUTTON_ACTIONS & button.keys():
            raise TelegramError(
                400,
                "Bad Request: can't parse inline keyboard button: Text buttons are "
                "unallowed in the inline keyboard",
            )
        if "callback_data" in button and not 1 <= len(str(button["callback_data"]).encode()) <= 64:
            raise TelegramError(400, "Bad Request: BUTTON_DATA_INVALID")


class _TelegramHtml(HTMLParser):
    """Telegram's HTML parse mode: a few tags, properly nested, or the message is refused."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.text: list[str] = []
        self.open: list[str] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        lines = self.source.splitlines(keepends=True)
        return len(("".join(lines[: line - 1]) + lines[line - 1][:column]).encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise TelegramError(
                400,
                f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}" '
                f"at byte offset {self._offset()}",
            )
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise TelegramError(
                400, f"Bad Request: can't parse entities: Unexpected end tag at byte offset {self._offset()}"
            )
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _html_visible(text: str) -> str:
    parser = _TelegramHtml(text)
    parser.feed(text)
    parser.close()
    if parser.open:
        raise TelegramError(
            400,
            "Bad Request: can't parse entities: Can't find end tag corresponding to "
            f'start tag "{parser.open[-1]}"',
        )
    return "".join(parser.text)
