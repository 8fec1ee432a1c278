"""Fetching 佐證 files: the outbox's sibling. A file an agency sends is a recorded job before it is
fetched; a task fetches due jobs, retries what failed for a while with backoff, and a job a dead
process was fetching is taken up again once its lease runs out. What the bot then says goes through
the outbox, keyed by the job, and the file is keyed by its message: a job done twice stores and says
everything once.

Channels bring the fetching itself (`fetchers[platform]`): LINE's blob API or an external URL,
Telegram's getFile; they raise ContentGone when the platform no longer has the file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.core import Bot
from bot.messages import ChatRef, Incoming, Outgoing
from bot.outbox import OutboxSender, backoff
from bot.router import UserError
from storage.base import StoreError
from storage.models import FetchJob

log = logging.getLogger(__name__)
Fetch = Callable[[dict[str, Any]], Awaitable[bytes]]
MAX_ATTEMPTS = 6  # about a minute of retries: LINE keeps content only for a while
TIMEOUT = 60.0  # seconds for one download (20 MB on a slow line)
BATCH = 8
KEEP = timedelta(days=7)  # finished jobs are kept this long (what failed and why), then forgotten


class ContentGone(Exception):
    """The platform no longer has this content (expired, deleted): only sending it again helps."""


class ContentTooBig(Exception):
    """The platform will not hand this file to a bot (Telegram: over 20 MB)."""


def job_payload(msg: Incoming, *, name: str, size: int | None, source: dict[str, Any],
                reply_token: str | None = None, reply_token_expires: datetime | None = None) -> dict[str, Any]:
    """What a job keeps of the message: enough to rebuild it after a restart, and where the file is."""
    return {"user_id": msg.user_id, "user_name": msg.user_name, "text": msg.text, "at": msg.at.isoformat(),
            "chat_kind": msg.chat_kind, "message_id": msg.message_id, "reply_to": msg.reply_to,
            "name": name, "size": size, "source": source, "reply_token": reply_token,
            "reply_token_expires": reply_token_expires.isoformat() if reply_token_expires else None}


def incoming_of(job: FetchJob) -> Incoming:
    p = job.payload
    return Incoming(chat=ChatRef(*job.chat.split(":", 1)), user_id=p["user_id"], user_name=p.get("user_name"),
                    text=p.get("text") or "", at=datetime.fromisoformat(p["at"]),
                    chat_kind=p.get("chat_kind", "group"), message_id=p.get("message_id"),
                    reply_to=p.get("reply_to"))


class FetchRunner:
    def __init__(self, bot: Bot, outbox: OutboxSender, *, poll: float = 1.0, timeout: float = TIMEOUT) -> None:
        self.bot = bot
        self.outbox = outbox
        self.poll = poll
        self.timeout = timeout
        self.fetchers: dict[str, Fetch] = {}
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    # ---- recording ------------------------------------------------------------------------------
    def record(self, msg: Incoming, *, name: str, size: int | None, source: dict[str, Any],
               reply_token: str | None = None, reply_token_expires: datetime | None = None) -> bool:
        """A file to fetch, written before anything else; False when this message's file is known."""
        from handlers.evidence import refusal

        key = f"{msg.chat.key}:{msg.message_id}"
        payload = job_payload(msg, name=name, size=size, source=source, reply_token=reply_token,
                              reply_token_expires=reply_token_expires)
        early = refusal(name=name, size=size, kind=str(source.get("kind", "")))
        if early is not None:  # too big, or a kind never accepted: said at once, nothing fetched
            self.outbox.enqueue([Outgoing(early)], origin=msg.chat, key=f"fetch:{key}",
                                reply_token=reply_token, reply_token_expires=reply_token_expires)
            return False
        fresh = self.bot.store.add_fetch_job(key=key, chat=msg.chat.key, payload=payload)
        if fresh:
            self._wake.set()
        return fresh

    # ---- fetching -------------------------------------------------------------------------------
    def start(self) -> None:
        self.bot.store.prune_fetch_jobs(before=self.bot.clock() - KEEP)
        self._task = asyncio.create_task(self._run(), name="evidence-fetch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                busy = await self.fetch_due()
            except Exception:  # the database went away: try again at the next poll
                log.exception("fetching files failed; trying again")
                busy = 0
            if not busy:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll)

    async def flush(self) -> None:
        """Fetch until nothing is due (tests)."""
        while await self.fetch_due():
            pass

    async def fetch_due(self) -> int:
        async with self._lock:
            jobs = self.bot.store.claim_fetch_jobs(limit=BATCH, platforms=list(self.fetchers))
            if jobs:
                await asyncio.gather(*(self._one(job) for job in jobs))
            return len(jobs)

    async def _one(self, job: FetchJob) -> None:
        from handlers.evidence import received, unavailable

        msg = incoming_of(job)
        fetch = self.fetchers[msg.chat.platform]
        status, error, retry_at, answers = "done", None, None, list[Outgoing]()
        try:
            content = await asyncio.wait_for(fetch(job.payload["source"]), timeout=self.timeout)
        except ContentGone as exc:
            status, error, answers = "failed", f"gone: {exc}", unavailable(job.payload["name"], gone=True)
        except ContentTooBig as exc:
            status, error, answers = "failed", f"too big: {exc}", unavailable(job.payload["name"], big=True)
        except Exception as exc:  # 5xx, the network, a download too slow: tried again for a while
            error = f"{type(exc).__name__}: {exc}"
            if job.attempts + 1 >= MAX_ATTEMPTS:
                status, answers = "failed", unavailable(job.payload["name"])
            else:
                status, retry_at = "pending", self.bot.clock() + timedelta(seconds=backoff(job.attempts))
            log.warning("fetching %s failed (%s): %s", job.key, status, error)
        else:
            ctx = self.bot.context(actor=self.bot.actor_for(msg))
            try:
                answers = await received(msg, job.payload["name"], content, ctx)
            except (UserError, StoreError) as refused:  # the quota, an item gone meanwhile: said, not kept
                answers = [Outgoing(str(refused))]
        if answers:
            p = job.payload
            expires = p.get("reply_token_expires")
            self.outbox.enqueue(answers, origin=msg.chat, key=f"fetch:{job.key}", reply_token=p.get("reply_token"),
                                reply_token_expires=datetime.fromisoformat(expires) if expires else None)
        self.bot.store.settle_fetch_job(key=job.key, status=status, error=error, retry_at=retry_at)
