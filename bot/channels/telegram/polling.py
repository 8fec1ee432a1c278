"""Long polling (getUpdates) for a bot without a public address: a laptop behind NAT.

Telegram allows one getUpdates consumer per bot; several replicas must use the webhook. An update
is confirmed (the next offset) only after it is recorded in the database, so a crash never loses
one. The raw JSON is fetched, not PTB's parsed Updates: the same bytes then take the webhook's path,
and an update PTB cannot read cannot jam the offset.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError

from bot.channels.telegram.sender import retry_seconds
from bot.channels.telegram.translate import ALLOWED_UPDATES

log = logging.getLogger(__name__)
MAX_BACKOFF = 30.0


class Poller:
    def __init__(self, api: Bot, accept: Callable[[dict[str, Any]], Awaitable[object]], *,
                 timeout: int = 25) -> None:
        self.api = api
        self.accept = accept  # records and schedules one raw update; raises when it cannot record
        self.timeout = timeout
        self.offset = 0

    async def run(self) -> None:
        failures = 0
        while True:
            try:
                batch = await self._fetch()
            except InvalidToken:
                log.error("Telegram 不接受機器人權杖，停止接收訊息。請檢查 LIEGUAN_TELEGRAM_TOKEN。")
                return
            except RetryAfter as flood:
                await asyncio.sleep(retry_seconds(flood))
                continue
            except Conflict:
                failures += 1
                log.warning("另一個程式也在用這個機器人接收訊息（getUpdates 或 Webhook）。"
                            "long polling 只能有一個；多台主機請設定 LIEGUAN_PUBLIC_URL 改用 Webhook。")
                await asyncio.sleep(min(MAX_BACKOFF, 2.0 ** failures))
                continue
            except TelegramError as error:
                failures += 1
                log.warning("暫時無法向 Telegram 取訊息（%s），稍後重試", error)
                await asyncio.sleep(min(MAX_BACKOFF, 2.0 ** failures))
                continue
            failures = 0
            try:
                await self._take(batch)
            except Exception:  # the database is unreachable: fetch the same updates again later
                log.exception("could not record polled Telegram updates")
                await asyncio.sleep(5.0)

    async def _fetch(self) -> list[Any]:
        # Bot API method names are case-insensitive; the lower-case name reaches do_api_request's
        # raw result without its advice to use Bot.get_updates (which returns parsed objects).
        result = await self.api.do_api_request(
            "getupdates", api_kwargs={"offset": self.offset, "timeout": self.timeout,
                                      "allowed_updates": ALLOWED_UPDATES},
            read_timeout=self.timeout + 10.0)
        return result if isinstance(result, list) else []

    async def _take(self, batch: list[Any]) -> None:
        """Record the batch (in one transaction: they are accepted together), then move the offset."""
        updates = [raw for raw in batch if isinstance(raw, dict) and isinstance(raw.get("update_id"), int)]
        await asyncio.gather(*(self.accept(raw) for raw in updates))
        if updates:
            self.offset = max(self.offset, *(raw["update_id"] + 1 for raw in updates))
