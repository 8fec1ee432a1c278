"""The load generator's side of a webhook bench, shared by LINE and Telegram.

A channel's script starts its server (the real app plus bench/_server.py's routes) and its fake
platform API, and hands `measure` a Target: how to post one body, fresh signed events keyed by what
the fake API will see in the answer, and the arrival times the fake API notes. `measure` then runs
the same phases for every channel and database:

1. warm-up: 200 events, all answered;
2. the bare route at full load (`in_flight` requests at a time, 2,000 or more);
3. the webhook at full load: 200s/s, and events fully processed/s (the last answer's arrival at the
   fake API), with the server's counters and CPU read before and after, once it has gone quiet;
4. the webhook at a steady `rate` for `seconds`, whatever the answers do (open loop), same counters;
5. the bare route at the same steady rate, for the floor of the latencies.

So that a run stays near a minute a database, a slow server gets fewer events at full load (what the
warm-up says it processes in `budget` seconds, at least `least`), and when it cannot keep up with
`rate` the steady part lasts 2 s (its p99 then only says how long the backlog grew). Both are said
in the table's notes; --long turns them off.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, TCPConnector

from bench._databases import Database
from bench._server import kind

Post = Callable[[bytes], Awaitable[None]]


@dataclass
class Target:
    session: ClientSession
    base: str  # the bench server, http://127.0.0.1:port
    post_hook: Post  # sign and post one webhook body; raises unless 200
    post_bare: Post
    events: Callable[[int], list[tuple[Any, bytes]]]  # n fresh events: (key of the answer, body)
    arrived: dict[Any, float]  # key → perf_counter() when its answer reached the fake API
    alive: Callable[[], bool] = lambda: True  # the server process is still running


@dataclass
class Sizes:
    events: int = 1000  # at most, at full load
    rate: int = 200
    seconds: float = 5.0
    in_flight: int = 32
    budget: float = 10.0  # seconds a phase should take: fewer events when the server is slower
    least: int = 300
    cut_steady: bool = True  # 2 s of steady load when the warm-up shows the server cannot keep up


@dataclass
class Phase:
    """What the server did over one phase, per event."""

    events: int
    seconds: float
    statements: float
    commits: float
    rollbacks: float
    checkouts: float
    cpu_ms: float
    db_cpu_ms: float | None
    by_kind: dict[str, float] = field(default_factory=dict)  # SQLAlchemy's view
    examples: dict[str, str] = field(default_factory=dict)
    wire: dict[str, float] = field(default_factory=dict)  # the driver's or the server's view
    hook_ms: list[float] = field(default_factory=list)  # latency of the 200
    done_ms: list[float] = field(default_factory=list)  # latency to the answer at the fake API

    @property
    def wire_statements(self) -> float | None:
        return sum(self.wire.values()) if self.wire else None

    @property
    def wire_commits(self) -> float | None:
        return self.wire.get("COMMIT", 0.0) if self.wire else None


@dataclass
class Result:
    database: str
    bare_rate: float
    hook_rate: float
    processed_rate: float
    bare_cpu_ms: float
    full: Phase
    steady: Phase
    bare_steady_ms: list[float]
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.processed_rate / self.bare_rate


async def closed_loop(post: Post, bodies: list[bytes], in_flight: int) -> tuple[float, list[float], list[float]]:
    """Every body, `in_flight` at a time: (start, sent-at and seconds to the 200, per body)."""
    queue = list(enumerate(bodies))[::-1]
    sent, latency = [0.0] * len(bodies), [0.0] * len(bodies)

    async def worker() -> None:
        while queue:
            n, body = queue.pop()
            sent[n] = time.perf_counter()
            await post(body)
            latency[n] = time.perf_counter() - sent[n]

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return start, sent, latency


async def open_loop(post: Post, bodies: list[bytes], rate: float) -> tuple[float, list[float], list[float]]:
    """One body every 1/rate s whatever the answers do: (start, sent-at and seconds to the 200, per body)."""
    sent, latency = [0.0] * len(bodies), [0.0] * len(bodies)

    async def one(n: int, body: bytes) -> None:
        sent[n] = time.perf_counter()
        await post(body)
        latency[n] = time.perf_counter() - sent[n]

    start = time.perf_counter()
    tasks = []
    for n, body in enumerate(bodies):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one(n, body)))
    await asyncio.gather(*tasks)
    return start, sent, latency


async def answered(target: Target, keys: list[Any], timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while any(k not in target.arrived for k in keys):
        if not target.alive():
            raise SystemExit("the bench server stopped (its traceback is above)")
        if time.perf_counter() > deadline:
            missing = sum(k not in target.arrived for k in keys)
            raise SystemExit(f"{missing} of {len(keys)} events were never answered within {timeout:.0f} s")
        await asyncio.sleep(0.01)


async def server_stats(target: Target) -> dict[str, Any]:
    async with target.session.get(f"{target.base}/bench/cpu") as response:
        return dict(await response.json())


async def quiet(target: Target) -> dict[str, Any]:
    """The counters once the server has stopped writing (the last settles follow the last answer)."""
    last = await server_stats(target)
    for _ in range(10):
        await asyncio.sleep(0.3)
        now = await server_stats(target)
        if now["statements"] == last["statements"] and now["commits"] == last["commits"]:
            return now
        last = now
    return last


async def observe(target: Target, db: Database) -> tuple[dict[str, Any], dict[str, int], float | None]:
    server = await quiet(target)
    return server, await asyncio.to_thread(db.statement_counts), await asyncio.to_thread(db.cpu_seconds)


def phase(before: tuple[dict[str, Any], dict[str, int], float | None],
          after: tuple[dict[str, Any], dict[str, int], float | None], events: int, seconds: float) -> Phase:
    (s0, pg0, c0), (s1, pg1, c1) = before, after
    by_kind = {k: (v - s0["by_kind"].get(k, 0)) / events for k, v in s1["by_kind"].items()}
    if pg1:
        wire: Counter[str] = Counter()
        for query, calls in pg1.items():
            if query != "<insufficient privilege>" and "pg_stat_statements" not in query:
                wire[kind(query)] += calls - pg0.get(query, 0)
    else:
        wire = Counter({k: v - s0["traced"].get(k, 0) for k, v in s1["traced"].items()})
    return Phase(events=events, seconds=seconds,
                 statements=(s1["statements"] - s0["statements"]) / events,
                 commits=(s1["commits"] - s0["commits"]) / events,
                 rollbacks=(s1["rollbacks"] - s0["rollbacks"]) / events,
                 checkouts=(s1["checkouts"] - s0["checkouts"]) / events,
                 cpu_ms=1000 * (s1["cpu"] - s0["cpu"]) / events,
                 db_cpu_ms=1000 * (c1 - c0) / events if c0 is not None and c1 is not None else None,
                 by_kind={k: v for k, v in by_kind.items() if v}, examples=s1["examples"],
                 wire={k: v / events for k, v in wire.items() if v})


async def measure(target: Target, db: Database, sizes: Sizes) -> Result:
    warm = target.events(200)
    start, _, _ = await closed_loop(target.post_hook, [b for _, b in warm], sizes.in_flight)
    await answered(target, [k for k, _ in warm], answer_timeout(len(warm)))
    warm_rate = len(warm) / (time.perf_counter() - start)
    filler = warm[0][1]  # the bare route gets bodies of the same size, never answered
    notes = []
    count = max(sizes.least, min(sizes.events, int(warm_rate * sizes.budget)))
    if count < sizes.events:
        notes.append(f"{count} events at full load, not {sizes.events}: the warm-up processed {warm_rate:.0f} ev/s")
    bare_rate, bare_cpu_ms = await bare(target, filler, max(2000, sizes.events), sizes.in_flight)

    full, hook_rate = await webhook(target, db, count,
                                    lambda bodies: closed_loop(target.post_hook, bodies, sizes.in_flight))
    seconds = sizes.seconds
    if sizes.cut_steady and count / full.seconds < 0.8 * sizes.rate and seconds > 2:
        seconds = 2.0
        notes.append(f"steady part cut to {seconds:.0f} s: at {count / full.seconds:.0f} ev/s the server cannot keep "
                     f"up with {sizes.rate}/s, so its p99 only measures how long the backlog grew")
    steady, _ = await webhook(target, db, int(sizes.rate * seconds),
                              lambda bodies: open_loop(target.post_hook, bodies, sizes.rate))
    _, _, bare_steady = await open_loop(target.post_bare, [filler] * int(sizes.rate * min(seconds, 3.0)),
                                        sizes.rate)
    return Result(database=db.label, bare_rate=bare_rate, hook_rate=hook_rate,
                  processed_rate=count / full.seconds, bare_cpu_ms=bare_cpu_ms, full=full,
                  steady=steady, bare_steady_ms=[1000 * s for s in bare_steady], notes=notes)


async def bare(target: Target, body: bytes, count: int, in_flight: int) -> tuple[float, float]:
    """The bare route at full load: requests/s, and the server's CPU ms per request."""
    before = await server_stats(target)
    start, _, _ = await closed_loop(target.post_bare, [body] * count, in_flight)
    rate = count / (time.perf_counter() - start)
    return rate, 1000 * ((await server_stats(target))["cpu"] - before["cpu"]) / count


Send = Callable[[list[bytes]], Awaitable[tuple[float, list[float], list[float]]]]


async def webhook(target: Target, db: Database, count: int, send: Send) -> tuple[Phase, float]:
    """`count` fresh events sent by `send`, all answered: what it cost, and the 200s per second."""
    made = target.events(count)
    keys = [k for k, _ in made]
    before = await observe(target, db)
    start, sent, hook = await send([b for _, b in made])
    hook_rate = count / (time.perf_counter() - start)
    await answered(target, keys, answer_timeout(count))
    done = max(target.arrived[k] for k in keys)
    result = phase(before, await observe(target, db), count, done - start)
    result.hook_ms = [1000 * s for s in hook]
    result.done_ms = [1000 * (target.arrived[k] - s) for k, s in zip(keys, sent, strict=True)]
    return result, hook_rate


def answer_timeout(count: int) -> float:
    """However slow the server, a phase's answers come at 2 a second or it is broken."""
    return max(120.0, count / 2)


async def against_server(command: list[str], *, route: str, headers: Callable[[bytes], dict[str, str]],
                         arrived: Any, events: Callable[[int], list[tuple[Any, bytes]]], db: Database,
                         sizes: Sizes) -> Result:
    """Start a bench server (`command`, which prints `READY port`), measure its webhook `route` beside
    its bare route (every body posted with `headers(body)`), and stop it."""
    server = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.PIPE,
                                                  stdout=asyncio.subprocess.PIPE)
    assert server.stdout is not None and server.stdin is not None
    ready = (await server.stdout.readline()).decode().split()
    if not ready or ready[0] != "READY":
        raise SystemExit("the server did not start")
    base = f"http://127.0.0.1:{ready[1]}"

    async def post(session: ClientSession, url: str, body: bytes) -> None:
        async with session.post(url, data=body, headers=headers(body)) as response:
            await response.read()
            if response.status != 200:
                raise SystemExit(f"{url}: HTTP {response.status}")

    try:
        async with ClientSession(connector=TCPConnector(limit=sizes.in_flight)) as session:
            target = Target(session=session, base=base, arrived=arrived, events=events,
                            alive=lambda: server.returncode is None,
                            post_hook=lambda body: post(session, f"{base}{route}", body),
                            post_bare=lambda body: post(session, f"{base}/bench/bare", body))
            return await measure(target, db, sizes)
    finally:
        server.stdin.close()
        await server.wait()
