"""What the crash tests need: a PostgreSQL that keeps what it acknowledged, a real `lieguan serve`
with LINE pointed at the fake, a burst of signed `#N` replies, and what the database and LINE saw.

The PostgreSQL of the other tests runs with fsync and synchronous_commit off (speed); here every
COMMIT waits for the disk, so "answered 200" means "on disk" as it does in production.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psycopg

from bot.channels.line.sender import retry_key
from bot.core import open_bot
from config.settings import Settings
from storage.db import migrate
from tests.fakes.line_api import FakeLineApi, new_id, sign
from tests.fakes.postgres import PostgresServer
from tests.scheduler.processes import LINE_SECRET, Serve

JSON = dict[str, Any]
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
AGENCY = "教育部"


class DurablePostgres(PostgresServer):
    """A throwaway cluster that flushes every commit to disk, and can be stopped and started under load."""

    def __init__(self) -> None:
        super().__init__(settings=DURABLE)

    def shown(self, name: str) -> dict[str, str]:
        """The durability settings as a session in database `name` sees them (SHOW)."""
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=name) as conn:
            return {k: str(conn.execute(f"SHOW {k}").fetchone()[0]) for k in DURABLE}  # type: ignore[index]

    def halt(self, mode: str = "immediate") -> None:
        """`pg_ctl stop -m immediate`: every backend killed at once, as a crash; recovery at the next start."""
        assert self.directory is not None
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """Start the stopped cluster again on the same port and data."""
        assert self.directory is not None
        options = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        options += f" -p {self.port} -k {self.directory}"
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-l", str(self.directory / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")


@dataclass
class Group:
    chat_id: str
    user: str


@dataclass
class Sent:
    """One LINE event and every answer our webhook gave to it (0: the connection broke, no answer)."""

    event: JSON
    statuses: list[int] = field(default_factory=list)
    retry_after: list[str | None] = field(default_factory=list)

    @property
    def key(self) -> str:
        return "line:" + self.event["webhookEventId"]

    @property
    def message_id(self) -> str:
        return str(self.event["message"]["id"])

    @property
    def acknowledged(self) -> bool:
        return 200 in self.statuses


def prepare(url: str, line: FakeLineApi, *, groups: int, items: int = 3) -> tuple[list[Group], list[str]]:
    """A body with `items` items led by 教育部, and `groups` LINE groups bound to 教育部."""
    migrate(url)
    bot = open_bot(Settings(database_url=url))
    body = bot.store.ensure_body(name="強化社會安全網中央跨部會平台", actor="test", chat=None)
    labels = [bot.store.add_item(body_id=body.id, text=f"請教育部辦理第{n + 1}項", agencies=[(AGENCY, "lead")],
                                 actor="test", chat=None).label for n in range(items)]
    made = []
    for n in range(groups):
        group = Group(new_id("C"), new_id("U"))
        line.add_user(group.user, f"李專員{n}")
        line.add_group(group.chat_id, f"教育部聯絡群{n}", members=(group.user,), count=3)
        code = bot.store.create_bind_code(agency=AGENCY, actor="test", chat=None)
        bot.store.redeem_code(code=code, chat=f"line:{group.chat_id}", actor="test")
        made.append(group)
    bot.store.engine.dispose()
    return made, labels


def replies(line: FakeLineApi, groups: list[Group], labels: list[str], n: int) -> list[Sent]:
    """`n` distinct `#N …` progress replies, spread over the groups and items."""
    out = []
    for k in range(n):
        group, label = groups[k % len(groups)], labels[k % len(labels)]
        text = f"#{label} 第{k + 1}則進度：已函請所屬學校於本月底前完成轉介流程（{k + 1}）。"
        out.append(Sent(line.text_event(text, user_id=group.user, group_id=group.chat_id)))
    return out


class LineServe(Serve):
    """One `lieguan serve` with LINE pointed at the fake and no other channel."""

    def __init__(self, url: str, line: FakeLineApi, workdir: Path, name: str) -> None:
        super().__init__(url, line, None, workdir, name)

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/line"

    async def ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()[-3000:]
            if await self.healthy():
                return
            await asyncio.sleep(0.1)
        raise TimeoutError(f"lieguan serve did not answer /healthz in {timeout:.0f}s\n{self.output()[-3000:]}")


async def deliver(session: aiohttp.ClientSession, url: str, sent: Sent, *, redelivery: bool = False) -> int:
    """POST one event as LINE does (a redelivery says so in its deliveryContext); its answer's status."""
    event = dict(sent.event, deliveryContext={"isRedelivery": redelivery})
    body = FakeLineApi.webhook_body(event)
    headers = {"X-Line-Signature": sign(body, LINE_SECRET), "Content-Type": "application/json"}
    try:
        async with session.post(url, data=body, headers=headers) as response:
            await response.read()
            status, after = response.status, response.headers.get("Retry-After")
    except (TimeoutError, aiohttp.ClientError):
        status, after = 0, None
    sent.statuses.append(status)
    sent.retry_after.append(after)
    return status


async def burst(url: str, events: list[Sent], *, concurrency: int,
                after_each: Callable[[], None] = lambda: None) -> None:
    """Every event posted once, `concurrency` at a time, as LINE does under load."""
    gate = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async def one(sent: Sent) -> None:
            async with gate:
                await deliver(session, url, sent)
            after_each()
        await asyncio.gather(*(one(s) for s in events))


async def redeliver(url: str, events: list[Sent], *, within: float = 30.0) -> None:
    """LINE's redelivery: whatever was not answered 200 is sent again (marked so) until it is."""
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        while (left := [s for s in events if not s.acknowledged]) and time.monotonic() < deadline:
            for sent in left:
                await deliver(session, url, sent, redelivery=True)
            if any(not s.acknowledged for s in left):
                await asyncio.sleep(1.0)


def _connect(url: str) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def stored(url: str, events: list[Sent]) -> Counter[str]:
    """How many reply rows (every version) each event's LINE message left in the database."""
    with _connect(url) as conn:
        rows = conn.execute("SELECT message_id, count(*) FROM reply WHERE message_id = ANY(%s) GROUP BY message_id",
                            ([s.message_id for s in events],)).fetchall()
    return Counter({str(m): int(c) for m, c in rows})


def event_statuses(url: str, events: list[Sent]) -> dict[str, str]:
    with _connect(url) as conn:
        rows = conn.execute("SELECT key, status FROM processedevent WHERE key = ANY(%s)",
                            ([s.key for s in events],)).fetchall()
    return {str(k): str(v) for k, v in rows}


def outbox_rows(url: str, events: list[Sent]) -> dict[str, list[tuple[str, str]]]:
    """Each event's answers in the outbox: (row key, status)."""
    with _connect(url) as conn:
        rows = conn.execute("SELECT key, status FROM outbox WHERE key LIKE 'line:%%'").fetchall()
    mine: dict[str, list[tuple[str, str]]] = {s.key: [] for s in events}
    for key, status in rows:
        event = str(key).rsplit(":", 1)[0]
        if event in mine:
            mine[event].append((str(key), str(status)))
    return mine


@dataclass
class Acks:
    """The acknowledgements LINE accepted for each event: by its reply token, or by push (retry key)."""

    replied: Counter[str]
    pushed: Counter[str]
    texts: dict[str, list[str]]
    replied_at: dict[str, int]  # index of the accepted reply call among LINE's calls

    @property
    def doubled(self) -> set[str]:
        return {k for k in set(self.replied) | set(self.pushed) if self.replied[k] + self.pushed[k] > 1}


def acknowledgements(line: FakeLineApi, url: str, events: list[Sent]) -> Acks:
    by_token = {s.event["replyToken"]: s.key for s in events}
    by_retry_key = {retry_key(row, 0): event for event, rows in outbox_rows(url, events).items()
                    for row, _ in rows}
    acks = Acks(Counter(), Counter(), {s.key: [] for s in events}, {})
    for n, call in enumerate(line.calls):
        if call.status != 200 or not isinstance(call.json, dict):
            continue
        if call.path == "/v2/bot/message/reply" and call.json.get("replyToken") in by_token:
            key = by_token[call.json["replyToken"]]
            acks.replied[key] += 1
            acks.replied_at.setdefault(key, n)
        elif call.path == "/v2/bot/message/push" and call.headers.get("X-Line-Retry-Key") in by_retry_key:
            key = by_retry_key[call.headers["X-Line-Retry-Key"]]
            acks.pushed[key] += 1
        else:
            continue
        acks.texts[key] += [str(m.get("text")) for m in call.json.get("messages", [])]
    return acks


async def until(condition: Callable[[], bool], *, timeout: float, every: float = 0.2) -> bool:
    """Poll `condition` (it may query the database) until it holds or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(condition):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(every)
    return True


def describe(url: str, line: FakeLineApi, events: list[Sent]) -> str:
    """What became of each of these events, for a failure message: how the webhook answered, the
    event's status, its reply rows, its outbox rows and the acknowledgements LINE accepted."""
    kept, statuses, rows = stored(url, events), event_statuses(url, events), outbox_rows(url, events)
    acks = acknowledgements(line, url, events)
    return "\n".join(
        f"{s.key} ({s.event['message']['text'][:12]}…): webhook {s.statuses}, event {statuses.get(s.key)}, "
        f"replies stored {kept[s.message_id]}, outbox {rows[s.key]}, replied {acks.replied[s.key]} "
        f"pushed {acks.pushed[s.key]} {acks.texts[s.key]}" for s in events)


@dataclass
class Progress:
    """How many of the events had their reply stored, polled from a moment on."""

    since: float
    seen: list[tuple[float, int]] = field(default_factory=list)  # (seconds since `since`, stored)
    complete: bool = False

    @property
    def took(self) -> float:
        return self.seen[-1][0] if self.complete else time.monotonic() - self.since

    def timeline(self) -> str:
        return ", ".join(f"{n} at {t:.1f} s" for t, n in self.seen)


async def stored_in_time(url: str, events: list[Sent], *, since: float, timeout: float) -> Progress:
    """Wait until every event's reply is stored (or `timeout` passes), noting the progress."""
    progress = Progress(since)

    def all_there() -> bool:
        count = sum(1 for n in stored(url, events).values() if n)
        if not progress.seen or count != progress.seen[-1][1]:
            progress.seen.append((time.monotonic() - since, count))
        return count == len(events)

    progress.complete = await until(all_there, timeout=timeout)
    return progress
