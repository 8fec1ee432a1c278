"""What only LINE knows, for handlers (ChannelServices) and for the webhook: quota, members, names."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from bot.channels.line.client import NETWORK_ERRORS, LineApi, LineError
from bot.router import UserError

log = logging.getLogger(__name__)
COUNT_TTL = 300.0  # member counts change when someone joins or leaves; those events also forget them
NAME_TTL = 3600.0
MAX_CACHED = 10_000
K = TypeVar("K")
V = TypeVar("V")


class LineServices:
    """ChannelServices for LINE (bot/context.py), with small caches so a busy group costs few calls."""

    def __init__(self, api: LineApi, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.api = api
        self.clock = clock
        self._counts: dict[str, tuple[float, int]] = {}
        self._names: dict[tuple[str, str], tuple[float, str | None]] = {}

    async def quota(self) -> tuple[int | None, int] | None:
        try:
            return await self.api.quota()
        except (LineError, *NETWORK_ERRORS) as exc:
            log.warning("LINE quota unavailable: %r", exc)
            raise UserError("目前無法向 LINE 查詢訊息額度，請稍後再試。") from exc

    async def member_count(self, chat_id: str) -> int | None:
        cached = self._counts.get(chat_id)
        if cached is not None and self.clock() - cached[0] < COUNT_TTL:
            return cached[1]
        count = await self.api.member_count(chat_id)
        if count is not None:
            _bounded(self._counts)[chat_id] = (self.clock(), count)
        return count

    async def display_name(self, chat_id: str, user_id: str) -> str | None:
        cached = self._names.get((chat_id, user_id))
        if cached is not None and self.clock() - cached[0] < NAME_TTL:
            return cached[1]
        name = await self.api.display_name(chat_id, user_id)
        _bounded(self._names)[(chat_id, user_id)] = (self.clock(), name)
        return name

    def known_name(self, chat_id: str, user_id: str) -> tuple[bool, str | None]:
        """(known, name) without asking LINE: known is False when only a call could tell."""
        cached = self._names.get((chat_id, user_id))
        if cached is not None and self.clock() - cached[0] < NAME_TTL:
            return True, cached[1]
        return False, None

    def forget(self, chat_id: str) -> None:
        """Someone joined or left: the next count asks LINE again."""
        self._counts.pop(chat_id, None)


def _bounded(cache: dict[K, V]) -> dict[K, V]:
    if len(cache) >= MAX_CACHED:
        cache.clear()
    return cache
