"""LINE webhook per event, beside a bare route, on SQLite and on PostgreSQL, in one run.

    .venv/bin/python bench/bench_line_webhook.py [--database both|sqlite|postgresql|URL] [--detail]
                                                 [--events 1000] [--rate 200] [--seconds 5] [--long]

For each database (both by default: a fresh SQLite file, then a throwaway PostgreSQL 15 cluster with
its durable defaults, removed afterwards) two processes on loopback. The server (this script with
--serve) is the real app: the LINE channel, the outbox sender, plus bench/_server.py's routes (a bare
POST that answers 200, and GET /bench/cpu: its CPU and the SQL statements and commits it has run). The
load generator plays LINE: it signs text events (`#N 第n次辦理情形…` from 20 bound groups, each
storing a reply), posts them, and serves the Messaging API (tests/fakes/line_api.FakeLineApi) that
receives the bot's answers. An event is fully processed when its answer reaches the fake API: the
reply stored, and the answer sent by reply token (or pushed, if the token expired).

Printed side by side: bare req/s; webhook 200s/s; processed ev/s and its ratio to the bare route;
p50/p99 at full load and at a steady 200 ev/s; statements, commits and server CPU per event; each
with its aim (issue 13) and ✔/✘. --detail adds the statements by shape, top 10.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web

from bench import _cli as cli
from bench._databases import Database
from bench._load import Result, Sizes, against_server
from tests.fakes.line_api import FakeLineApi, new_id, sign

SECRET, TOKEN = "bench-secret", "bench-token"
GROUPS, ITEMS = 20, 300


# ---- the server ---------------------------------------------------------------------------------
async def serve(api_url: str, url: str, groups: list[str]) -> None:
    import logging

    from bench._server import install
    from bot.app import build_runtime
    from bot.context import Actor
    from bot.core import open_bot
    from bot.messages import ChatRef, Incoming
    from config.settings import Settings
    from storage.db import migrate

    logging.basicConfig(level=logging.WARNING)
    migrate(url)
    settings = Settings(database_url=url, line_channel_secret=SECRET, line_channel_access_token=TOKEN,
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
    install(runtime.app, bot.store.engine)
    runner = web.AppRunner(runtime.app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    await runtime.start()
    print(f"READY {runner.addresses[0][1]}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the parent closes it
    await runtime.stop()
    await runner.cleanup()
    bot.store.engine.dispose()


# ---- LINE's side: the fake Messaging API, timing each answer --------------------------------------
class TimedLineApi(FakeLineApi):
    """The fake Messaging API, noting when each event's answer arrives.

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


class LineLoad:
    def __init__(self, line: TimedLineApi) -> None:
        self.line = line
        self.groups = [new_id("C") for _ in range(GROUPS)]
        self.users = [new_id("U") for _ in range(GROUPS)]
        self.sent = 0
        for group, user in zip(self.groups, self.users, strict=True):
            line.add_user(user, "李先生")
            line.add_group(group, "教育部聯絡群", members=(user,), count=5)

    def events(self, count: int) -> list[tuple[str, bytes]]:
        """Signed-to-be webhook bodies, one text event each, keyed by the reply token."""
        made = []
        for n in range(self.sent, self.sent + count):
            g = n % GROUPS
            event = self.line.text_event(
                f"#{n % ITEMS + 1} 第{n}次辦理情形：已召開跨部會研商會議，草案已送各縣市表示意見。",
                user_id=self.users[g], group_id=self.groups[g])
            self.line.expect(event["replyToken"], self.groups[g])
            made.append((event["replyToken"], FakeLineApi.webhook_body(event)))
        self.sent += count
        return made


async def run(db: Database, sizes: Sizes) -> Result:
    async with TimedLineApi() as line:
        load = LineLoad(line)
        command = [sys.executable, str(Path(__file__).resolve()), "--serve", "--api-url", line.url,
                   "--database", db.url, "--groups", ",".join(load.groups)]
        result = await against_server(command, route="/webhooks/line", arrived=line.arrived, events=load.events,
                                      headers=lambda body: {"X-Line-Signature": sign(body, SECRET)},
                                      db=db, sizes=sizes)
        stored = sum(text.startswith("已記錄 #") for text in line.first.values())
        if stored != len(line.first):
            result.notes.append(f"{len(line.first) - stored} answers were not 已記錄 (a reply not stored)")
        if line.pushed_acks:
            result.notes.append(f"{line.pushed_acks} answers pushed after the reply token's minute")
        return result


if __name__ == "__main__":
    parser = cli.parser(__doc__, "events")
    parser.add_argument("--groups", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.api_url, args.database, args.groups.split(",")))
    else:
        asyncio.run(cli.run_all(args, run, "LINE webhook, each event a reply stored and answered: full load "
                                f"({{in_flight}} in flight), then {{rate}} ev/s; {GROUPS} groups, {ITEMS} items"))
