"""The LINE sender: an outbox row goes by reply token while it is valid (free), else by push.

A push carries X-Line-Retry-Key, a UUID derived from the row's idempotency key: a push retried after
a lost answer is answered 409 by LINE and counts as delivered, never delivered twice.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.channels.line.client import InvalidReplyToken, LineApi
from bot.channels.line.limits import MAX_MESSAGES
from bot.channels.line.render import Listed, Part, render
from bot.delivery import Envelope, SendResult
from bot.messages import Outgoing
from bot.scope import answering_as
from storage.models import SECRETARIAT

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)
RETRY_NAMESPACE = uuid.UUID("6f0c1f9e-3c55-5b6a-9d0e-6c6965677561")  # lieguan's own namespace
MAX_LINKS = 1000


def retry_key(key: str, offset: int) -> str:
    """The X-Line-Retry-Key of the push starting at message `offset` of the outbox row `key`."""
    return str(uuid.uuid5(RETRY_NAMESPACE, f"{key}#{offset}"))


class LineSender:
    platform = "line"

    def __init__(self, runtime: Runtime, api: LineApi) -> None:
        self.runtime = runtime
        self.api = api
        self._links: dict[str, str] = {}  # a retried row offers the same download link

    async def send(self, envelope: Envelope) -> SendResult:
        parts = self.parts(envelope)
        messages = [part.message for part in parts]
        ids: list[str] = []
        offset = 0
        if self._reply_usable(envelope):
            assert envelope.reply_token is not None
            try:
                ids += await self.api.reply(envelope.reply_token, messages[:MAX_MESSAGES])
                offset = min(MAX_MESSAGES, len(messages))
            except InvalidReplyToken:
                log.info("reply token for %s no longer valid, pushing", envelope.chat_id)
        # A row of more than 5 messages whose reply went out and whose push then failed is pushed
        # whole on its retry (the token is spent): the replied part may show twice. Rare by design.
        while offset < len(messages):
            chunk = messages[offset:offset + MAX_MESSAGES]
            ids += await self.api.push(envelope.chat_id, chunk, retry_key=retry_key(envelope.key, offset))
            offset += len(chunk)
        self._record_pages(envelope, parts, ids)
        return SendResult(message_ids=ids)

    def parts(self, envelope: Envelope) -> list[Part]:
        out = envelope.payload
        link = self._link(envelope.key, out) if out.document is not None else None
        listed = self.listed(out, chat=f"line:{envelope.chat_id}") if out.kind == "reminder" else None
        return render(out, listed=listed, link=link)

    def listed(self, out: Outgoing, *, chat: str) -> list[Listed]:
        """The reminder's items as they stand now, each with the chat's agency's last reply day."""
        if not out.item_ids:
            return []
        bot = self.runtime.bot
        agency = bot.store.binding(chat=chat)
        tz = ZoneInfo(bot.settings.timezone)
        listed = []
        for item in bot.store.items(ids=out.item_ids, status="all"):
            who = None
            if agency is not None and agency != SECRETARIAT:
                who = answering_as(bot.directory, item, agency) or agency
            last = item.latest_reply(who)
            listed.append(Listed(item, last.at.astimezone(tz).date() if last else None, who))
        return listed

    def _reply_usable(self, envelope: Envelope) -> bool:
        expires = envelope.reply_token_expires
        return bool(envelope.reply_token) and expires is not None and expires > self.runtime.bot.clock()

    def _link(self, key: str, out: Outgoing) -> str:
        assert out.document is not None
        if key not in self._links:
            if len(self._links) >= MAX_LINKS:
                self._links.clear()
            self._links[key] = self.runtime.links.publish(out.document.filename, out.document.content)
        return self._links[key]

    def _record_pages(self, envelope: Envelope, parts: list[Part], ids: list[str]) -> None:
        """Each page of a reminder lands on its own items when quoted (the outbox records the rest)."""
        whole = envelope.payload.item_ids
        if all(part.item_ids == whole for part in parts):
            return
        chat = f"line:{envelope.chat_id}"
        for part, message_id in zip(parts, ids, strict=False):
            if part.item_ids:
                self.runtime.bot.store.record_sent(chat=chat, message_ids=[message_id], item_ids=part.item_ids)
