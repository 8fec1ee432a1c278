"""The senders' HTTP calls alone: the path before issue 13 beside the one-session path, in one run.

    .venv/bin/python bench/bench_senders.py [--calls 2000] [--concurrency 1,16] [--rounds 2]

The fakes (tests/fakes: FakeLineApi, FakeTelegramApi without flood control) run in a child process,
so this process's CPU is the client's alone. Each path sends --calls messages (a zh-TW text of about
200 characters; on Telegram with an inline keyboard, as reminders have) one at a time, then with
16 in flight; the best of --rounds is printed: CPU and wall per call, and new/old.

LINE: before, the SDK's AsyncApiClient.call_api (its aiohttp session has trust_env=True: netrc and
proxy lookups in a worker thread per call; its body sanitising) with our JSON, as client.py did; now
LineApi.reply / push over bot/channels/line/http.py. Telegram: before, PTB's Bot.send_message (its
HTTPXRequest; and once more with httpx's trust_env off, the other way the issue allows); now
TelegramHttp.call("sendMessage"), what TelegramSender does per text.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LINE_TOKEN, TG_TOKEN = "bench-line-token", "123456:bench-telegram-token"
USERS = ["U" + f"{n:032x}" for n in range(1, 9)]
TG_CHATS = [1000 + n for n in range(8)]
TEXT = "【列管事項提醒】" + "教育部已於5月12日召開跨部會研商會議，銜接流程草案如附，請各機關於期限前回報辦理情形。" * 4
Call = Callable[[int], Awaitable[Any]]


# ---- the fakes, in their own process --------------------------------------------------------------
def serve(conn: Connection, tokens: int) -> None:
    asyncio.run(_serve(conn, tokens))


async def _serve(conn: Connection, tokens: int) -> None:
    from tests.fakes.line_api import FakeLineApi
    from tests.fakes.telegram_api import FakeTelegramApi

    async with (FakeLineApi(access_token=LINE_TOKEN, reply_token_ttl=24 * 3600, max_records=1000) as line,
                FakeTelegramApi(token=TG_TOKEN, rate_limits=False, max_records=1000) as telegram):
        for chat in TG_CHATS:
            telegram.add_chat(chat)
        conn.send((line.url, telegram.base_url, [line.issue_reply_token(USERS[0]) for _ in range(tokens)]))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until told to stop


# ---- the paths ------------------------------------------------------------------------------------
def line_message() -> list[dict[str, Any]]:
    return [{"type": "text", "text": TEXT, "quickReply": {"items": [
        {"type": "action", "action": {"type": "message", "label": "回報 #1", "text": "回報 1"}}]}}]


class SdkLine:
    """client.py before issue 13: our JSON through the SDK's call_api."""

    def __init__(self, url: str) -> None:
        from linebot.v3.messaging import AsyncApiClient, Configuration

        self.url = url
        self.client = AsyncApiClient(Configuration(access_token=LINE_TOKEN, host=url))

    async def post(self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> list[str]:
        from bot.channels.line.client import SEND_TIMEOUT

        response = await self.client.call_api(
            path, "POST", header_params={"Accept": "application/json", "Content-Type": "application/json",
                                         **(headers or {})},
            body=body, response_types_map={}, auth_settings=["Bearer"], _host=self.url,
            _request_timeout=SEND_TIMEOUT)
        answer = json.loads(response.raw_data or "{}")
        return [str(m["id"]) for m in answer.get("sentMessages", [])]

    async def close(self) -> None:
        await self.client.close()


def markup() -> Any:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    return InlineKeyboardMarkup([[InlineKeyboardButton("回報 #1", callback_data="/r 1"),
                                  InlineKeyboardButton("建議解除 #1", callback_data="/ask_release 1")]])


async def paths(line_url: str, tg_url: str, tokens: list[str]) -> tuple[list[tuple[str, Call, Call]], Any]:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.channels.line.client import LineApi
    from bot.channels.telegram.http import TelegramHttp

    sdk, api = SdkLine(line_url), LineApi(access_token=LINE_TOKEN, api_url=line_url)
    ptb = Bot(TG_TOKEN, base_url=tg_url)
    ptb_plain = Bot(TG_TOKEN, base_url=tg_url, request=HTTPXRequest(httpx_kwargs={"trust_env": False}))
    http = TelegramHttp(ptb.base_url)
    keyboard = markup()
    token = iter(tokens)
    messages = line_message()

    async def sdk_reply(n: int) -> Any:
        return await sdk.post("/v2/bot/message/reply", {"replyToken": next(token), "messages": messages})

    async def new_reply(n: int) -> Any:
        return await api.reply(next(token), messages)

    async def sdk_push(n: int) -> Any:
        return await sdk.post("/v2/bot/message/push", {"to": USERS[n % 8], "messages": messages},
                              {"X-Line-Retry-Key": str(uuid.uuid4())})

    async def new_push(n: int) -> Any:
        return await api.push(USERS[n % 8], messages, retry_key=str(uuid.uuid4()))

    def ptb_send(bot: Bot) -> Call:
        async def send(n: int) -> Any:
            return (await bot.send_message(TG_CHATS[n % 8], TEXT, reply_markup=keyboard)).message_id
        return send

    async def new_send(n: int) -> Any:
        return (await http.call("sendMessage", {"chat_id": TG_CHATS[n % 8], "text": TEXT,
                                                "reply_markup": keyboard.to_dict()}))["message_id"]

    await ptb.initialize()
    await ptb_plain.initialize()

    async def close() -> None:
        await asyncio.gather(sdk.close(), api.close(), ptb.shutdown(), ptb_plain.shutdown(), http.close())

    return [("LINE reply", sdk_reply, new_reply), ("LINE push", sdk_push, new_push),
            ("Telegram sendMessage (PTB)", ptb_send(ptb), new_send),
            ("Telegram sendMessage (PTB, trust_env off)", ptb_send(ptb_plain), new_send)], close


# ---- measuring ------------------------------------------------------------------------------------
async def run(call: Call, calls: int, concurrency: int) -> tuple[float, float]:
    """(CPU, wall) per call, in ms."""
    queue = iter(range(calls))

    async def worker() -> None:
        for n in queue:
            await call(n)

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return (time.process_time() - cpu) * 1000 / calls, (time.perf_counter() - wall) * 1000 / calls


async def bench(args: argparse.Namespace, line_url: str, tg_url: str, tokens: list[str]) -> None:
    found, close = await paths(line_url, tg_url, tokens)
    try:
        for _, old, new in found:  # warm up: connections open, code paths loaded
            await run(old, 50, 1)
            await run(new, 50, 1)
        print(f"{args.calls} calls per path, best of {args.rounds}; ms per call (CPU of this process / wall)")
        print(f"{'call':44} {'in flight':>9} {'before CPU':>10} {'wall':>7} {'after CPU':>9} {'wall':>7}"
              f" {'CPU ratio':>9} {'wall ratio':>10}")
        for name, old, new in found:
            for concurrency in args.concurrency:
                best: dict[str, tuple[float, float]] = {}
                for _ in range(args.rounds):
                    for label, call in (("old", old), ("new", new)):
                        cpu, wall = await run(call, args.calls, concurrency)
                        kept = best.get(label)
                        best[label] = (min(cpu, kept[0]), min(wall, kept[1])) if kept else (cpu, wall)
                (oc, ow), (nc, nw) = best["old"], best["new"]
                print(f"{name:44} {concurrency:>9} {oc:>10.3f} {ow:>7.3f} {nc:>9.3f} {nw:>7.3f}"
                      f" {nc / oc:>9.2f} {nw / ow:>10.2f}")
    finally:
        await close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", default="1,16", type=lambda s: [int(c) for c in s.split(",")])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    replies = 2 * args.calls * len(args.concurrency) * args.rounds + 200  # old and new, plus warm-ups
    here, there = mp.Pipe()
    child = mp.get_context("spawn").Process(target=serve, args=(there, replies), daemon=True)
    child.start()
    line_url, tg_url, tokens = here.recv()
    try:
        asyncio.run(bench(args, line_url, tg_url, tokens))
    finally:
        here.send("stop")
        child.join(10)


if __name__ == "__main__":
    main()
