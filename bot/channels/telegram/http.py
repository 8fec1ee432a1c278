"""Bot API calls on the sending path as our own JSON over one long-lived aiohttp session.

python-telegram-bot turns every call into its objects and back (RequestData, to_dict, Message.de_json
of the whole answer): more than the HTTP itself costs, for a message id. Errors are still PTB's
(RetryAfter, ChatMigrated, Forbidden, …), sorted from the answer exactly as PTB sorts them, so the
sender and the outbox see what they saw before. The session is bot/channels/keptsession.py's:
made once, kept alive, the proxy looked up once per host.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import aiohttp
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

from bot.channels.keptsession import KeptSession, dump

JSON = dict[str, Any]
CONNECTIONS = 32  # Telegram allows about 30 messages a second in all: more would only wait
JSON_HEADERS = {"Content-Type": "application/json"}
TIMEOUT = aiohttp.ClientTimeout(total=20, connect=5)  # under the outbox's 30-second lease


class TelegramHttp(KeptSession):
    def __init__(self, base_url: str) -> None:
        """`base_url` ends with bot<token>, as PTB's Bot.base_url does."""
        super().__init__(connections=CONNECTIONS, timeout=TIMEOUT)
        self.base_url = base_url.rstrip("/")

    async def call(self, method: str, params: JSON) -> Any:
        """The `result` of one Bot API method, or PTB's TelegramError for what Telegram answered."""
        data = dump(params)
        proxy, proxy_auth = self.proxies.for_url(self.base_url)
        try:
            async with self.session().post(f"{self.base_url}/{method}", data=data, headers=JSON_HEADERS,
                                           proxy=proxy, proxy_auth=proxy_auth) as response:
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
