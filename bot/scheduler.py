"""The scheduler: APScheduler 3 on the bot's own database, run by one replica at a time.

- Jobs live in the bot's database (SQLAlchemyJobStore, table apscheduler_jobs) in Asia/Taipei: one
  per body at its reminder time, and the daily digest. They name importable functions with plain
  arguments (`bot.scheduler:remind_job`, a body id), so they survive pickling.
- A run missed while the bot was down is caught up once: coalesce, with a misfire grace of a week;
  the round then covers the days since the body's last round (bot/rounds.py).
- APScheduler 3 forbids two schedulers on one job store. On PostgreSQL the replica holding the
  advisory lock LOCK_KEY runs it; the others try every LEADER_RETRY seconds and take over within
  seconds of the leader's death (PostgreSQL frees a dead session's locks at once). On SQLite there
  is one process, and it leads.
- The schedule itself is in the bot's tables (Body.reminder_time, the digest's time): the leader
  re-reads them every SYNC_EVERY seconds, so a change made through any replica reaches it. A new
  leader, and a new or changed body, run at once a round that is overdue (one lost in a crash).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from pathlib import Path
from typing import Protocol

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Connection, Engine, text

from bot.core import Bot
from bot.outbox import OutboxSender
from bot.rounds import clock_time, due_bodies, run_digest, run_scheduled
from handlers.digest import DEFAULT_TIME, TIME_SETTING
from storage.backup import scheduled_backup

log = logging.getLogger(__name__)
MISFIRE_GRACE = 7 * 24 * 3600  # seconds: a daily job missed this long ago still runs, once
SYNC_EVERY = 5.0
LEADER_RETRY = 2.0
LOCK_KEY = int.from_bytes(b"lieguan!", "big")  # pg_try_advisory_lock(bigint), per database
DIGEST_JOB = "digest"
BACKUP_JOB = "backup"

_active: ReminderScheduler | None = None  # the scheduler this process leads with, for the jobs


async def remind_job(body_id: int) -> None:
    """APScheduler's job at a body's reminder time."""
    if _active is not None:
        await _active.run_body(body_id)


async def digest_job() -> None:
    """APScheduler's job at the digest's time."""
    if _active is not None:
        await _active.run_digest()


async def backup_job() -> None:
    """APScheduler's job at the daily backup's time (LIEGUAN_BACKUP_DIR set): a dated file, old ones pruned."""
    if _active is not None:
        settings = _active.bot.settings
        try:
            made = await asyncio.to_thread(scheduled_backup, settings.database_url,
                                           Path(settings.backup_dir or "."), keep=settings.backup_keep)
            log.info("daily backup written: %s (%d bytes)", made.path, made.bytes)
        except Exception:
            log.exception("the daily backup failed")


class LeaderLock(Protocol):
    def acquire(self) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...


class SoleLeader:
    """SQLite: one bot process per database (the documented limit), so it always leads."""

    def acquire(self) -> bool:
        return True

    def held(self) -> bool:
        return True

    def release(self) -> None:
        pass


class AdvisoryLock:
    """PostgreSQL: a session-level advisory lock, on a connection of its own for as long as it leads."""

    def __init__(self, engine: Engine, key: int = LOCK_KEY) -> None:
        self.engine, self.key = engine, key
        self._conn: Connection | None = None

    def acquire(self) -> bool:
        if self._conn is None:
            self._conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = self._conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar()
        except Exception:
            self._drop()
            raise
        return bool(got)

    def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
            return True
        except Exception:  # the session is gone, and the lock with it
            self._drop()
            return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            finally:
                self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except Exception:
                log.debug("closing the leader connection failed", exc_info=True)


def leader_lock(engine: Engine) -> LeaderLock:
    return AdvisoryLock(engine) if engine.dialect.name == "postgresql" else SoleLeader()


class ReminderScheduler:
    def __init__(self, bot: Bot, outbox: OutboxSender, *, sync_every: float = SYNC_EVERY,
                 retry: float = LEADER_RETRY, lock: LeaderLock | None = None) -> None:
        self.bot, self.outbox = bot, outbox
        self.sync_every, self.retry = sync_every, retry
        self.lock = lock or leader_lock(bot.store.engine)
        self.scheduler: AsyncIOScheduler | None = None
        self.identity = f"{socket.gethostname()}:{os.getpid()}"
        self._times: dict[str, str] = {}  # job id → HH:MM as scheduled
        self._running: dict[int | str, asyncio.Lock] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    @property
    def platforms(self) -> list[str]:
        return list(self.outbox.senders)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._lead(), name="scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        self._step_down()
        await asyncio.to_thread(self.lock.release)

    async def _lead(self) -> None:
        while True:
            try:
                if not self.leading:
                    if await asyncio.to_thread(self.lock.acquire):
                        await self.take_over()
                elif not await asyncio.to_thread(self.lock.held):
                    log.warning("lost the scheduler lock; another replica will run the schedule")
                    self._step_down()
                else:
                    await self.sync()
            except Exception:
                log.exception("scheduler loop failed; trying again")
            await asyncio.sleep(self.sync_every if self.leading else self.retry)

    async def take_over(self) -> None:
        """Start APScheduler on the shared job store, and run whatever round is overdue."""
        global _active
        _active = self
        tz = self.bot.settings.timezone
        self.scheduler = AsyncIOScheduler(
            timezone=tz, jobstores={"default": SQLAlchemyJobStore(engine=self.bot.store.engine)},
            job_defaults={"coalesce": True, "misfire_grace_time": MISFIRE_GRACE, "max_instances": 1})
        self.scheduler.start()
        log.info("this replica (%s) runs the schedule", self.identity)
        await asyncio.to_thread(self.bot.store.note, key="scheduler",
                                value=f"{self.identity} since {self.bot.clock().isoformat()}")
        self._times = {}
        await self.sync(everything=True)

    def _step_down(self) -> None:
        global _active
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if _active is self:
            _active = None

    async def sync(self, *, everything: bool = False) -> None:
        """Jobs as the tables say; a body that is new or changed (or all, for a new leader) catches up."""
        assert self.scheduler is not None
        store = self.bot.store
        bodies = await asyncio.to_thread(store.bodies)
        wanted = {f"remind:{b.id}": (b.reminder_time, "bot.scheduler:remind_job", [b.id]) for b in bodies}
        wanted[DIGEST_JOB] = (await asyncio.to_thread(store.setting, key=TIME_SETTING, default=DEFAULT_TIME),
                              "bot.scheduler:digest_job", [])
        if self.bot.settings.backup_dir:
            wanted[BACKUP_JOB] = (self.bot.settings.backup_time, "bot.scheduler:backup_job", [])
        if everything:
            for job in self.scheduler.get_jobs():
                if job.id not in wanted:
                    job.remove()
        changed = set()
        for job_id, (at, func, args) in wanted.items():
            if self._times.get(job_id) != at and self._schedule(job_id, at, func, args):
                changed.add(job_id)
        for job_id in set(self._times) - set(wanted):
            if self.scheduler.get_job(job_id) is not None:
                self.scheduler.remove_job(job_id)
            del self._times[job_id]
        candidates = {b.id for b in bodies if everything or f"remind:{b.id}" in changed}
        if candidates:
            due = await asyncio.to_thread(due_bodies, self.bot)
            for body_id in due:
                if body_id in candidates:
                    await self.run_body(body_id)

    def _schedule(self, job_id: str, at: str, func: str, args: list[int]) -> bool:
        """Add or move a job; True when its trigger changed (a job as it was keeps its missed runs)."""
        assert self.scheduler is not None
        when = clock_time(at)
        trigger = CronTrigger(hour=when.hour, minute=when.minute, timezone=self.bot.settings.timezone)
        self._times[job_id] = at
        job = self.scheduler.get_job(job_id)
        if job is None:
            self.scheduler.add_job(func, trigger, args=args, id=job_id, name=f"{job_id} {at}",
                                   replace_existing=True)
            return True
        if str(job.trigger) != str(trigger):
            self.scheduler.reschedule_job(job_id, trigger=trigger)
            return True
        return False

    async def run_body(self, body_id: int) -> None:
        """The body's due round (a no-op when it already ran, here or in another replica)."""
        async with self._running.setdefault(body_id, asyncio.Lock()):
            plan = await asyncio.to_thread(run_scheduled, self.bot, body_id, self.platforms)
        if plan is not None:
            log.info("round %s of body %s: %s, %d messages", plan.round_id, body_id,
                     ",".join(plan.triggers.reasons()) or "nothing due", len(plan.messages))
            self.outbox.wake()

    async def run_digest(self) -> None:
        async with self._running.setdefault(DIGEST_JOB, asyncio.Lock()):
            digest = await asyncio.to_thread(run_digest, self.bot, self.platforms)
        if digest is not None and digest.messages:
            self.outbox.wake()
