"""A reminder round for 2,000 chats and 20,000 items against the fake LINE and Telegram APIs.

    .venv/bin/python bench/bench_reminder_round.py [--line 1000] [--telegram 1000] [--items 10]
                                                    [--database postgresql://… | --postgres]
    .venv/bin/python bench/bench_reminder_round.py --enqueue-only --chats 2000 5000 10000 [--postgres]
                                                    [--profile round.prof]

The fakes run in a process of their own with the platforms' documented limits: Telegram about 30
messages a second overall, one a second per chat, 20 a minute per group; LINE 2,000 requests a
second. The bot's side is what `lieguan serve` runs: the real LINE and Telegram channel senders
behind the outbox and its pacing. Printed: the time to plan the round and to enqueue it (what
`lieguan remind --now` does, on a bot just opened), the send rate per platform, and the 429s each
fake answered. Aim: under 2 s to plan and enqueue 10,000 chats; Telegram at 95% or more of its 30 a
second with no 429; LINE as fast as the machine allows, with no 429.

`--chats N …` runs one round per size, each on a database of its own, half the chats LINE and half
Telegram; `--enqueue-only` stops there (no fakes, nothing sent), which is how the sizes compare.
`--postgres` starts a throwaway PostgreSQL 15 (tests/fakes/postgres.py) instead of SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, insert, text

from bot.app import build_runtime
from bot.core import Bot, open_bot
from bot.rounds import enqueue_now, plan_now
from config.settings import Settings
from storage.db import migrate
from storage.models import Body, ChatBinding, Item, ItemAgency
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi

CREATED = datetime(2026, 1, 1, tzinfo=UTC)
NEXT_MEETING = timedelta(days=90)  # each reminder counts the office days to the reply deadline
LINE_TOKEN, TELEGRAM_TOKEN = "bench-token", "123:bench"
TELEGRAM_RATE = 30.0


def run_fakes(line_chats: int, telegram_chats: int, pipe: Connection) -> None:
    """The fake APIs in a process of their own, as the platforms are: not competing with the bot."""
    line = FakeLineApi(access_token=LINE_TOKEN, rate_limit=2000, max_records=100_000)
    telegram = FakeTelegramApi(token=TELEGRAM_TOKEN, max_records=100_000)
    for group in line_ids(line_chats):
        line.add_group(group, "聯絡群", count=3)
    for chat_id in telegram_ids(telegram_chats):
        telegram.add_chat(int(chat_id), title="聯絡群")

    async def serve() -> dict[str, Any]:
        async with line, telegram:
            pipe.send((line.url, telegram.base_url))
            await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # "stop"
        return {"line_429": sum(c.status == 429 for c in line.calls), "line_pushes": len(line.pushed()),
                "telegram_429": sum(c.status == 429 for c in telegram.calls),
                "telegram_sent": len(telegram.sent())}

    pipe.send(asyncio.run(serve()))


def line_ids(count: int) -> list[str]:
    return [f"C{n:032x}" for n in range(count)]


def telegram_ids(count: int) -> list[str]:
    return [str(-1_000_000_000 - n) for n in range(count)]


def seed(url: str, *, line_chats: int, telegram_chats: int, per_chat: int) -> list[str]:
    """One body meeting in 90 days; one agency per chat, each with `per_chat` items (written in bulk)."""
    migrate(url)
    store = open_bot(Settings(database_url=url)).store
    chats = [f"line:{c}" for c in line_ids(line_chats)] + [f"telegram:{c}" for c in telegram_ids(telegram_chats)]
    with store.session() as s:
        s.execute(insert(Body).values(id=1, name="強化社會安全網中央跨部會平台", code="強化", reminder_weekday=0,
                                      reminder_time="09:30", deadline_office_days=5, created_at=CREATED,
                                      next_meeting=date.today() + NEXT_MEETING))
        s.execute(insert(ChatBinding), [{"chat": chat, "agency": f"機關{n:04d}", "bound_by": "bench",
                                         "bound_at": CREATED} for n, chat in enumerate(chats)])
        items: list[dict[str, Any]] = [{"id": n * per_chat + k + 1, "body_id": 1, "case": str(n * per_chat + k + 1),
                  "subject": f"機關{n:04d}辦理事項{k + 1}", "text": f"請機關{n:04d}辦理第{k + 1}項事項並於下次會議報告",
                  "status": "tracking", "due_next_meeting": True, "created_at": CREATED, "updated_at": CREATED}
                 for n in range(len(chats)) for k in range(per_chat)]
        s.execute(insert(Item), items)
        s.execute(insert(ItemAgency), [{"item_id": i["id"], "agency": f"機關{(i['id'] - 1) // per_chat:04d}",
                                        "role": "lead", "position": 0} for i in items])
    store.engine.dispose()
    return chats


async def send(url: str, line_url: str, telegram_url: str, wanted: dict[str, int], senders: str
               ) -> dict[str, Any]:
    settings = Settings(database_url=url, line_channel_secret="bench", line_channel_access_token=LINE_TOKEN,
                        line_api_url=line_url, telegram_token=TELEGRAM_TOKEN, telegram_api_url=telegram_url)
    bot = open_bot(settings)
    runtime = build_runtime(bot)
    if senders == "plain":
        from tests.scheduler.senders import LineTestSender, TelegramTestSender

        runtime.outbox.senders.update(line=LineTestSender(line_url, LINE_TOKEN),
                                      telegram=TelegramTestSender(telegram_url, TELEGRAM_TOKEN))
    timing = await asyncio.to_thread(plan_and_enqueue, bot, list(runtime.outbox.senders), sum(wanted.values()))
    done: dict[str, float] = {}
    runtime.outbox.start()
    began = time.perf_counter()
    while len(done) < len(wanted):
        await asyncio.sleep(0.05)
        sent = await asyncio.to_thread(sent_by_platform, bot.store.engine)
        for platform, count in wanted.items():
            if platform not in done and sent.get(platform, 0) >= count:
                done[platform] = time.perf_counter() - began
    await runtime.outbox.stop()
    for channel in runtime.channels:
        await channel.stop()
    bot.store.engine.dispose()
    return timing | {"done": done, "retried": runtime.outbox.retried}


def plan_and_enqueue(bot: Bot, platforms: list[str], wanted: int, profile: str | None = None
                     ) -> dict[str, float]:
    """`lieguan remind --now`, timed in its two halves (and profiled, when asked)."""
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    rounds = plan_now(bot)
    planned, planned_cpu = time.perf_counter(), time.process_time()
    enqueue_now(bot, rounds, platforms)
    enqueued, enqueued_cpu = time.perf_counter(), time.process_time()
    if profiler and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    assert sum(len(r.messages) for r in rounds) == wanted, "one reminder per chat"
    return {"plan": planned - started, "enqueue": enqueued - planned, "cpu": enqueued_cpu - cpu,
            "plan_cpu": planned_cpu - cpu}


def enqueue_only(url: str, chats: int, profile: str | None) -> dict[str, float]:
    """The round planned and enqueued on a bot just opened, as `lieguan remind --now` does; nothing sent."""
    bot = open_bot(Settings(database_url=url))
    try:
        return plan_and_enqueue(bot, ["line", "telegram"], chats, profile)
    finally:
        bot.store.engine.dispose()


def sent_by_platform(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT substr(chat, 1, strpos(chat, ':') - 1), count(*) FROM outbox "
                                 "WHERE status = 'sent' GROUP BY 1" if engine.dialect.name == "postgresql" else
                                 "SELECT substr(chat, 1, instr(chat, ':') - 1), count(*) FROM outbox "
                                 "WHERE status = 'sent' GROUP BY 1")).all()
    return {platform: count for platform, count in rows}


def databases(args: argparse.Namespace) -> Iterator[str]:
    """An empty database per run: the one given, a new SQLite file, or one on a throwaway PostgreSQL."""
    if args.database:
        yield args.database
        return
    if not args.postgres:
        while True:
            yield f"sqlite:///{tempfile.mkdtemp(prefix='lieguan-bench-')}/bench.db"
    from tests.fakes.postgres import PostgresServer

    with PostgresServer() as server:
        for n in itertools.count():
            yield server.create_database(f"bench_round_{n}")


def sizes(args: argparse.Namespace) -> list[tuple[int, int]]:
    """(LINE chats, Telegram chats) per run."""
    if not args.chats:
        return [(args.line, args.telegram)]
    return [(n - n // 2, n // 2) for n in args.chats]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--line", type=int, default=1000, help="LINE chats")
    parser.add_argument("--telegram", type=int, default=1000, help="Telegram chats")
    parser.add_argument("--chats", type=int, nargs="+", help="chats per run, half LINE and half Telegram")
    parser.add_argument("--items", type=int, default=10, help="items per chat")
    parser.add_argument("--database", help="SQLAlchemy URL of an empty database (default: a new SQLite file)")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL 15 and run on it")
    parser.add_argument("--enqueue-only", action="store_true", help="plan and enqueue, send nothing")
    parser.add_argument("--profile", help="write the plan and enqueue's cProfile stats here (last run's)")
    parser.add_argument("--senders", choices=("channels", "plain"), default="channels",
                        help="the LINE and Telegram channels' senders (what serve runs), or plain text senders")
    args = parser.parse_args()
    runs = sizes(args)
    if args.database and len(runs) > 1:
        parser.error("--database takes one run: give one --chats size")
    for (line, telegram), url in zip(runs, databases(args), strict=False):
        seed(url, line_chats=line, telegram_chats=telegram, per_chat=args.items)
        total = line + telegram
        print(f"reminder round: {total:,} chats ({line:,} LINE, {telegram:,} Telegram), "
              f"{total * args.items:,} items, database {url.split(':', 1)[0].split('+')[0]}", flush=True)
        if args.enqueue_only:
            timing = enqueue_only(url, total, args.profile)
            print_timing(timing)
        else:
            run_with_fakes(args, url, line, telegram)


def print_timing(timing: dict[str, float]) -> None:
    total = timing["plan"] + timing["enqueue"]
    print(f"  plan {timing['plan']:.2f} s + enqueue {timing['enqueue']:.2f} s = {total:.2f} s "
          f"(this process's CPU: {timing['plan_cpu']:.2f} + {timing['cpu'] - timing['plan_cpu']:.2f} s; "
          "aim: 10,000 chats under 2 s)", flush=True)


def run_with_fakes(args: argparse.Namespace, url: str, line_chats: int, telegram_chats: int) -> None:
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    fakes = multiprocessing.get_context("spawn").Process(target=run_fakes, args=(line_chats, telegram_chats, theirs))
    fakes.start()
    line_url, telegram_url = ours.recv()
    wanted = {p: n for p, n in (("line", line_chats), ("telegram", telegram_chats)) if n}
    try:
        result = asyncio.run(send(url, line_url, telegram_url, wanted, args.senders))
    finally:
        ours.send("stop")
        stats = ours.recv()
        fakes.join(timeout=30)
    print(f"  {args.senders} senders")
    print_timing(result)
    if line_chats:
        seconds = result["done"]["line"]
        print(f"  LINE: {line_chats:,} reminders in {seconds:.1f} s = {line_chats / seconds:,.0f}/s "
              f"({stats['line_pushes']:,} LINE messages); 429s: {stats['line_429']}")
    if telegram_chats:
        seconds = result["done"]["telegram"]
        rate = telegram_chats / seconds
        print(f"  Telegram: {telegram_chats:,} reminders in {seconds:.1f} s = {rate:.1f}/s "
              f"({rate / TELEGRAM_RATE:.0%} of 30/s; {stats['telegram_sent']:,} Telegram messages); "
              f"429s: {stats['telegram_429']}")
    print(f"  retries in the outbox: {result['retried']}")


if __name__ == "__main__":
    main()
