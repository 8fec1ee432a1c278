"""Two `lieguan serve` replicas on one PostgreSQL: one runs the schedule, both send from the outbox,
nothing is sent twice; the leader is killed, the other takes the schedule over and reminders go on."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core import open_bot
from config.settings import Settings
from tests.scheduler.processes import (
    HeldLine,
    HeldTelegram,
    Serve,
    due_body,
    prepare,
    reminders_on_line,
    reminders_on_telegram,
    until,
)

FIRST, SECOND = "強化社會安全網中央跨部會平台", "桃園市社會福利委員會"


async def wait_healthy(replica: Serve) -> None:
    for _ in range(600):
        if await replica.healthy():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(replica.output())


def leader_pid(url: str) -> int | None:
    bot = open_bot(Settings(database_url=url))
    note = bot.store.note(key="scheduler")
    bot.store.engine.dispose()
    return int(note.split()[0].rsplit(":", 1)[1]) if note else None


async def test_two_replicas_share_the_outbox_and_survive_the_leaders_death(postgres: object,
                                                                           tmp_path: Path) -> None:
    url = postgres.create_database("lieguan_two_replicas")  # type: ignore[attr-defined]
    async with HeldLine() as line, HeldTelegram() as telegram:
        chats = prepare(url, line, telegram, line_chats=150, telegram_chats=60)
        first = Serve(url, line, telegram, tmp_path, "a")
        await until(lambda: leader_pid(url) is not None, why="the first replica's start", processes=(first,))
        replicas = (first, Serve(url, line, telegram, tmp_path, "b"))
        try:
            await wait_healthy(replicas[1])
            due_body(url, FIRST)  # the leader finds it when it re-reads the schedule; both replicas send
            await until(lambda: all(reminders_on_line(line, c) for c in chats.line)
                        and all(reminders_on_telegram(telegram, c) for c in chats.telegram),
                        why="the first round", processes=replicas)
            pid = leader_pid(url)
            leader = next(r for r in replicas if r.pid == pid)
            survivor = next(r for r in replicas if r is not leader)
            leader.kill()

            due_body(url, SECOND)  # a schedule change made while the leader is gone
            await until(lambda: leader_pid(url) == survivor.pid, why="the take-over", processes=replicas)
            await until(lambda: all(reminders_on_line(line, c, SECOND) for c in chats.line)
                        and all(reminders_on_telegram(telegram, c, SECOND) for c in chats.telegram),
                        why="the second round after the take-over", processes=replicas)
        finally:
            for replica in replicas:
                replica.stop()

    # one reminder of each round per chat; the second names its body, as there are two now
    assert [reminders_on_line(line, c) for c in chats.line] == [2] * len(chats.line)
    assert [reminders_on_line(line, c, SECOND) for c in chats.line] == [1] * len(chats.line)
    assert [reminders_on_telegram(telegram, c) for c in chats.telegram] == [2] * len(chats.telegram)
    assert [reminders_on_telegram(telegram, c, SECOND) for c in chats.telegram] == [1] * len(chats.telegram)
