"""The command line both webhook benches share: which databases, how much load, what to print."""

from __future__ import annotations

import argparse
import time
from collections.abc import Awaitable, Callable

from bench._databases import Database, chosen, database
from bench._load import Result, Sizes
from bench._report import detail, table


def parser(doc: str | None, noun: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    parser.add_argument("--database", default="both", help="both (default), sqlite, postgresql, or a URL")
    parser.add_argument("--events", type=int, help=f"{noun} at full load (default 1000; --long 3000)")
    parser.add_argument("--rate", type=int, default=200, help=f"{noun} a second in the steady part")
    parser.add_argument("--seconds", type=float, help="length of the steady part (default 5; --long 10)")
    parser.add_argument("--long", action="store_true",
                        help=f"3000 {noun}, 10 s steady, never fewer because the server is slow")
    parser.add_argument("--detail", action="store_true", help="statements by shape, top 10 per phase")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    return parser


def sizes(args: argparse.Namespace) -> Sizes:
    chosen_sizes = Sizes(events=args.events or (3000 if args.long else 1000), rate=args.rate,
                         seconds=args.seconds or (10.0 if args.long else 5.0))
    if args.long:
        chosen_sizes.budget, chosen_sizes.least, chosen_sizes.cut_steady = 1e9, chosen_sizes.events, False
    return chosen_sizes


async def run_all(args: argparse.Namespace, run: Callable[[Database, Sizes], Awaitable[Result]],
                  title: str) -> None:
    """The bench on each chosen database in turn, then one table with a column each."""
    load = sizes(args)
    results = []
    started = time.perf_counter()
    for kind in chosen(args.database):
        with database(kind) as db:
            if db.server is not None:
                print(f"{db.label}: throwaway cluster, {db.server.durability()}", flush=True)
            results.append(await run(db, load))
            print(f"{db.label}: done ({time.perf_counter() - started:.0f} s)", flush=True)
    table(title.format(in_flight=load.in_flight, rate=load.rate), results, load)
    if args.detail:
        detail(results)
