"""Sending no faster than each platform allows, so that a reminder round meets no 429.

The documented limits: Telegram about 30 messages a second overall, one a second in a chat and
20 a minute in a group (Bot FAQ); LINE 2,000 requests a second to the push endpoint.

The platform counts arrivals, which we do not see: a request may arrive any time between setting
out and its answer. So a send counts from when it sets out until it is answered, then from its
answer: a request held up on its way (a busy event loop, a garbage collection) delays the ones
that would otherwise arrive inside its second, instead of earning a 429. Sends are spread evenly
over each second rather than going in a burst.

Pacing is per process: replicas sharing one bot token may together go faster; the platform's 429
and its retry-after are then honoured by the outbox.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

WAIT_IN_FLIGHT = 0.005  # how often to look again while the oldest counted send is unanswered


class Sent:
    """One send as the limits count it: in flight until answered, then at its answer."""

    __slots__ = ("answered", "at")

    def __init__(self, at: float) -> None:
        self.at, self.answered = at, False


class Window:
    """At most `limit` sends in any `period` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self._sent: deque[Sent] = deque()

    def delay(self, now: float) -> float:
        while self._sent and self._sent[0].answered and now - self._sent[0].at >= self.period:
            self._sent.popleft()
        if len(self._sent) < self.limit:
            return 0.0
        oldest = self._sent[0]
        return oldest.at + self.period - now if oldest.answered else WAIT_IN_FLIGHT

    def take(self, sent: Sent) -> None:
        self._sent.append(sent)

    def idle(self, now: float) -> bool:
        return all(s.answered and now - s.at >= self.period for s in self._sent)


@dataclass(frozen=True)
class Limits:
    per_second: int  # the whole platform, in any one second
    chat: tuple[int, float] | None = None  # (messages, seconds) in one chat
    group: tuple[int, float] | None = None  # (messages, seconds) in a group chat
    is_group: Callable[[str], bool] = lambda chat_id: False


SPREAD = 1.01  # sends are spaced over a second stretched by 1%
CATCH_UP = 5  # sends that may go back to back to make up for a late start (the windows still hold)
PLATFORM_LIMITS = {
    "telegram": Limits(per_second=30, chat=(1, 1.0), group=(20, 60.0),
                       is_group=lambda chat_id: chat_id.startswith("-")),
    "line": Limits(per_second=2000),
}


class Pacer:
    """Waits until a message to a chat may go; one per process, shared by every sender task."""

    def __init__(self, limits: dict[str, Limits] | None = None, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limits = PLATFORM_LIMITS if limits is None else limits
        self.clock, self.sleep = clock, sleep
        self._platform = {p: Window(lim.per_second, 1.0) for p, lim in self.limits.items()}
        self._due = dict.fromkeys(self.limits, 0.0)  # evenly spaced: when the next send is due
        self._turns = {p: asyncio.Lock() for p in self.limits}  # first come, first served
        self._chats: dict[tuple[str, str], list[Window]] = {}
        self._sweep = 0.0

    async def wait(self, platform: str, chat_id: str) -> Sent:
        """Return when a message to `chat_id` may be sent now; call `answered` when it has been."""
        limits = self.limits.get(platform)
        if limits is None:
            return Sent(self.clock())
        windows = self._windows(platform, chat_id, limits)
        while (delay := max((w.delay(self.clock()) for w in windows), default=0.0)) > 0:
            await self.sleep(delay)  # one chat's messages go one at a time: nobody else counts here
        interval = SPREAD / limits.per_second
        async with self._turns[platform]:
            window = self._platform[platform]
            while (delay := max(window.delay(self.clock()), self._due[platform] - self.clock())) > 0:
                await self.sleep(delay)
            now = self.clock()
            # the next is due one interval after this one was due: a send that was kept late (a busy
            # event loop) is made up for, up to CATCH_UP of them; after a pause, it counts from now
            due = self._due[platform]
            self._due[platform] = (due if now - due < CATCH_UP * interval else now) + interval
            sent = Sent(now)
            for w in (window, *windows):
                w.take(sent)
            return sent

    def answered(self, sent: Sent) -> None:
        """The platform answered (or the send failed): it arrived by now, if at all."""
        sent.at, sent.answered = self.clock(), True

    def _windows(self, platform: str, chat_id: str, limits: Limits) -> list[Window]:
        now = self.clock()
        if now - self._sweep > 120:  # forget chats that have been quiet for a while
            self._sweep = now
            self._chats = {k: ws for k, ws in self._chats.items() if not all(w.idle(now) for w in ws)}
        found = self._chats.get((platform, chat_id))
        if found is None:
            found = []
            if limits.chat:
                found.append(Window(*limits.chat))
            if limits.group and limits.is_group(chat_id):
                found.append(Window(*limits.group))
            self._chats[(platform, chat_id)] = found
        return found
