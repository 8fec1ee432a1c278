"""Benchmark: read and extract the four seed minutes over and over.

    .venv/bin/python bench/bench_import_parse.py [--seconds 3]

Prints documents per second (read_minutes + extract, the directory loaded once as the bot does)
and peak memory: tracemalloc's peak for Python allocations during the run, and the process's
maximum resident set size (ru_maxrss) including the interpreter and libraries. Aim: at least
100 documents per second (issue 10), under 200 MB; bench_minutes_quality.py times a 20-page record.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.minutes import extract, read_minutes  # noqa: E402
from config.directory import AgencyDirectory, fold  # noqa: E402

SEEDS = sorted((ROOT / "tests" / "data" / "minutes").glob("0*.txt"))


def run(seconds: float, *, cold: bool = False) -> tuple[int, float]:
    """`cold`: empty the text-folding cache before each document, as if every upload were new."""
    directory = AgencyDirectory.load_default()
    files = [(path.name, path.read_bytes()) for path in SEEDS]
    documents = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for name, content in files:
            if cold:
                fold.cache_clear()
            extract(read_minutes(name, content), directory=directory)
            documents += 1
    return documents, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description="會議紀錄解析效能測試")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    if not SEEDS:
        print("找不到種子會議紀錄（tests/data/minutes/0*.txt）", file=sys.stderr)
        return 1
    run(0.2)  # warm up: imports, regex compilation, the directory's cache
    documents, elapsed = run(args.seconds)
    cold_documents, cold_elapsed = run(args.seconds, cold=True)
    tracemalloc.start()
    run(min(1.0, args.seconds))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    sizes = sum(path.stat().st_size for path in SEEDS) / len(SEEDS) / 1024
    print(f"minutes import parse: {len(SEEDS)} seeds, {sizes:.1f} KiB each on average")
    print(f"  {documents} documents in {elapsed:.2f} s = {documents / elapsed:.1f} documents/s "
          f"({1000 * elapsed / documents:.2f} ms each)")
    print(f"  cold text cache: {cold_documents / cold_elapsed:.1f} documents/s "
          f"({1000 * cold_elapsed / cold_documents:.2f} ms each)")
    print(f"  peak memory: tracemalloc {peak / 1024 / 1024:.1f} MB, ru_maxrss {rss_mb:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
