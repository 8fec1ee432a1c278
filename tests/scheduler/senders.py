"""Small senders for tests and the benchmark: the real SDK clients talking to the fake APIs.

They stand in for bot/channels/line and bot/channels/telegram where a test is about the outbox
and the rounds, not about how a channel renders: plain text, LINE's X-Line-Retry-Key derived from
the row's key (a 409 counts as delivered), Telegram's inline keyboard, and the platforms' errors
turned into TemporaryFailure (with retry-after) or PermanentFailure.
"""

from __future__ import annotations

import datetime as dtm
import json
import uuid
import warnings

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PushMessageRequest,
    TextMessage,
)
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.delivery import Envelope, PermanentFailure, SendResult, TemporaryFailure

NAMESPACE = uuid.UUID("0b7c43c1-6d5e-4c1b-9a59-5f1d2ad7f0a1")


class LineTestSender:
    platform = "line"

    def __init__(self, api_url: str, access_token: str, *, connections: int = 64) -> None:
        self.configuration = Configuration(host=api_url, access_token=access_token)
        self.configuration.connection_pool_maxsize = connections
        self._client: AsyncApiClient | None = None

    @property
    def api(self) -> AsyncMessagingApi:
        if self._client is None:  # its aiohttp session belongs to the running loop
            self._client = AsyncApiClient(self.configuration)
        return AsyncMessagingApi(self._client)

    async def send(self, envelope: Envelope) -> SendResult:
        request = PushMessageRequest(to=envelope.chat_id, messages=[TextMessage(text=envelope.payload.text[:5000])])
        try:
            response = await self.api.push_message(request, x_line_retry_key=str(uuid.uuid5(NAMESPACE, envelope.key)))
        except ApiException as exc:
            if exc.status == 409:  # accepted before: the answer was lost, the message was not
                return SendResult([m["id"] for m in json.loads(exc.body).get("sentMessages", [])])
            if exc.status == 429 or (exc.status or 500) >= 500:
                after = (exc.headers or {}).get("Retry-After")
                raise TemporaryFailure(f"LINE {exc.status}", retry_after=float(after) if after else None) from exc
            raise PermanentFailure(f"LINE {exc.status}：{exc.body}") from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise TemporaryFailure(f"LINE 連線失敗：{exc!r}") from exc
        return SendResult([m.id for m in response.sent_messages])

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


class TelegramTestSender:
    platform = "telegram"

    def __init__(self, base_url: str, token: str, *, connections: int = 64) -> None:
        request = HTTPXRequest(connection_pool_size=connections)
        self.bot = Bot(token, base_url=base_url, request=request)

    async def send(self, envelope: Envelope) -> SendResult:
        out = envelope.payload
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data)]
                                       for b in out.buttons]) if out.buttons else None
        try:
            message = await self.bot.send_message(int(envelope.chat_id), out.text[:4096], reply_markup=markup)
        except RetryAfter as exc:
            raise TemporaryFailure("Telegram 429", retry_after=retry_seconds(exc)) from exc
        except (Forbidden, BadRequest) as exc:
            raise PermanentFailure(f"Telegram：{exc.message}") from exc
        except NetworkError as exc:
            raise TemporaryFailure(f"Telegram 連線失敗：{exc}") from exc
        return SendResult([str(message.message_id)])

    async def close(self) -> None:
        await self.bot.shutdown()


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)
