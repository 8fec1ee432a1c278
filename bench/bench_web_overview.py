"""Benchmark: the web desk's 總覽 for a body with 500 items and 40 agencies.

    .venv/bin/python bench/bench_web_overview.py [--rounds 20]

Builds the body in a fresh SQLite file through the Store (40 bound agencies, 500 items with one
lead and every fifth with an assisting agency, a reply on every other item), signs in, then
fetches GET / over real HTTP on loopback. Prints the median and worst time per page (the whole
request: session check, queries, 燈號, template), the CPU time it took, and the page's weight
(the HTML, and what is sent gzipped to a browser that accepts it).
Aim: under 100 ms and under 300 KB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.core import Bot, open_bot
from config.settings import Settings
from storage.db import migrate

NOW = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
ITEMS, AGENCIES = 500, 40


def build(folder: Path) -> Bot:
    url = f"sqlite:///{folder}/bench.db"
    migrate(url)
    bot = open_bot(Settings(database_url=url), clock=lambda: NOW)
    names = [a.name for a in bot.directory.all() if a.kind != "collective"][:AGENCIES]
    body = bot.store.ensure_body(name="強化社會安全網中央跨部會平台", actor="bench", chat=None)
    bot.store.add_meeting(body_id=body.id, number=5, held_on=date(2026, 9, 1), actor="bench", chat=None)
    bot.store.update_body(body_id=body.id, actor="bench", chat=None, next_meeting=date(2026, 12, 2))
    for n, name in enumerate(names):
        code = bot.store.create_bind_code(agency=name, actor="bench", chat=None)
        bot.store.redeem_code(code=code, chat=f"line:C{n}", actor="bench")
    for n in range(ITEMS):
        agencies = [(names[n % AGENCIES], "lead")]
        if n % 5 == 0:
            agencies.append((names[(n + 7) % AGENCIES], "assist"))
        item = bot.store.add_item(body_id=body.id, text=f"請{names[n % AGENCIES]}辦理第{n + 1}項工作並於下次會議提出報告。",
                                  subject=f"案由{n + 1}", agencies=agencies, actor="bench", chat=None)
        if n % 2 == 0:
            bot.store.add_reply(item_id=item.id, agency=names[n % AGENCIES], text="已召開研商會議，持續辦理中。",
                                author="line:U1", chat=f"line:C{n % AGENCIES}", at=NOW)
    return bot


async def measure(bot: Bot, rounds: int) -> tuple[list[float], list[float], int, int]:
    token = bot.store.create_web_login(user="cli:bench", name=None, chat=None, actor="bench")
    async with TestClient(TestServer(create_app(bot))) as client:
        await client.post(f"/login/{token}")
        times, cpu, body, sent = [], [], b"", 0
        for _ in range(rounds + 2):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = await client.get("/", headers={"Accept-Encoding": "gzip"})
            body = await response.read()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            sent = int(response.headers.get("Content-Length", len(body)))
            assert response.status == 200
        return times[2:], cpu[2:], len(body), sent


def main() -> int:
    parser = argparse.ArgumentParser(description="網頁版總覽效能測試")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        bot = build(Path(folder))
        print(f"built {ITEMS} items, {AGENCIES} agencies in {time.perf_counter() - started:.1f} s")
        times, cpu, raw, packed = asyncio.run(measure(bot, args.rounds))
        bot.store.engine.dispose()
    median, worst = statistics.median(times) * 1000, max(times) * 1000
    print(f"總覽 GET /: median {median:.0f} ms, worst {worst:.0f} ms over {len(times)} requests (aim < 100 ms)")
    print(f"CPU time per request (server and client in this process): median {statistics.median(cpu) * 1000:.0f} ms")
    print(f"load average now: {os.getloadavg()[0]:.1f} (the machine is shared: wall times grow with it)")
    print(f"page weight: {raw / 1024:.0f} KiB of HTML, {packed / 1024:.0f} KiB as sent gzipped (aim < 300 KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
