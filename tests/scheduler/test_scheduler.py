"""APScheduler 3 on the bot's own database: jobs that survive pickling, a missed run caught up once,
a schedule changed anywhere reaching the leader, and one leader among replicas on PostgreSQL."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect

import bot.scheduler as scheduling
from bot.app import build_runtime
from bot.scheduler import MISFIRE_GRACE, AdvisoryLock, ReminderScheduler
from config.settings import Settings
from storage.db import make_engine, migrate
from tests.conftest import Clock
from tests.scheduler.conftest import World
from tests.scheduler.test_rounds import at

TAIPEI = ZoneInfo("Asia/Taipei")


async def until(condition: Callable[[], bool], *, timeout: float = 20.0) -> None:
    """Wait for something to become true (never a fixed sleep)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the condition did not become true")
        await asyncio.sleep(0.02)


def reminder_scheduler(world: World) -> ReminderScheduler:
    runtime = build_runtime(world.bot)
    runtime.outbox.senders.update(line=object(), telegram=object())  # type: ignore[arg-type]
    assert runtime.scheduler is not None
    return runtime.scheduler


@pytest.fixture
async def leader(world: World) -> AsyncIterator[ReminderScheduler]:
    found = reminder_scheduler(world)
    await found.take_over()
    yield found
    await found.stop()


async def test_the_jobs_are_in_the_bots_database_in_taipei_time_and_survive_pickling(
        leader: ReminderScheduler, world: World) -> None:
    assert leader.scheduler is not None
    jobs = {job.id: job for job in leader.scheduler.get_jobs()}
    assert set(jobs) == {"remind:1", "digest"}
    job = jobs["remind:1"]
    assert (job.func_ref, job.args) == ("bot.scheduler:remind_job", (1,))
    assert str(job.trigger) == "cron[hour='9', minute='30']" and str(job.trigger.timezone) == "Asia/Taipei"
    assert job.coalesce and job.misfire_grace_time == MISFIRE_GRACE >= 24 * 3600
    assert str(jobs["digest"].trigger) == "cron[hour='17', minute='30']"
    assert pickle.loads(pickle.dumps(job.__getstate__()))["func"] == "bot.scheduler:remind_job"
    assert "apscheduler_jobs" in inspect(world.bot.store.engine).get_table_names()


async def test_a_schedule_changed_through_any_replica_reaches_the_leader(
        leader: ReminderScheduler, world: World) -> None:
    for command in ("提醒 每週三 14:00", "通知 摘要 18:00", "會議 新增 桃園市社會福利委員會"):
        await world.secretariat.send(command)  # in this replica or another: it is in the tables
    await leader.sync()  # what the leader does every few seconds
    assert leader.scheduler is not None
    triggers = {job.id: str(job.trigger) for job in leader.scheduler.get_jobs()}
    assert triggers == {"remind:1": "cron[hour='14', minute='0']", "remind:2": "cron[hour='9', minute='30']",
                        "digest": "cron[hour='18', minute='0']"}


async def test_a_new_leader_runs_a_round_that_should_have_run(world: World) -> None:
    at(world, "2026-11-30 11:00")  # Monday's 09:30 round never ran: the leader died mid-round
    found = reminder_scheduler(world)
    await found.take_over()
    await found.stop()
    rows = world.bot.store.outbox_rows(key_prefix="remind:")
    assert sorted(r.key for r in rows) == ["remind:1:line:Cmoe:2026-11-30", "remind:1:telegram:-100200:2026-11-30"]


async def test_a_run_missed_while_the_bot_was_down_is_caught_up_once(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    first = reminder_scheduler(world)
    await first.take_over()
    assert first.scheduler is not None
    first.scheduler.pause()
    weeks_ago = datetime.now(TAIPEI).replace(hour=9, minute=30, second=0, microsecond=0) - timedelta(weeks=3)
    first.scheduler.modify_job("remind:1", next_run_time=weeks_ago)  # as if down for three weeks
    await first.stop()

    calls: list[int] = []
    original: Callable[[int], Awaitable[None]] = scheduling.remind_job

    async def counted(body_id: int) -> None:
        await original(body_id)
        calls.append(body_id)

    monkeypatch.setattr(scheduling, "remind_job", counted)  # the job's reference resolves to this
    at(world, "2026-11-30 10:00")  # the bot's own clock: back on a Monday
    second = reminder_scheduler(world)
    await second.take_over()
    assert second.scheduler is not None
    await until(lambda: bool(calls))
    job = second.scheduler.get_job("remind:1")
    assert job is not None and job.next_run_time > datetime.now(TAIPEI)  # nothing more is due
    await second.stop()
    assert calls == [1]  # once, not once per missed day
    rows = world.bot.store.outbox_rows(key_prefix="remind:")
    assert [r.chat for r in rows] == ["line:Cmoe", "telegram:-100200"]


def test_only_one_replica_holds_the_lock_and_another_takes_over_when_it_dies(postgres: object) -> None:
    url = postgres.create_database("lieguan_leader")  # type: ignore[attr-defined]
    migrate(url)
    engine = make_engine(url)
    first, second = AdvisoryLock(engine), AdvisoryLock(engine)
    assert first.acquire() and not second.acquire()
    assert first._conn is not None
    pid = first._conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with engine.connect() as admin:  # the leader's process dies: its session ends
        admin.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
    assert not first.held()
    assert second.acquire() and second.held()
    second.release()
    engine.dispose()


async def test_replicas_on_postgresql_elect_one_leader_and_a_new_one_when_it_stops(
        postgres: object, clock: Clock) -> None:
    url = postgres.create_database("lieguan_replicas")  # type: ignore[attr-defined]
    migrate(url)
    from bot.core import open_bot

    bots = [open_bot(Settings(database_url=url), clock=clock) for _ in range(2)]
    schedulers = [ReminderScheduler(b, build_runtime(b).outbox, sync_every=0.05, retry=0.05) for b in bots]
    for s in schedulers:
        await s.start()
    await until(lambda: any(s.leading for s in schedulers))
    first = next(s for s in schedulers if s.leading)
    other = next(s for s in schedulers if s is not first)
    assert not other.leading
    await first.stop()
    await until(lambda: other.leading)
    await other.stop()
    for b in bots:
        b.store.engine.dispose()

