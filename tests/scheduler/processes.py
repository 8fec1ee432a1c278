"""Real `lieguan serve` processes against the fake LINE and Telegram APIs, for the kill and replica tests.

A round is made due the way the scheduler finds one at start: a body that existed yesterday, whose
reminder time (00:00) has passed today, a weekly reminder day that is an office day (set so in the
calendar, whatever day the tests run on) and no round run yet.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web

from bot.core import Bot, open_bot
from config.settings import Settings
from storage.db import migrate
from tests.fakes.line_api import FakeLineApi, new_id
from tests.fakes.telegram_api import FakeTelegramApi

LIEGUAN = str(Path(sys.executable).parent / "lieguan")
TAIPEI = ZoneInfo("Asia/Taipei")
LINE_SECRET = "line-channel-secret"
AGENCY = "教育部"


class HeldLine(FakeLineApi):
    """LINE that takes the first `passing` pushes, then holds the rest open until `gate` is set."""

    def __init__(self, passing: int | None = None) -> None:
        super().__init__(max_records=50_000)
        self.passing, self.gate, self.held = passing, asyncio.Event(), []  # type: ignore[var-annotated]

    async def _push(self, request: web.Request) -> web.Response:
        if self.passing is not None and not self.gate.is_set():
            if self.passing <= 0:
                self.held.append((await request.json())["to"])
                await self.gate.wait()  # in flight when the bot dies; LINE then takes it
            self.passing -= 1
        return await super()._push(request)


class HeldTelegram(FakeTelegramApi):
    """Telegram that takes the first `passing` messages, then holds the rest open until `gate` is set."""

    def __init__(self, passing: int | None = None) -> None:
        super().__init__(max_records=50_000)
        self.passing, self.gate, self.held = passing, asyncio.Event(), []  # type: ignore[var-annotated]

    async def _m_sendmessage(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        if self.passing is not None and not self.gate.is_set():
            if self.passing <= 0:
                self.held.append(int(params["chat_id"]))
                await self.gate.wait()
            self.passing -= 1
        return await super()._m_sendmessage(params, files)


@dataclass
class Chats:
    line: list[str] = field(default_factory=list)
    telegram: list[int] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def yesterday_clock() -> Callable[[], datetime]:
    at = datetime.now(UTC) - timedelta(days=1)
    return lambda: at


def prepare(url: str, line: FakeLineApi, telegram: FakeTelegramApi, *, line_chats: int,
            telegram_chats: int) -> Chats:
    """Chats bound to 教育部 on both platforms, known to the fakes."""
    migrate(url)
    bot = open_bot(Settings(database_url=url), clock=yesterday_clock())
    chats = Chats()
    for n in range(line_chats):
        group = new_id("C")
        line.add_group(group, f"教育部聯絡群{n}", count=3)
        chats.line.append(group)
        bind(bot, f"line:{group}")
    for n in range(telegram_chats):
        chat_id = -1_000_000_000 - n
        telegram.add_chat(chat_id, title=f"教育部聯絡群{n}")
        chats.telegram.append(chat_id)
        bind(bot, f"telegram:{chat_id}")
    bot.store.engine.dispose()
    return chats


def bind(bot: Bot, chat: str) -> None:
    code = bot.store.create_bind_code(agency=AGENCY, actor="test", chat=None)
    bot.store.redeem_code(code=code, chat=chat, actor="test")


def due_body(url: str, name: str, items: int = 3) -> None:
    """A body created yesterday whose reminder (today, 00:00, an office day) has not been sent."""
    bot = open_bot(Settings(database_url=url), clock=yesterday_clock())
    today = datetime.now(TAIPEI).date()
    body = bot.store.ensure_body(name=name, actor="test", chat=None)
    bot.store.update_body(body_id=body.id, actor="test", chat=None, reminder_time="00:00",
                          reminder_weekday=today.weekday())
    bot.store.set_day(day=today, office=True, reason="測試：辦公日", source="manual", actor="test", chat=None)
    for n in range(items):
        bot.store.add_item(body_id=body.id, text=f"請教育部辦理第{n + 1}項", agencies=[(AGENCY, "lead")],
                           actor="test", chat=None)
    bot.store.engine.dispose()


class Serve:
    """One `lieguan serve` process with every channel pointed at the fakes (LINE alone: no Telegram)."""

    def __init__(self, url: str, line: FakeLineApi, telegram: FakeTelegramApi | None, workdir: Path,
                 name: str) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIEGUAN_")} | {
            "LIEGUAN_DATABASE_URL": url, "LIEGUAN_PORT": str(self.port),
            "LIEGUAN_LINE_CHANNEL_SECRET": LINE_SECRET, "LIEGUAN_LINE_CHANNEL_ACCESS_TOKEN": line.access_token,
            "LIEGUAN_LINE_API_URL": line.url}
        if telegram is not None:
            env |= {"LIEGUAN_TELEGRAM_TOKEN": telegram.token, "LIEGUAN_TELEGRAM_API_URL": telegram.base_url}
        self.log = workdir / f"{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen([LIEGUAN, "serve"], cwd=workdir, env=env, stdout=out,
                                            stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    async def healthy(self) -> bool:
        try:
            async with aiohttp.ClientSession() as session, \
                    session.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                return response.status == 200
        except aiohttp.ClientError:
            return False

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def reminders_on_line(line: FakeLineApi, chat: str, body: str | None = None) -> int:
    return sum(1 for m in line.pushed(to=chat) if m.body.get("type") == "text"
               and (m.text or "").startswith("【列管事項提醒】") and (body is None or body in (m.text or "")))


def reminders_on_telegram(telegram: FakeTelegramApi, chat_id: int, body: str | None = None) -> int:
    return sum(1 for t in telegram.texts(chat_id) if t.startswith("【列管事項提醒】")
               and (body is None or body in t))


async def until(condition: Callable[[], bool], *, timeout: float = 90.0, why: str = "",
                processes: tuple[Serve, ...] = ()) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            logs = "\n".join(p.output()[-3000:] for p in processes)
            raise TimeoutError(f"{why or 'the condition'} did not happen in {timeout:.0f}s\n{logs}")
        await asyncio.sleep(0.05)
