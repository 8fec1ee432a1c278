"""Telegram webhook per update, beside a bare route, on SQLite and on PostgreSQL, in one run.

    .venv/bin/python bench/bench_telegram_webhook.py [--database both|sqlite|postgresql|URL] [--detail]
                                                     [--events 1000] [--rate 200] [--seconds 5] [--long]

For each database (both by default: a fresh SQLite file, then a throwaway PostgreSQL 15 cluster with
its durable defaults, removed afterwards) two processes on loopback. The server (this script with
--serve) is the bot as `lieguan serve` runs it (aiohttp, the Telegram channel in webhook mode, the
outbox sender) plus bench/_server.py's routes (a bare POST that answers 200, and GET /bench/cpu: its
CPU and the SQL statements and commits it has run). The load generator plays Telegram: it posts
`/r N 第n次辦理情形…` updates from 20 bound groups, each storing a reply, and serves the Bot API
(tests/fakes/telegram_api.FakeTelegramApi, no flood limits) that receives the answers. An update is
fully processed when its answer (sendMessage replying to it) reaches the fake API, as LINE's is.

The bot keeps Telegram's flood limits itself (1 message a second a chat, 20 a minute a group, 30 a
second overall; the outbox's Pacer and the sender's Throttle); the bench server lifts both, as they
would cap the answers at 30 a second and measure Telegram's policy, not the bot's work per update.

Printed side by side: bare req/s; webhook 200s/s; processed updates/s and its ratio to the bare
route; p50/p99 at full load and at a steady 200/s; statements, commits and server CPU per update;
each with its aim (issue 13) and ✔/✘. --detail adds the statements by shape, top 10.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web

from bench import _cli as cli
from bench._databases import Database
from bench._load import Result, Sizes, against_server
from tests.fakes.telegram_api import FakeTelegramApi, TelegramFile

TOKEN = "123456:BENCH-token"
SECRET = "bench-secret"
GROUPS, ITEMS = 20, 100


def group_id(n: int) -> int:
    return -1002000000000 - n


# ---- the server ---------------------------------------------------------------------------------
async def serve(api_url: str, url: str) -> None:
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
    bot = open_bot(Settings(database_url=url, telegram_token=TOKEN, telegram_secret=SECRET,
                            telegram_api_url=api_url))
    console = ChatRef("console", "bench@秘書處")
    for line in ["會議 新增 強化社會安全網中央跨部會平台",
                 *(f"新增 請教育部就第{n}項決議提出辦理情形 主辦：教育部 期限：下次會議" for n in range(1, ITEMS + 1))]:
        await bot.handle(Incoming(chat=console, user_id="bench", text=line, at=bot.clock(), chat_kind="private"),
                         actor=Actor("secretariat"))
    for n in range(GROUPS):
        code = bot.store.create_bind_code(agency="教育部", actor="bench", chat=None)
        bot.store.redeem_code(code=code, chat=f"telegram:{group_id(n)}", actor="bench")
    runtime = build_runtime(bot)
    unthrottle(runtime)
    install(runtime.app, bot.store.engine)
    runner = web.AppRunner(runtime.app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    bot.settings = bot.settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})  # webhook mode
    await runtime.start()
    print(f"READY {port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the parent closes it
    await runtime.stop()
    await runner.cleanup()
    bot.store.engine.dispose()


def unthrottle(runtime: Any) -> None:
    """Lift the bot's own Telegram flood limits (the outbox's pacer and the sender's throttle)."""
    from bot.channels.telegram.throttle import Throttle
    from bot.pacing import Pacer

    pacer = getattr(runtime.outbox, "pacer", None)
    if not isinstance(pacer, Pacer):
        raise SystemExit("the outbox's Pacer moved: tell bench/bench_telegram_webhook.py where it is")
    runtime.outbox.pacer = Pacer({p: limits for p, limits in pacer.limits.items() if p != "telegram"})
    lifted = 0
    for channel in runtime.channels:
        for holder in {id(h): h for h in (channel, getattr(channel, "telegram_sender", None), channel.sender)
                       if h is not None}.values():
            if isinstance(getattr(holder, "throttle", None), Throttle):
                holder.throttle = Throttle(chat_per_second=1e9, chat_burst=10**9, group_per_minute=10**9,
                                           global_per_second=10**9)
                lifted += 1
    if not lifted:
        raise SystemExit("the Telegram sender's Throttle moved: tell bench/bench_telegram_webhook.py where it is")


# ---- Telegram's side: the fake Bot API, timing each answer ---------------------------------------
class TimedTelegramApi(FakeTelegramApi):
    """The fake Bot API, noting when the answer to each update (chat, message id) arrives."""

    def __init__(self) -> None:
        super().__init__(token=TOKEN, rate_limits=False, max_records=2000)
        self.arrived: dict[tuple[int, int], float] = {}
        self.first: dict[tuple[int, int], str] = {}
        self.unmatched = 0

    async def _m_sendmessage(self, params: dict[str, Any], files: dict[str, TelegramFile]) -> dict[str, Any]:
        message = await super()._m_sendmessage(params, files)
        reply = params.get("reply_parameters") or {"message_id": params.get("reply_to_message_id")}
        try:
            key = (int(params["chat_id"]), int(reply["message_id"]))
        except (TypeError, ValueError, KeyError):
            self.unmatched += 1
            return message
        if key not in self.arrived:
            self.arrived[key] = time.perf_counter()
            self.first[key] = str(params.get("text", ""))
        return message


class TelegramLoad:
    def __init__(self, api: TimedTelegramApi) -> None:
        self.api = api
        self.ids = itertools.count(1)
        for n in range(GROUPS):
            api.add_chat(group_id(n), title="教育部聯絡群", type="supergroup")

    def events(self, count: int) -> list[tuple[tuple[int, int], bytes]]:
        made = []
        for update_id in itertools.islice(self.ids, count):
            chat = group_id(update_id % GROUPS)
            body = json.dumps({"update_id": update_id, "message": {
                "message_id": update_id, "date": int(time.time()),
                "text": f"/r {update_id % ITEMS + 1} 第{update_id}次辦理情形：已召開跨部會研商會議",
                "chat": {"id": chat, "type": "supergroup", "title": "教育部聯絡群"},
                "from": {"id": 4242, "is_bot": False, "first_name": "李", "last_name": "先生"}}}).encode()
            made.append(((chat, update_id), body))
        return made


async def run(db: Database, sizes: Sizes) -> Result:
    async with TimedTelegramApi() as api:
        load = TelegramLoad(api)
        command = [sys.executable, str(Path(__file__).resolve()), "--serve", "--api-url", api.base_url,
                   "--database", db.url]
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
        result = await against_server(command, route="/webhooks/telegram", arrived=api.arrived,
                                      events=load.events, headers=lambda body: headers, db=db, sizes=sizes)
        stored = sum(text.startswith("已記錄 #") for text in api.first.values())
        if stored != len(api.first):
            result.notes.append(f"{len(api.first) - stored} answers were not 已記錄 (a reply not stored)")
        if api.unmatched:
            result.notes.append(f"{api.unmatched} messages sent that answer no update")
        return result


if __name__ == "__main__":
    args = cli.parser(__doc__, "updates").parse_args()
    if args.serve:
        asyncio.run(serve(args.api_url, args.database))
    else:
        asyncio.run(cli.run_all(args, run, "Telegram webhook, each update a reply stored and answered: full load "
                                f"({{in_flight}} in flight), then {{rate}}/s; {GROUPS} groups, {ITEMS} items"))
