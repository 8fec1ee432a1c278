"""LINE webhook throughput and latency, beside a bare route on the same server, in one run.

    .venv/bin/python bench/bench_line_webhook.py [--events 3000] [--concurrency 32] [--database URL]

Two processes on loopback. The server (this script with --serve) is the real app: SQLite (or
--database), the LINE channel, the outbox sender, plus POST /bench/bare, which answers 200 and does
nothing. The load generator plays LINE: it signs text events (`#N 辦理情形…` from 20 bound groups,
each storing a reply), posts them, and serves the Messaging API (tests/fakes/line_api.FakeLineApi)
that receives the bot's acknowledgements. An event counts as fully processed when its
acknowledgement reaches the fake API: the reply was stored, and the answer sent by reply token.

Printed: bare-route requests/s; webhook 200s/s and events fully processed/s; p50/p99 of the 200
and of the whole way to the acknowledgement, at full load and at a steady 200 events/s.
Aim: processed/s >= 0.3 x bare/s, and p99 < 50 ms at 200 events/s.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import ClientSession, TCPConnector, web

from tests.fakes.line_api import FakeLineApi, new_id, sign

SECRET, TOKEN = "bench-secret", "bench-token"
GROUPS, ITEMS = 20, 300
STEADY_SECONDS = 10
PROFILE = ""  # --profile FILE: the server runs under cProfile (for finding where the time goes)


# ---- the server ---------------------------------------------------------------------------------
async def serve(api_url: str, database: str, groups: list[str]) -> None:
    import logging

    from bot.app import build_runtime
    from bot.context import Actor
    from bot.core import open_bot
    from bot.messages import ChatRef, Incoming
    from config.settings import Settings
    from storage.db import migrate

    logging.basicConfig(level=logging.WARNING)
    migrate(database)
    settings = Settings(database_url=database, line_channel_secret=SECRET, line_channel_access_token=TOKEN,
                        line_api_url=api_url)
    bot = open_bot(settings)
    desk = ChatRef("console", "bench")
    for text in ["會議 新增 強化社會安全網中央跨部會平台",
                 *(f"新增 請教育部辦理第{n}項工作 主辦：教育部" for n in range(1, ITEMS + 1))]:
        await bot.handle(Incoming(chat=desk, user_id="bench", text=text, at=bot.clock()),
                         actor=Actor("secretariat"))
    for group in groups:
        code = bot.store.create_bind_code(agency="教育部", actor="bench", chat=None)
        bot.store.redeem_code(code=code, chat=f"line:{group}", actor="bench")
    runtime = build_runtime(bot)

    async def bare(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="OK")

    async def cpu(request: web.Request) -> web.Response:
        return web.Response(text=repr(time.process_time()))  # this process's CPU seconds, all threads

    runtime.app.router.add_post("/bench/bare", bare)
    runtime.app.router.add_get("/bench/cpu", cpu)
    runner = web.AppRunner(runtime.app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    await runtime.start()
    print(f"READY {runner.addresses[0][1]}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the parent closes it
    await runtime.stop()
    await runner.cleanup()


# ---- LINE's side: the fake Messaging API, timing each acknowledgement ------------------------------
class TimedLineApi(FakeLineApi):
    """The fake Messaging API, noting when each event's acknowledgement arrives.

    By reply token, the token says which event it answers; an answer that waited past its token
    comes by push, and answers the oldest unanswered event of that group (one chat's go in order).
    """

    def __init__(self) -> None:
        super().__init__(access_token=TOKEN, reply_token_ttl=600, max_records=1000)
        self.arrived: dict[str, float] = {}
        self.first: dict[str, str] = {}
        self.pushed_acks = 0
        self._waiting: dict[str, dict[str, None]] = defaultdict(dict)  # group -> tokens, oldest first
        self._token_group: dict[str, str] = {}

    def expect(self, token: str, group: str) -> None:
        self._waiting[group][token] = None
        self._token_group[token] = group

    def build_app(self) -> web.Application:
        app = super().build_app()
        app.middlewares.append(self._clock_answers)
        return app

    @web.middleware
    async def _clock_answers(self, request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        if response.status != 200 or request.path not in ("/v2/bot/message/reply", "/v2/bot/message/push"):
            return response
        body = await request.json()
        if request.path.endswith("/reply"):
            token = body["replyToken"]
        else:
            token = next(iter(self._waiting[body["to"]]), "")
            self.pushed_acks += 1
        if token in self._token_group:
            self._waiting[self._token_group[token]].pop(token, None)
            self.arrived[token] = time.perf_counter()
            self.first[token] = body["messages"][0].get("text", "")
        return response


def events(line: TimedLineApi, groups: list[str], users: list[str], count: int) -> list[tuple[str, bytes]]:
    """Signed webhook bodies, one text event each, and the reply token that identifies each."""
    made = []
    for n in range(count):
        g = n % len(groups)
        event = line.text_event(f"#{n % ITEMS + 1} 第{n}次辦理情形：已召開跨部會研商會議，草案已送各縣市表示意見。",
                                user_id=users[g], group_id=groups[g])
        line.expect(event["replyToken"], groups[g])
        made.append((event["replyToken"], FakeLineApi.webhook_body(event)))
    return made


async def closed_loop(session: ClientSession, url: str, bodies: list[bytes], concurrency: int,
                      ) -> tuple[float, list[float], list[float]]:
    """Send every body with `concurrency` in flight; (start, sent-at, 200-latency) per body."""
    queue = list(enumerate(bodies))[::-1]
    sent = [0.0] * len(bodies)
    latency = [0.0] * len(bodies)

    async def worker() -> None:
        while queue:
            n, body = queue.pop()
            sent[n] = time.perf_counter()
            async with session.post(url, data=body, headers={"X-Line-Signature": sign(body, SECRET)}) as r:
                await r.read()
                assert r.status == 200, r.status
            latency[n] = time.perf_counter() - sent[n]

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return start, sent, latency


async def open_loop(session: ClientSession, url: str, bodies: list[bytes], rate: float,
                    ) -> tuple[list[float], list[float]]:
    """Send at a steady `rate`, whatever the answers do; (sent-at, 200-latency) per body."""
    sent = [0.0] * len(bodies)
    latency = [0.0] * len(bodies)

    async def one(n: int, body: bytes) -> None:
        sent[n] = time.perf_counter()
        async with session.post(url, data=body, headers={"X-Line-Signature": sign(body, SECRET)}) as r:
            await r.read()
        latency[n] = time.perf_counter() - sent[n]

    start = time.perf_counter()
    tasks = []
    for n, body in enumerate(bodies):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one(n, body)))
    await asyncio.gather(*tasks)
    return sent, latency


async def acknowledged(line: TimedLineApi, tokens: list[str], timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while any(t not in line.arrived for t in tokens):
        if time.perf_counter() > deadline:
            missing = sum(t not in line.arrived for t in tokens)
            raise SystemExit(f"{missing} events were never acknowledged")
        await asyncio.sleep(0.01)


async def server_cpu(session: ClientSession, base: str) -> float:
    async with session.get(f"{base}/bench/cpu") as response:
        return float(await response.text())


def ms(values: list[float], q: float) -> str:
    ordered = sorted(values)
    return f"{1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.1f}"


async def main(count: int, concurrency: int, database: str | None, rate: int) -> None:
    async with TimedLineApi() as line:
        groups = [new_id("C") for _ in range(GROUPS)]
        users = [new_id("U") for _ in range(GROUPS)]
        for group, user in zip(groups, users, strict=True):
            line.add_user(user, "李先生")
            line.add_group(group, "教育部聯絡群", members=(user,), count=5)
        folder = tempfile.mkdtemp(prefix="lieguan-bench-")
        url = database or f"sqlite:///{folder}/bench.db"
        profile = ["-m", "cProfile", "-o", PROFILE] if PROFILE else []
        server = await asyncio.create_subprocess_exec(
            sys.executable, *profile, str(Path(__file__).resolve()), "--serve", "--api-url", line.url, "--database", url,
            "--groups", ",".join(groups), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            cwd=folder)
        assert server.stdout is not None and server.stdin is not None
        ready = (await server.stdout.readline()).decode().split()
        if not ready or ready[0] != "READY":
            raise SystemExit("the server did not start")
        base = f"http://127.0.0.1:{ready[1]}"
        try:
            async with ClientSession(connector=TCPConnector(limit=concurrency)) as session:
                await report(session, line, base, groups, users, count, concurrency, rate)
        finally:
            server.stdin.close()
            await server.wait()
        print(f"database: {url.split(':', 1)[0]}; {GROUPS} groups, {ITEMS} items, concurrency {concurrency}; "
              f"acknowledged by push after the reply token's minute: {line.pushed_acks}")


async def report(session: ClientSession, line: TimedLineApi, base: str, groups: list[str], users: list[str],
                 count: int, concurrency: int, rate: int) -> None:
    warm = events(line, groups, users, 200)
    await closed_loop(session, f"{base}/webhooks/line", [b for _, b in warm], concurrency)
    await acknowledged(line, [t for t, _ in warm])

    bare_bodies = [b for _, b in events(line, groups, users, count)]
    cpu = await server_cpu(session, base)
    start, _, bare_latency = await closed_loop(session, f"{base}/bench/bare", bare_bodies, concurrency)
    bare_rate = count / (time.perf_counter() - start)
    bare_cpu = (await server_cpu(session, base) - cpu) / count

    made = events(line, groups, users, count)
    tokens = [t for t, _ in made]
    cpu = await server_cpu(session, base)
    start, sent, hook_latency = await closed_loop(session, f"{base}/webhooks/line", [b for _, b in made],
                                                  concurrency)
    answered = time.perf_counter()
    await acknowledged(line, tokens)
    done = max(line.arrived[t] for t in tokens)
    whole = [line.arrived[t] - s for t, s in zip(tokens, sent, strict=True)]
    assert all(line.first[t].startswith("已記錄 #") for t in tokens), "an event was not stored"
    hook_rate, processed_rate = count / (answered - start), count / (done - start)
    event_cpu = (await server_cpu(session, base) - cpu) / count

    steady = events(line, groups, users, rate * STEADY_SECONDS)
    steady_tokens = [t for t, _ in steady]
    steady_sent, steady_latency = await open_loop(session, f"{base}/webhooks/line", [b for _, b in steady],
                                                  rate)
    await acknowledged(line, steady_tokens)
    steady_whole = [line.arrived[t] - s for t, s in zip(steady_tokens, steady_sent, strict=True)]
    bare_steady = [b for _, b in events(line, groups, users, rate * STEADY_SECONDS)]
    _, bare_steady_latency = await open_loop(session, f"{base}/bench/bare", bare_steady, rate)

    rows = [
        ("bare route, full load", f"{bare_rate:,.0f} req/s", ms(bare_latency, .5), ms(bare_latency, .99)),
        ("webhook 200, full load", f"{hook_rate:,.0f} ev/s", ms(hook_latency, .5), ms(hook_latency, .99)),
        ("fully processed, full load", f"{processed_rate:,.0f} ev/s", ms(whole, .5), ms(whole, .99)),
        (f"bare route, {rate}/s", f"{rate} req/s", ms(bare_steady_latency, .5),
         ms(bare_steady_latency, .99)),
        (f"webhook 200, {rate}/s", f"{rate} ev/s", ms(steady_latency, .5), ms(steady_latency, .99)),
        (f"fully processed, {rate}/s", f"{rate} ev/s", ms(steady_whole, .5), ms(steady_whole, .99)),
    ]
    print(f"{'':30} {'rate':>14} {'p50 ms':>8} {'p99 ms':>8}")
    for name, speed, p50, p99 in rows:
        print(f"{name:30} {speed:>14} {p50:>8} {p99:>8}")
    ratio = processed_rate / bare_rate
    print(f"server CPU per request: bare {1000 * bare_cpu:.2f} ms, event fully processed "
          f"{1000 * event_cpu:.2f} ms (one free core: {1 / bare_cpu:,.0f} bare/s, {1 / event_cpu:,.0f} events/s; "
          f"ratio {bare_cpu / event_cpu:.2f})")
    worst = float(ms(steady_whole, .99))
    print(f"processed / bare = {ratio:.2f} (aim >= 0.30: {'ok' if ratio >= 0.3 else 'MISSED'}); "
          f"p99 at {rate}/s = {worst:.1f} ms (aim < 50: {'ok' if worst < 50 else 'MISSED'})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=int, default=200, help="events a second in the steady part")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--profile", help="write the server's cProfile statistics to this file")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--groups", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.api_url, args.database, args.groups.split(",")))
    else:
        PROFILE = str(Path(args.profile).resolve()) if args.profile else ""
        asyncio.run(main(args.events, args.concurrency, args.database, args.rate))
