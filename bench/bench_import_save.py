"""Import of all seeds, parse + save into a fresh SQLite database each round: documents per second, peak memory.

    .venv/bin/python bench/bench_import_save.py
"""

from __future__ import annotations

import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from bot.core import open_bot
from bot.minutes import read_minutes
from config.settings import Settings
from handlers.imports import save
from storage.db import migrate

SEEDS = sorted((Path(__file__).resolve().parents[1] / "tests" / "data" / "minutes").glob("0*.txt"))
ROUNDS = 10


def prepare(folder: Path, n: int) -> str:
    url = f"sqlite:///{folder}/bench{n}.db"
    migrate(url)
    return url


def one_round(url: str) -> int:
    bot = open_bot(Settings(database_url=url))
    ctx = bot.context()
    for seed in SEEDS:
        text = read_minutes(seed.name, seed.read_bytes())
        save(ctx, text, None, actor="bench", chat=None, resolve=("keep",))  # seeds 000 and 003 release and renew
    saved = bot.store.count_items()
    bot.store.engine.dispose()
    return saved


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        urls = [prepare(Path(tmp), n) for n in range(ROUNDS + 1)]  # migrations are not what we time
        one_round(urls[0])  # warm up imports and caches
        tracemalloc.start()
        started = time.perf_counter()
        items = sum(one_round(url) for url in urls[1:])
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    docs = ROUNDS * len(SEEDS)
    print(f"minutes import parse + save (SQLite, fresh database per round): {len(SEEDS)} seeds x {ROUNDS} rounds")
    print(f"  {docs} documents, {items} items saved in {elapsed:.2f} s = {docs / elapsed:.1f} documents/s")
    print(f"  peak memory: tracemalloc {peak / 2**20:.1f} MB, "
          f"ru_maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")


if __name__ == "__main__":
    main()
