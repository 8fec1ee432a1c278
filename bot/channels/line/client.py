"""The LINE Messaging API over one long-lived session (http.py), and its errors as the outbox understands them.

LIEGUAN_LINE_API_URL points every call (content downloads included) at another host; with the
default, LINE's own hosts are kept, so that downloads go to api-data.line.me as LINE requires.

We send our own JSON (what LINE documents, and LINE checks it): building the SDK's pydantic models
for a reminder's Flex carousels cost milliseconds of the event loop for every message.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

import aiohttp

from bot.channels.line.http import JSON, LineError, LineHttp
from bot.delivery import PermanentFailure, TemporaryFailure

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://api.line.me"
DEFAULT_DATA_URL = "https://api-data.line.me"
CONTENT_TIMEOUT = aiohttp.ClientTimeout(total=60)  # 20 MB on a slow line; the fetch job has its own limit
SEND_TIMEOUT = aiohttp.ClientTimeout(total=20)  # under the outbox's 30-second lease
READ_TIMEOUT = aiohttp.ClientTimeout(total=10)
NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)
__all__ = ["NETWORK_ERRORS", "InvalidReplyToken", "LineApi", "LineError", "failure"]


class InvalidReplyToken(Exception):
    """The reply token was used or has expired: the answer goes by push instead."""


class LineApi:
    def __init__(self, *, access_token: str, api_url: str = DEFAULT_API_URL, data_url: str | None = None) -> None:
        self.api_url = api_url.rstrip("/")
        data = (data_url or self.api_url).rstrip("/")
        # the content API's own host is LINE's data host: kept unless another one is given
        self.data_url = DEFAULT_DATA_URL if data in (DEFAULT_API_URL, DEFAULT_DATA_URL) else data
        self.http = LineHttp(access_token)
        self._reply_url = self.api_url + "/v2/bot/message/reply"
        self._push_url = self.api_url + "/v2/bot/message/push"

    async def close(self) -> None:
        await self.http.close()

    # ---- sending -----------------------------------------------------------------------------
    async def reply(self, token: str, messages: list[JSON]) -> list[str]:
        try:
            answer = await self.http.post(self._reply_url, {"replyToken": token, "messages": messages},
                                          timeout=SEND_TIMEOUT)
        except LineError as exc:
            if exc.status == 400 and "reply token" in exc.message.lower():
                raise InvalidReplyToken(exc.message) from exc
            raise failure(exc) from exc
        except NETWORK_ERRORS as exc:
            raise TemporaryFailure(f"LINE 連線失敗：{exc!r}") from exc
        return _sent_ids(answer.json())

    async def push(self, to: str, messages: list[JSON], *, retry_key: str) -> list[str]:
        """A push carrying `retry_key`: LINE delivers one request per key within 24 hours."""
        try:
            answer = await self.http.post(self._push_url, {"to": to, "messages": messages},
                                          headers={"X-Line-Retry-Key": retry_key}, timeout=SEND_TIMEOUT)
        except LineError as exc:
            if exc.status == 409:  # accepted before (a retry after a lost answer): delivered once
                log.info("push %s was accepted before (request %s)", retry_key,
                         exc.headers.get("x-line-accepted-request-id"))
                return _sent_ids(exc.body)
            raise failure(exc) from exc
        except NETWORK_ERRORS as exc:
            raise TemporaryFailure(f"LINE 連線失敗：{exc!r}") from exc
        return _sent_ids(answer.json())

    # ---- what only LINE knows ------------------------------------------------------------------
    async def quota(self) -> tuple[int | None, int]:
        """(monthly limit, or None when LINE sets none; messages used this month)."""
        quota = (await self.http.get(self.api_url + "/v2/bot/message/quota", timeout=READ_TIMEOUT)).json()
        used = (await self.http.get(self.api_url + "/v2/bot/message/quota/consumption",
                                    timeout=READ_TIMEOUT)).json()
        limit = quota.get("value") if quota.get("type") == "limited" else None
        return (int(limit) if limit is not None else None), int(used.get("totalUsage") or 0)

    async def member_count(self, chat_id: str) -> int | None:
        """How many a push into this chat costs: its members (a group or room), or 1 (a person)."""
        kind = {"C": "group", "R": "room"}.get(chat_id[:1])
        if kind is None:
            return 1
        try:
            answer = await self.http.get(f"{self.api_url}/v2/bot/{kind}/{_part(chat_id)}/members/count",
                                         timeout=READ_TIMEOUT)
            return int(answer.json()["count"])
        except (LineError, KeyError, TypeError, ValueError, *NETWORK_ERRORS) as exc:
            log.warning("member count of %s unknown: %s", chat_id, _short(exc))
            return None

    async def display_name(self, chat_id: str, user_id: str) -> str | None:
        """A member's LINE name, as the group sees it; None when LINE will not say."""
        kind = {"C": "group", "R": "room"}.get(chat_id[:1])
        path = (f"/v2/bot/{kind}/{_part(chat_id)}/member/{_part(user_id)}" if kind
                else f"/v2/bot/profile/{_part(user_id)}")
        try:
            name = (await self.http.get(self.api_url + path, timeout=READ_TIMEOUT)).json().get("displayName")
        except (LineError, *NETWORK_ERRORS) as exc:
            log.info("no profile for %s in %s: %s", user_id, chat_id, _short(exc))
            return None
        return str(name) if name else None

    async def content(self, message_id: str) -> bytes:
        """A message's content from LINE's data host; LineError 404 once LINE no longer keeps it."""
        url = f"{self.data_url}/v2/bot/message/{_part(message_id)}/content"
        return (await self.http.get(url, timeout=CONTENT_TIMEOUT)).data


def failure(exc: LineError) -> Exception:
    """429 and 5xx are tried again; a monthly quota reached and other 4xx are reported."""
    status, message = exc.status, exc.message
    if status == 429 and "monthly limit" in message.lower():
        return PermanentFailure("本月 LINE 訊息額度已用完（推播無法送出，下個月重新計算）")
    if status == 429 or status >= 500:
        return TemporaryFailure(f"LINE {status}：{message}", retry_after=_retry_after(exc))
    if status == 401:
        return PermanentFailure("LINE 拒絕了頻道存取權杖（LIEGUAN_LINE_CHANNEL_ACCESS_TOKEN），請確認設定")
    found = exc.body.get("details")
    details = "；".join(f"{d.get('property')}: {d.get('message')}"
                       for d in (found if isinstance(found, list) else []) if isinstance(d, dict))
    return PermanentFailure(f"LINE 拒絕（{status}）：{message}" + (f"（{details}）" if details else ""))


def _part(value: str) -> str:
    """An id as one path segment: ids come from webhook bodies, which anyone may send."""
    return quote(value, safe="")


def _sent_ids(answer: JSON) -> list[str]:
    sent = answer.get("sentMessages")
    return [str(m["id"]) for m in sent if isinstance(m, dict) and "id" in m] if isinstance(sent, list) else []


def _retry_after(exc: LineError) -> float | None:
    raw = exc.headers.get("Retry-After")
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def _short(exc: BaseException) -> str:
    if isinstance(exc, LineError):
        return f"{exc.status} {exc.message}"
    return repr(exc)
