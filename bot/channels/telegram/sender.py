"""The outbox's sender for Telegram: one outbox row becomes one or more Telegram messages.

The outbox paces rows (bot/pacing.py); a row may be several messages (a long text in parts, a text
and a document), so every message also waits its turn in the Throttle, which counts them all and
remembers a 429's retry_after for its chat. A short wait is slept; a long one (a group's minute is
used up) goes back to the outbox as a TemporaryFailure with its retry_after, so one busy chat never
holds a sending slot. Failures are said in zh-TW: the secretariat reads them.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

from telegram import Bot, InlineKeyboardMarkup, InputFile, ReplyParameters
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)

from bot.channels.telegram.http import TelegramHttp
from bot.channels.telegram.layout import CAPTION_LIMIT, keyboard, split_text, units
from bot.channels.telegram.throttle import Busy, Throttle
from bot.delivery import Envelope, PermanentFailure, SendResult, TemporaryFailure
from bot.messages import Outgoing
from storage.store import Store

log = logging.getLogger(__name__)
MAX_DOCUMENT = 50 * 1024 * 1024  # what a bot may upload
MID_MESSAGE_WAIT = 15.0  # half the outbox's 30-second lease on a row


def retry_seconds(error: RetryAfter) -> float:
    """PTB 22 gives an int with a deprecation warning, or a timedelta once PTB_TIMEDELTA is set."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """Texts go as our own JSON over the sender's session (http.py); a document, rare and multipart,
    through PTB's Bot, whose errors are the same classes."""

    platform = "telegram"

    def __init__(self, api: Bot, store: Store, *, throttle: Throttle | None = None,
                 max_wait: float = 5.0) -> None:
        self.api = api
        self.http = TelegramHttp(api.base_url)
        self.store = store
        self.throttle = throttle or Throttle()
        self.max_wait = max_wait

    async def send(self, envelope: Envelope) -> SendResult:
        try:
            chat_id = int(envelope.chat_id)
        except ValueError:
            raise PermanentFailure(f"「{envelope.chat_id}」不是 Telegram 的聊天室代號") from None
        token = envelope.reply_token
        reply_to = int(token) if token and token.isdigit() else None
        try:
            try:
                ids = await self._deliver(chat_id, envelope.payload, reply_to)
            except ChatMigrated as moved:  # a group became a supergroup: its binding follows
                new = moved.new_chat_id
                self.store.tg_migrate_chat(old=f"telegram:{chat_id}", new=f"telegram:{new}", actor="telegram")
                ids = await self._deliver(new, envelope.payload, None)
        except Busy as busy:
            raise TemporaryFailure(str(busy), retry_after=busy.wait) from None
        except TelegramError as error:
            raise failure(error) from error
        return SendResult([str(i) for i in ids])

    async def _deliver(self, chat_id: int, out: Outgoing, reply_to: int | None) -> list[int]:
        parts = split_text(out.text) if out.text.strip() else []
        markup = keyboard(out.buttons, out.quick_replies, lambda data: self.store.tg_callback_token(data=data))
        doc = out.document
        if doc is not None and len(doc.content) > MAX_DOCUMENT:
            raise PermanentFailure(f"檔案「{doc.filename}」超過 Telegram 機器人可傳送的 50 MB")
        # a short text rides on the document as its caption; a longer one goes before it
        caption = None
        if doc is not None and len(parts) == 1 and units(parts[0]) <= CAPTION_LIMIT:
            caption = parts.pop()
        sent: list[int] = []
        for n, part in enumerate(parts):
            last = n == len(parts) - 1 and doc is None
            sent.append(await self._call(chat_id, sent, partial(
                self._send_message, chat_id, part, markup if last else None, _reply(reply_to, sent))))
        if doc is not None:
            sent.append(await self._call(chat_id, sent, partial(
                self._send_document, chat_id, InputFile(doc.content, filename=doc.filename), caption,
                markup, _reply(reply_to, sent))))
        return sent

    async def _send_message(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None,
                            reply: ReplyParameters | None) -> int:
        params: dict[str, object] = {"chat_id": chat_id, "text": text}
        if markup is not None:
            params["reply_markup"] = markup.to_dict()
        if reply is not None:
            params["reply_parameters"] = reply.to_dict()
        message = await self.http.call("sendMessage", params)
        if not isinstance(message, dict) or not isinstance(message.get("message_id"), int):
            raise TelegramError(f"Invalid server response: {str(message)[:200]}")
        return message["message_id"]

    async def _send_document(self, chat_id: int, document: InputFile, caption: str | None,
                             markup: InlineKeyboardMarkup | None, reply: ReplyParameters | None) -> int:
        message = await self.api.send_document(chat_id, document, caption=caption, reply_markup=markup,
                                               reply_parameters=reply)
        return message.message_id

    async def close(self) -> None:
        await self.http.close()

    async def _call(self, chat_id: int, sent: list[int], call: Callable[[], Awaitable[int]]) -> int:
        """One API call in its turn. Once some parts of a row went out, a wait (or a 429) is sat out
        here, up to half the outbox's lease, rather than handed back to the outbox, which would send
        those parts again."""
        patience = self.max_wait if not sent else MID_MESSAGE_WAIT
        for attempt in range(2):
            await self.throttle.acquire(chat_id, max_wait=patience)
            try:
                return await call()
            except RetryAfter as flood:
                wait = retry_seconds(flood)
                self.throttle.penalise(chat_id, wait)
                if not sent or attempt or wait > patience:
                    raise
                log.warning("Telegram 429 in chat %s mid-message, waiting %.0fs", chat_id, wait)
        raise AssertionError("unreachable")


def _reply(reply_to: int | None, sent: list[int]) -> ReplyParameters | None:
    """Only the first part answers the user's message; it may have been deleted meanwhile."""
    if reply_to is None or sent:
        return None
    return ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)


def failure(error: TelegramError) -> TemporaryFailure | PermanentFailure:
    """Telegram's error as the outbox understands it, in words the secretariat can act on."""
    if isinstance(error, RetryAfter):
        wait = retry_seconds(error)
        return TemporaryFailure(f"Telegram 流量限制（429），{wait:.0f} 秒後重試", retry_after=wait)
    if isinstance(error, Forbidden):
        return PermanentFailure(f"機器人已被移出該群組或被對方封鎖（Telegram：{error.message}）")
    if isinstance(error, InvalidToken):
        return PermanentFailure("Telegram 不接受機器人權杖，請檢查 LIEGUAN_TELEGRAM_TOKEN")
    if isinstance(error, BadRequest | EndPointNotFound):
        return PermanentFailure(f"Telegram 拒絕這則訊息（{error.message}）")
    return TemporaryFailure(f"暫時無法連上 Telegram（{error.message}）")

