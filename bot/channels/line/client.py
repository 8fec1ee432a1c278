"""The LINE Messaging API through the v3 async SDK, and its errors as the outbox understands them.

LIEGUAN_LINE_API_URL points every call (content downloads included) at another host; with the
default, the SDK's own hosts are kept, so that downloads go to api-data.line.me as LINE requires.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
)

from bot.delivery import PermanentFailure, TemporaryFailure

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://api.line.me"
DEFAULT_DATA_URL = "https://api-data.line.me"
CONTENT_TIMEOUT = aiohttp.ClientTimeout(total=60)  # 20 MB on a slow line; the fetch job has its own limit
SEND_TIMEOUT = aiohttp.ClientTimeout(total=20)  # under the outbox's 30-second lease
READ_TIMEOUT = aiohttp.ClientTimeout(total=10)
JSON = dict[str, Any]
NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)


class InvalidReplyToken(Exception):
    """The reply token was used or has expired: the answer goes by push instead."""


class LineApi:
    def __init__(self, *, access_token: str, api_url: str = DEFAULT_API_URL, data_url: str | None = None) -> None:
        host = api_url.rstrip("/")
        self._configuration = Configuration(access_token=access_token,
                                            host=None if host == DEFAULT_API_URL else host)
        data = (data_url or host).rstrip("/")
        # the blob API's own host is LINE's data host: kept unless another one is given
        self._data_configuration = Configuration(access_token=access_token,
                                                 host=None if data in (DEFAULT_API_URL, DEFAULT_DATA_URL) else data)
        self._data_client: AsyncApiClient | None = None
        self._client: AsyncApiClient | None = None
        self._messaging: AsyncMessagingApi | None = None

    def _api_client(self) -> AsyncApiClient:
        # created on first use: its aiohttp session belongs to the running loop
        if self._client is None:
            self._client = AsyncApiClient(self._configuration)
            self._messaging = AsyncMessagingApi(self._client)
        return self._client

    @property
    def messaging(self) -> AsyncMessagingApi:
        self._api_client()
        assert self._messaging is not None
        return self._messaging

    async def close(self) -> None:
        if self._data_client is not None:
            data_client, self._data_client = self._data_client, None
            await data_client.close()
        if self._client is not None:
            client, self._client, self._messaging = self._client, None, None
            await client.close()

    # ---- sending -----------------------------------------------------------------------------
    async def _post(self, path: str, body: JSON, headers: dict[str, str] | None = None) -> JSON:
        """POST our own JSON through the SDK's client (its auth, host and errors), skipping its models.

        Building the SDK's pydantic models for a reminder's Flex carousels costs milliseconds of the
        event loop for every message; the JSON we build is what LINE documents, and LINE checks it.
        """
        response = await self._api_client().call_api(
            path, "POST", header_params={"Accept": "application/json", "Content-Type": "application/json",
                                         **(headers or {})},
            body=body, response_types_map={}, auth_settings=["Bearer"], _host=DEFAULT_API_URL,
            _request_timeout=SEND_TIMEOUT)
        try:
            answer = json.loads(response.raw_data or "{}")
        except ValueError:
            return {}
        return answer if isinstance(answer, dict) else {}

    async def reply(self, token: str, messages: list[JSON]) -> list[str]:
        try:
            response = await self._post("/v2/bot/message/reply", {"replyToken": token, "messages": messages})
        except ApiException as exc:
            if exc.status == 400 and "reply token" in _message(exc).lower():
                raise InvalidReplyToken(_message(exc)) from exc
            raise failure(exc) from exc
        except NETWORK_ERRORS as exc:
            raise TemporaryFailure(f"LINE 連線失敗：{exc!r}") from exc
        return _sent_ids(response)

    async def push(self, to: str, messages: list[JSON], *, retry_key: str) -> list[str]:
        """A push carrying `retry_key`: LINE delivers one request per key within 24 hours."""
        try:
            response = await self._post("/v2/bot/message/push", {"to": to, "messages": messages},
                                        {"X-Line-Retry-Key": retry_key})
        except ApiException as exc:
            if exc.status == 409:  # accepted before (a retry after a lost answer): delivered once
                log.info("push %s was accepted before (request %s)", retry_key,
                         (exc.headers or {}).get("x-line-accepted-request-id"))
                return _sent_ids(_body(exc))
            raise failure(exc) from exc
        except NETWORK_ERRORS as exc:
            raise TemporaryFailure(f"LINE 連線失敗：{exc!r}") from exc
        return _sent_ids(response)

    # ---- what only LINE knows ------------------------------------------------------------------
    async def quota(self) -> tuple[int | None, int]:
        """(monthly limit, or None when LINE sets none; messages used this month)."""
        quota = await self.messaging.get_message_quota(_request_timeout=READ_TIMEOUT)
        used = await self.messaging.get_message_quota_consumption(_request_timeout=READ_TIMEOUT)
        limit = quota.value if quota.type == "limited" else None
        return limit, int(used.total_usage)

    async def member_count(self, chat_id: str) -> int | None:
        """How many a push into this chat costs: its members (a group or room), or 1 (a person)."""
        try:
            if chat_id.startswith("C"):
                return int((await self.messaging.get_group_member_count(
                    chat_id, _request_timeout=READ_TIMEOUT)).count)
            if chat_id.startswith("R"):
                return int((await self.messaging.get_room_member_count(
                    chat_id, _request_timeout=READ_TIMEOUT)).count)
        except (ApiException, *NETWORK_ERRORS) as exc:
            log.warning("member count of %s unknown: %s", chat_id, _short(exc))
            return None
        return 1

    async def display_name(self, chat_id: str, user_id: str) -> str | None:
        """A member's LINE name, as the group sees it; None when LINE will not say."""
        api = self.messaging
        try:
            if chat_id.startswith("C"):
                profile: Any = await api.get_group_member_profile(chat_id, user_id,
                                                                  _request_timeout=READ_TIMEOUT)
            elif chat_id.startswith("R"):
                profile = await api.get_room_member_profile(chat_id, user_id, _request_timeout=READ_TIMEOUT)
            else:
                profile = await api.get_profile(user_id, _request_timeout=READ_TIMEOUT)
        except (ApiException, *NETWORK_ERRORS) as exc:
            log.info("no profile for %s in %s: %s", user_id, chat_id, _short(exc))
            return None
        return str(profile.display_name) if profile.display_name else None

    async def content(self, message_id: str) -> bytes:
        if self._data_client is None:
            self._data_client = AsyncApiClient(self._data_configuration)
        blob = AsyncMessagingApiBlob(self._data_client)
        return bytes(await blob.get_message_content(message_id, _request_timeout=CONTENT_TIMEOUT))


def failure(exc: ApiException) -> Exception:
    """429 and 5xx are tried again; a monthly quota reached and other 4xx are reported."""
    status, message = int(exc.status or 0), _message(exc)
    if status == 429 and "monthly limit" in message.lower():
        return PermanentFailure("本月 LINE 訊息額度已用完（推播無法送出，下個月重新計算）")
    if status == 429 or status >= 500:
        return TemporaryFailure(f"LINE {status}：{message}", retry_after=_retry_after(exc))
    if status == 401:
        return PermanentFailure("LINE 拒絕了頻道存取權杖（LIEGUAN_LINE_CHANNEL_ACCESS_TOKEN），請確認設定")
    details = "；".join(f"{d.get('property')}: {d.get('message')}" for d in _body(exc).get("details", []))
    return PermanentFailure(f"LINE 拒絕（{status}）：{message}" + (f"（{details}）" if details else ""))


def _sent_ids(answer: JSON) -> list[str]:
    sent = answer.get("sentMessages")
    return [str(m["id"]) for m in sent if isinstance(m, dict) and "id" in m] if isinstance(sent, list) else []


def _body(exc: ApiException) -> JSON:
    try:
        body = json.loads(exc.body or b"{}")
    except (TypeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def _message(exc: ApiException) -> str:
    return str(_body(exc).get("message") or exc.reason or exc.status)


def _retry_after(exc: ApiException) -> float | None:
    raw = (exc.headers or {}).get("Retry-After")
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def _short(exc: BaseException) -> str:
    if isinstance(exc, ApiException):
        return f"{exc.status} {_message(exc)}"
    return repr(exc)
