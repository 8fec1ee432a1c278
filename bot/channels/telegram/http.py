"""Bot API calls on the sending path as our own JSON over one long-lived aiohttp session.

python-telegram-bot turns every call into its objects and back (RequestData, to_dict, Message.de_json
of the whole answer): more than the HTTP itself costs, for a message id. Errors are still PTB's
(RetryAfter, ChatMigrated, Forbidden, …), sorted from the answer exactly as PTB sorts them, so the
sender and the outbox see what they saw before. The session keeps its connections alive and looks
nothing up in the environment per call: the proxy it names (HTTPS_PROXY, NO_PROXY), if any, is
looked up once, when the session is made.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from yarl import URL

JSON = dict[str, Any]
CONNECTIONS = 32  # Telegram allows about 30 messages a second in all: more would only wait
KEEPALIVE = 30.0
JSON_HEADERS = {"Content-Type": "application/json"}
TIMEOUT = aiohttp.ClientTimeout(total=20, connect=5)  # under the outbox's 30-second lease


class TelegramHttp:
    def __init__(self, base_url: str) -> None:
        """`base_url` ends with bot<token>, as PTB's Bot.base_url does."""
        self.base_url = base_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None
        self._proxy: tuple[URL | None, aiohttp.BasicAuth | None] = (None, None)

    def session(self) -> aiohttp.ClientSession:
        # made on first use: a session belongs to the loop it was made on
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=CONNECTIONS, keepalive_timeout=KEEPALIVE)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False, timeout=TIMEOUT)
            try:
                self._proxy = get_env_proxy_for_url(URL(self.base_url))
            except LookupError:
                self._proxy = (None, None)
        return self._session

    async def call(self, method: str, params: JSON) -> Any:
        """The `result` of one Bot API method, or PTB's TelegramError for what Telegram answered."""
        data = dump(params)
        try:
            session = self.session()
            async with session.post(f"{self.base_url}/{method}", data=data, headers=JSON_HEADERS,
                                    proxy=self._proxy[0], proxy_auth=self._proxy[1]) as response:
                status, payload = response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut(f"{method} timed out") from exc
        except aiohttp.ClientError as exc:
            said = str(exc).replace(self.base_url, "Bot API")  # the secretariat reads this; the token stays out
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {said}") from exc
        answer = _parse(payload)
        if 200 <= status <= 299 and answer is not None:
            return answer.get("result")
        raise error(status, answer, payload)

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


def dump(body: JSON) -> bytes:
    """UTF-8 JSON; a lone surrogate (which UTF-8 cannot carry) is sent escaped, for Telegram to judge."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode()


def _parse(payload: bytes) -> JSON | None:
    try:
        answer = json.loads(payload.decode("utf-8", "replace"))
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def error(status: int, answer: JSON | None, payload: bytes) -> TelegramError:
    """What PTB's BaseRequest raises for this answer (its _request_wrapper, step by step)."""
    try:
        message = f"{HTTPStatus(status).phrase} ({status})"
    except ValueError:
        message = f"Unknown HTTPError ({status})"
    if answer is None:
        if 200 <= status <= 299:
            return TelegramError("Invalid server response")
        message += f". Parsing the server response {payload!r} failed"
    else:
        message = answer.get("description") or message
        parameters = answer.get("parameters")
        if isinstance(parameters, dict) and parameters:
            if parameters.get("migrate_to_chat_id"):
                return ChatMigrated(parameters["migrate_to_chat_id"])
            if parameters.get("retry_after"):
                return RetryAfter(parameters["retry_after"])
            message += f". The server response contained unknown parameters: {parameters}"
    if status == HTTPStatus.FORBIDDEN:
        return Forbidden(message)
    if status in (HTTPStatus.NOT_FOUND, HTTPStatus.UNAUTHORIZED):
        return InvalidToken(message)
    if status == HTTPStatus.BAD_REQUEST:
        return BadRequest(message)
    if status == HTTPStatus.CONFLICT:
        return Conflict(message)
    return NetworkError(message)
