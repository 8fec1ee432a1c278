"""Background work in lanes: one chat's updates one after another, in arrival order; chats take turns.

A chat's order matters ("匯入" then "確認匯入"; a message before its edit). A few workers take the
lanes round-robin, one update at a time, and let the event loop breathe between two updates:
handling an update is mostly synchronous database work, and without the pause a burst of updates
would run back to back and hold up the webhook's own 200s (and every other request) meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)
Work = Coroutine[Any, Any, None]


class Lanes:
    def __init__(self, *, workers: int) -> None:
        self.workers = workers
        self._queues: dict[str, deque[Work]] = {}  # a lane is here while it has work or is running
        self._ready: deque[str] = deque()  # lanes with work that no worker holds
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._pending = 0
        self._tasks: list[asyncio.Task[None]] = []

    def spawn(self, lane: str, work: Work) -> None:
        queue = self._queues.get(lane)
        if queue is None:
            self._queues[lane] = deque([work])
            self._ready.append(lane)
        else:
            queue.append(work)  # the worker holding the lane, or its turn in _ready, will come to it
        self._pending += 1
        self._idle.clear()
        self._wake.set()
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._worker(), name=f"telegram-lane-{n}")
                           for n in range(self.workers)]

    async def _worker(self) -> None:
        while True:
            while not self._ready:
                self._wake.clear()
                await self._wake.wait()
            lane = self._ready.popleft()
            queue = self._queues[lane]
            try:
                await queue.popleft()
            except Exception:
                log.exception("background work in lane %s failed", lane)
            finally:
                self._pending -= 1
                if queue:
                    self._ready.append(lane)  # behind the other chats: a busy chat does not starve them
                else:
                    del self._queues[lane]
                if not self._pending:
                    self._idle.set()
            await asyncio.sleep(0)  # let the loop read requests between two updates

    def holds(self, lane: str) -> bool:
        """Work of this lane is waiting or running: what comes next for it must wait its turn."""
        return lane in self._queues

    @property
    def busy(self) -> int:
        return self._pending

    async def drain(self, *, timeout: float) -> None:
        """Wait until every piece of work spawned is done (or `timeout` passes)."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("%d Telegram updates still being handled", self._pending)

    async def close(self) -> None:
        """Stop the workers; work not yet started is dropped (it stays `received` for the sweep)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        for queue in self._queues.values():
            for work in queue:
                work.close()
        self._queues.clear()
        self._ready.clear()
        self._pending = 0
        self._idle.set()
