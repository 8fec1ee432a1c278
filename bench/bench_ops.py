"""Backup, restore and the move to PostgreSQL for a large database, with time and peak memory.

    .venv/bin/python bench/bench_ops.py [--items 10000] [--replies 10] [--sizes 1,4]
                                        [--postgres postgresql://…/postgres]

A body with `items` items (one lead agency each) and `replies` replies per item, written with bulk
inserts into a fresh SQLite file. Then, each in a fresh process so that its peak is its own:
`lieguan backup` of the SQLite file, `lieguan restore` into a new SQLite file, `lieguan move-to` a new
PostgreSQL database, and `backup`/`restore` on PostgreSQL (pg_dump / pg_restore). Printed per
operation: seconds, the process's peak RSS (getrusage) and the peak of Python's own allocations
(tracemalloc), for each size: the database at 1/4 of `items` and at `items` by default, to show
that memory does not grow with the data. Without --postgres a throwaway PostgreSQL is started
(tests/fakes/postgres.py). Aim: each under a minute at 10,000 items and 100,000 replies.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from storage.db import make_engine, migrate
from storage.models import Body, Item, ItemAgency, Reply

START = datetime(2025, 1, 6, 1, 30, tzinfo=UTC)
AGENCIES = ["衛生福利部", "教育部", "內政部", "法務部", "勞動部", "臺北市政府", "新北市政府", "高雄市政府"]
CHUNK = 10_000


def build(url: str, items: int, replies: int) -> None:
    """The database, fast: Core bulk inserts in large chunks, one transaction per table."""
    migrate(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(Body), [{"id": 1, "name": "強化社會安全網中央跨部會平台", "code": "強化",
                                     "created_at": START}])
        for first in range(0, items, CHUNK):
            ids = range(first + 1, min(first + CHUNK, items) + 1)
            conn.execute(insert(Item), [{
                "id": i, "body_id": 1, "case": str(i), "subject": f"第{i}案案由",
                "text": f"請{AGENCIES[i % len(AGENCIES)]}就社會安全網第{i}項策略研提具體作法，並於下次會議報告辦理情形。",
                "status": "tracking", "created_at": START, "updated_at": START} for i in ids])
            conn.execute(insert(ItemAgency), [{"item_id": i, "agency": AGENCIES[i % len(AGENCIES)],
                                               "role": "lead", "position": 0} for i in ids])
        total = items * replies
        for first in range(0, total, CHUNK):
            conn.execute(insert(Reply), [{
                "id": n + 1, "item_id": n % items + 1, "agency": AGENCIES[(n % items + 1) % len(AGENCIES)],
                "text": f"第{n // items + 1}次辦理情形：已於本（{n % 12 + 1}）月召開研商會議，函請各縣市政府配合辦理，"
                        "並完成轉介流程草案（含離島地區），續辦中。",
                "author": f"line:U{n % 97:032x}", "author_name": "李先生", "chat": "line:Cbench",
                "at": START + timedelta(minutes=n)} for n in range(first, min(first + CHUNK, total))])
    engine.dispose()


def peak_rss() -> int:
    """This process's own peak RSS in bytes: VmHWM, since getrusage's ru_maxrss survives fork and exec
    on Linux and would show the parent's peak; getrusage where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measured(work: Callable[[], Any], traced: bool) -> tuple[float, int, int]:
    """Seconds and peak RSS; with `traced`, the peak of Python's allocations instead of the time's accuracy
    (tracemalloc slows Python down several times, so that run's time is not reported)."""
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    python_peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    return seconds, peak_rss(), python_peak


def operation(name: str, traced: bool, args: tuple[str, ...]) -> tuple[float, int, int]:
    """One operation in this (fresh) process: imports are done before the clock starts."""
    from storage.backup import create_backup
    from storage.move import move_to
    from storage.restore import restore_backup

    if name == "backup":
        return measured(lambda: create_backup(args[0], Path(args[1])), traced)
    if name == "restore":
        return measured(lambda: restore_backup(args[0], Path(args[1]), force=True), traced)
    return measured(lambda: move_to(args[0], args[1]), traced)


def in_child(name: str, traced: bool, *args: str) -> tuple[float, int, int]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(operation, (name, traced, args))


def run_size(items: int, replies: int, folder: Path, pg_database: Callable[[str], str],
             traced: bool) -> list[tuple[str, ...]]:
    sqlite = f"sqlite:///{folder}/lieguan-{items}.db"
    started = time.perf_counter()
    build(sqlite, items, replies)
    built = time.perf_counter() - started
    size = Path(f"{folder}/lieguan-{items}.db").stat().st_size
    print(f"{items:,} items, {items * replies:,} replies: built in {built:.1f} s, {size / 1e6:.1f} MB", flush=True)
    moved, restored = pg_database(f"moved_{items}"), pg_database(f"restored_{items}")
    steps = [
        ("backup (SQLite)", "backup", sqlite, f"{folder}/sqlite-{items}.zip"),
        ("restore (SQLite)", "restore", f"sqlite:///{folder}/restored-{items}.db", f"{folder}/sqlite-{items}.zip"),
        ("move-to PostgreSQL", "move", sqlite, moved),
        ("backup (PostgreSQL)", "backup", moved, f"{folder}/pg-{items}.zip"),
        ("restore (PostgreSQL)", "restore", restored, f"{folder}/pg-{items}.zip"),
    ]
    rows: list[tuple[str, ...]] = []
    python_peak = 0
    for label, name, *args in steps:
        seconds, rss, _ = in_child(name, False, *args)
        if traced:  # a second run: the move needs an empty target again
            again = [args[0], pg_database(f"traced_{items}")] if name == "move" else args
            python_peak = in_child(name, True, *again)[2]
        out = Path(args[1]) if name == "backup" else None
        extra = f", file {out.stat().st_size / 1e6:.1f} MB" if out else ""
        print(f"  {label:22} {seconds:6.2f} s   peak RSS {rss / 2**20:6.1f} MiB"
              + (f"   Python peak {python_peak / 2**20:6.2f} MiB" if traced else "") + extra, flush=True)
        rows.append((f"{items:,} / {items * replies:,}", label, f"{seconds:.2f} s", f"{rss / 2**20:.0f} MiB",
                     f"{python_peak / 2**20:.1f} MiB" if traced else "—"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--replies", type=int, default=10, help="replies per item")
    parser.add_argument("--sizes", default="1,4", help="fractions of --items, in quarters (1,4: 1/4 and all)")
    parser.add_argument("--traced", action="store_true",
                        help="run each operation a second time under tracemalloc for Python's own peak")
    parser.add_argument("--postgres", help="URL of a PostgreSQL server's postgres database (default: start one)")
    options = parser.parse_args()
    server: Any = None
    if options.postgres is None:
        from tests.fakes.postgres import PostgresServer

        server = PostgresServer().start()
    try:
        def pg_database(name: str) -> str:
            if server is not None:
                return str(server.create_database(name))
            import psycopg
            import psycopg.sql

            base = options.postgres.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
            return base.rsplit("/", 1)[0] + f"/{name}"

        rows = []
        with tempfile.TemporaryDirectory(prefix="lieguan-bench-ops-") as folder:
            for quarter in (int(q) for q in options.sizes.split(",")):
                items = options.items * quarter // 4
                rows += run_size(items, options.replies, Path(folder), pg_database, options.traced)
        print("\n| items / replies | operation | time | peak RSS | Python peak |\n|---|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
