"""Telegram's flood limits, kept before a message leaves rather than learnt from 429s.

Telegram's FAQ: avoid more than one message a second in a chat (short bursts are tolerated),
no more than 20 a minute in a group, about 30 a second overall. A 429 still happens when another
process sends with the same token; its retry_after then blocks that chat here too.

The limits hold per process: replicas sharing one token each keep them, and the 429s that follow
are honoured (the outbox retries the row after retry_after).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable


class Busy(Exception):
    """Sending now would break a limit for longer than the sender is willing to wait."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"Telegram 流量限制，需等待 {wait:.0f} 秒")
        self.wait = wait


class Throttle:
    def __init__(self, clock: Callable[[], float] = time.monotonic, *, chat_per_second: float = 1.0,
                 chat_burst: int = 3, group_per_minute: int = 20, global_per_second: int = 30) -> None:
        self.clock = clock
        self.chat_rate, self.chat_burst = chat_per_second, chat_burst
        self.group_per_minute, self.global_per_second = group_per_minute, global_per_second
        self._buckets: dict[int, tuple[float, float]] = {}  # chat → (tokens, when)
        self._groups: dict[int, deque[float]] = {}
        self._global: deque[float] = deque()
        self._blocked: dict[int, float] = {}  # chat → until (after a 429)
        self._taken = 0

    def wait_for(self, chat_id: int) -> float:
        """Seconds until a message to `chat_id` may go (0: it may go now)."""
        now = self.clock()
        waits = [self._blocked.get(chat_id, now) - now]
        tokens = self._tokens(chat_id, now)
        if tokens < 1:
            waits.append((1 - tokens) / self.chat_rate)
        group = self._window(self._groups.get(chat_id), now, 60.0)
        if len(group) >= self.group_per_minute:
            waits.append(60.0 - (now - group[-self.group_per_minute]))
        self._window(self._global, now, 1.0)
        if len(self._global) >= self.global_per_second:
            waits.append(1.0 - (now - self._global[-self.global_per_second]))
        return max(0.0, *waits)

    def take(self, chat_id: int) -> float:
        """0 and the message is counted when it may go now; else the seconds to wait."""
        wait = self.wait_for(chat_id)
        if wait > 0:
            return wait
        now = self.clock()
        self._buckets[chat_id] = (self._tokens(chat_id, now) - 1, now)
        if chat_id < 0:  # groups, supergroups and channels have negative ids
            self._groups.setdefault(chat_id, deque()).append(now)
        self._global.append(now)
        self._taken += 1
        if self._taken % 1000 == 0:
            self._forget(now)
        return 0.0

    async def acquire(self, chat_id: int, *, max_wait: float) -> None:
        """Wait for the chat's turn; Busy when that would take longer than `max_wait` seconds."""
        while (wait := self.take(chat_id)) > 0:
            if wait > max_wait:
                raise Busy(wait)
            await asyncio.sleep(wait)

    def penalise(self, chat_id: int, seconds: float) -> None:
        """Telegram said 429, retry after `seconds`: nothing goes to that chat before then."""
        until = self.clock() + seconds
        self._blocked[chat_id] = max(self._blocked.get(chat_id, until), until)

    def _tokens(self, chat_id: int, now: float) -> float:
        tokens, then = self._buckets.get(chat_id, (float(self.chat_burst), now))
        return min(float(self.chat_burst), tokens + (now - then) * self.chat_rate)

    @staticmethod
    def _window(window: deque[float] | None, now: float, span: float) -> deque[float]:
        if window is None:
            return deque()
        while window and now - window[0] >= span:
            window.popleft()
        return window

    def _forget(self, now: float) -> None:
        """Chats quiet for a minute hold nothing worth remembering."""
        self._buckets = {c: v for c, v in self._buckets.items() if now - v[1] < 60}
        self._groups = {c: w for c, w in self._groups.items() if self._window(w, now, 60.0)}
        self._blocked = {c: t for c, t in self._blocked.items() if t > now}
