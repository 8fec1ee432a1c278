"""Crashes in the middle of a burst of 300 LINE replies, on a PostgreSQL that keeps what it committed.

A real `lieguan serve`, the fake LINE on loopback, and 300 signed `#N …` progress replies from ten
bound groups, posted 16 at a time as LINE does under load. What LINE was answered 200 for is ours:
its reply must be stored exactly once and acknowledged in its chat. What was not answered 200 (no
answer, or 503 while the database was down) is LINE's to redeliver, and the tests redeliver it.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.channels.crashkit import (
    DURABLE,
    DurablePostgres,
    LineServe,
    Sent,
    acknowledgements,
    burst,
    describe,
    event_statuses,
    outbox_rows,
    prepare,
    redeliver,
    replies,
    stored,
    stored_in_time,
    until,
)
from tests.fakes.line_api import FakeLineApi

RESUME_WITHIN = 5.0  # seconds from the restarted process's start until every acknowledged reply is stored
EVENTS = 300
KILL_AFTER = 200  # answered 200 before the kill
HALT_AFTER = 100  # answered 200 before PostgreSQL stops
DOWN = 2.0  # seconds PostgreSQL stays down
STALE_WAIT = 75.0  # without owner leases, events wait for STALE (60 s): long enough to see it happen
SETTLE = 30.0  # longest wait for what should take seconds
_names = itertools.count(1)


class SlowResume(AssertionError):
    """Everything acknowledged was kept, but not all of it handled within RESUME_WITHIN of the restarted
    process being up."""


class OutageNotRecovered(AssertionError):
    """After the database came back, the running process left acknowledged events unhandled (on disk,
    `received`) or acknowledged some twice. Nothing was lost or stored twice: those fail the test."""


@pytest.fixture(scope="module")
def durable_postgres() -> Iterator[DurablePostgres]:
    server = DurablePostgres()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def durable_url(durable_postgres: DurablePostgres) -> str:
    name = f"crash_{next(_names)}"
    url = durable_postgres.create_database(name)
    shown = durable_postgres.shown(name)
    assert shown == DURABLE, f"PostgreSQL is not durable here ({shown}): a crash test would prove nothing"
    return url


def unfinished(url: str, line: FakeLineApi, events: list[Sent]) -> list[Sent]:
    """The events still `received` (on disk, to be handled), after checking that none is stored twice and
    none is lost: every other event is `done` with its reply stored (not given up as `failed`, not
    finished without its reply, as when a handler's database error is answered with the generic apology)."""
    kept, statuses = stored(url, events), event_statuses(url, events)
    doubled = [s for s in events if kept[s.message_id] > 1]
    assert doubled == [], "stored twice:\n" + describe(url, line, doubled)
    lost = [s for s in events if statuses.get(s.key) != "received"
            and (statuses.get(s.key) != "done" or not kept[s.message_id])]
    assert lost == [], "lost:\n" + describe(url, line, lost)
    return [s for s in events if statuses.get(s.key) == "received"]


def acknowledged_once(url: str, line: FakeLineApi, events: list[Sent], *, first_calls: int = 0) -> list[str]:
    """Every event handled has its 已記錄 acknowledgement in its chat, by reply token or by push (never
    pushed twice: the retry key). Returns the events acknowledged twice, by token and again by push,
    other than where the killed process (its calls to LINE: the first `first_calls`) had replied and
    died before noting it: a reply carries no retry key, so the restart cannot know it went out."""
    acks, statuses = acknowledgements(line, url, events), event_statuses(url, events)
    for sent in events:
        if statuses.get(sent.key) == "done":
            assert acks.replied[sent.key] + acks.pushed[sent.key] >= 1, "handled, never acknowledged: " + (
                describe(url, line, [sent]))
            texts = acks.texts[sent.key]
            assert all(t.startswith("已記錄 #") for t in texts), (sent.key, texts)
        assert acks.pushed[sent.key] <= 1, f"{sent.key}: pushed {acks.pushed[sent.key]} times"
    explained = {key for key in acks.doubled if acks.replied_at[key] < first_calls}
    print(f"acknowledged twice: {len(explained)} replied to by a killed process and pushed after the "
          f"restart, {len(acks.doubled - explained)} otherwise")
    return sorted(acks.doubled - explained)


def answered(url: str, events: list[Sent]) -> bool:
    """Every event handled has its answer in the outbox, sent."""
    statuses, rows = event_statuses(url, events), outbox_rows(url, events)
    return all(rows[s.key] and all(status == "sent" for _, status in rows[s.key])
               for s in events if statuses.get(s.key) == "done")


async def test_a_process_killed_mid_burst_stores_every_acknowledged_reply_once_after_a_restart(
        durable_url: str, tmp_path: Path) -> None:
    async with FakeLineApi(max_records=50_000) as line:
        groups, labels = prepare(durable_url, line, groups=10)
        events = replies(line, groups, labels, EVENTS)
        first = LineServe(durable_url, line, tmp_path, "first")
        await first.ready()

        def kill_once_enough_are_acknowledged() -> None:
            if first.process.poll() is None and sum(s.acknowledged for s in events) >= KILL_AFTER:
                first.kill()

        await burst(first.webhook, events, concurrency=16, after_each=kill_once_enough_are_acknowledged)
        acknowledged = [s for s in events if s.acknowledged]
        assert first.process.returncode == -9 and KILL_AFTER <= len(acknowledged) < EVENTS  # killed mid-burst
        await asyncio.sleep(0.5)  # LINE reads what the dead process had sent before it died
        first_calls = len(line.calls)
        recorded = event_statuses(durable_url, acknowledged)
        assert [s.key for s in acknowledged if s.key not in recorded] == []  # each 200 was on disk first
        by_first = sum(1 for n in stored(durable_url, acknowledged).values() if n)

        restarted = time.monotonic()
        second = LineServe(durable_url, line, tmp_path, "second")
        try:
            await second.ready()
            up = time.monotonic() - restarted
            unanswered = [s for s in events if not s.acknowledged]
            redelivery = asyncio.create_task(redeliver(second.webhook, unanswered))  # LINE's, meanwhile
            progress = await stored_in_time(durable_url, acknowledged, since=restarted, timeout=STALE_WAIT)
            await redelivery
            await until(lambda: answered(durable_url, events), timeout=SETTLE)
        finally:
            second.stop()
        print(f"\nkilled after {len(acknowledged)} events acknowledged, {by_first} of them stored by then; "
              f"restarted process up in {up:.1f} s; acknowledged replies stored: {progress.timeline()}")

        assert all(s.acknowledged for s in events)  # the redeliveries were taken
        left = unfinished(durable_url, line, events)
        doubled = acknowledged_once(durable_url, line, events, first_calls=first_calls)
        assert doubled == [], "acknowledged twice:\n" + describe(durable_url, line, [s for s in events if s.key in doubled])
        # measured from when the restarted process answers: how long Python takes to start on two
        # busy cores is not what the lease decides (the whole time is printed above)
        if left or not progress.complete or progress.took - up > RESUME_WITHIN:
            raise SlowResume(f"{len(left)} of {len(acknowledged)} acknowledged events still unhandled, all "
                             f"stored: {progress.complete}, {progress.took - up:.1f} s after the restarted process "
                             f"was up (aim: {RESUME_WITHIN} s; it was up {up:.1f} s after the restart)")


async def test_postgresql_stopped_mid_burst_is_503_meanwhile_and_loses_no_acknowledged_reply(
        durable_postgres: DurablePostgres, durable_url: str, tmp_path: Path) -> None:
    async with FakeLineApi(max_records=50_000) as line:
        groups, labels = prepare(durable_url, line, groups=10)
        events = replies(line, groups, labels, EVENTS)
        serve = LineServe(durable_url, line, tmp_path, "serve")
        await serve.ready()
        outage: list[asyncio.Task[float]] = []

        async def crash_postgres() -> float:
            await asyncio.to_thread(durable_postgres.halt, "immediate")
            await asyncio.sleep(DOWN)
            await asyncio.to_thread(durable_postgres.restart)
            return time.monotonic()

        def halt_once_enough_are_acknowledged() -> None:
            if not outage and sum(s.acknowledged for s in events) >= HALT_AFTER:
                outage.append(asyncio.create_task(crash_postgres()))

        try:
            await burst(serve.webhook, events, concurrency=16, after_each=halt_once_enough_are_acknowledged)
            back = await outage[0]
            refused = sum(1 for s in events if not s.acknowledged)
            redelivery = asyncio.create_task(redeliver(serve.webhook, events))
            progress = await stored_in_time(durable_url, events, since=back, timeout=SETTLE)
            await redelivery
            await until(lambda: answered(durable_url, events), timeout=SETTLE)
        finally:
            serve.stop()
        print(f"\n{refused} events answered 503 while PostgreSQL was down (redelivered after); replies "
              f"stored after it was back: {progress.timeline()}")

        statuses = [status for s in events for status in s.statuses]
        assert set(statuses) <= {200, 503}, sorted(set(statuses))  # never a 500, never a dropped connection
        assert 503 in statuses  # the outage fell mid-burst
        assert all(after for s in events for status, after in zip(s.statuses, s.retry_after, strict=True)
                   if status == 503)  # every 503 says when to come back
        assert all(s.acknowledged for s in events)  # the redeliveries were taken
        left = unfinished(durable_url, line, events)
        doubled = acknowledged_once(durable_url, line, events)
        twice = [s for s in events if s.key in doubled]
        if left or twice:
            raise OutageNotRecovered(
                f"{len(left)} acknowledged events left `received`, unhandled {progress.took:.1f} s after "
                f"PostgreSQL was back:\n{describe(durable_url, line, left)}\n"
                f"{len(twice)} acknowledged twice, by token then by push:\n{describe(durable_url, line, twice)}")
        assert progress.complete  # within SETTLE; how long it took is printed above
