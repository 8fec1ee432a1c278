"""A backup taken while a real `lieguan serve` takes a burst of LINE replies through its webhook.

Every reply the bot had acknowledged in the group before the backup began is in the restored
database, and the backup is one consistent snapshot (the rows the manifest counts are the rows
restored), on SQLite (online backup API) and on PostgreSQL (pg_dump on an exported snapshot).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from bot.core import open_bot
from config.settings import Settings
from storage.db import migrate
from tests.fakes.line_api import FakeLineApi, new_id, sign
from tests.fakes.telegram_api import FakeTelegramApi
from tests.ops.helpers import LIEGUAN, another_database, environment, lieguan, reply_texts
from tests.scheduler.processes import LINE_SECRET, Serve, until

ITEMS = 5
BURST = 60


def seed(url: str, chat: str) -> None:
    migrate(url)
    bot = open_bot(Settings(database_url=url))
    body = bot.store.ensure_body(name="強化社會安全網中央跨部會平台", actor="test", chat=None)
    for n in range(ITEMS):
        bot.store.add_item(body_id=body.id, text=f"請教育部辦理第{n + 1}項", agencies=[("教育部", "lead")],
                           actor="test", chat=None)
    code = bot.store.create_bind_code(agency="教育部", actor="test", chat=None)
    bot.store.redeem_code(code=code, chat=chat, actor="test")
    bot.store.engine.dispose()


async def post_replies(line: FakeLineApi, port: int, group: str, user: str, texts: list[str]) -> None:
    """Each reply its own webhook call, all at once, through the real route with LINE's signature."""
    async with aiohttp.ClientSession() as session:
        async def one(reply: str) -> None:
            raw = FakeLineApi.webhook_body(line.text_event(reply, user_id=user, group_id=group))
            headers = {"X-Line-Signature": sign(raw, LINE_SECRET), "Content-Type": "application/json"}
            async with session.post(f"http://127.0.0.1:{port}/webhooks/line", data=raw, headers=headers) as r:
                assert r.status == 200, await r.text()

        await asyncio.gather(*(one(t) for t in texts))


def acknowledged(line: FakeLineApi, group: str) -> int:
    return sum("已記錄" in t for t in line.texts(to=group))


async def test_a_backup_during_a_burst_of_replies_restores_every_acknowledged_one(
        database_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    group, user = new_id("C"), new_id("U")

    def reply(n: int) -> str:
        return f"#{n % ITEMS + 1} 第{n}次辦理情形：已函請各縣市政府（含離島）配合辦理。"

    async with FakeLineApi(max_records=50_000) as line, FakeTelegramApi() as telegram:
        line.add_user(user, "李先生")
        line.add_group(group, "教育部聯絡群", members=(user,), count=3)
        seed(database_url, f"line:{group}")
        serve = Serve(database_url, line, telegram, tmp_path, "serve")
        try:
            for _ in range(600):
                if await serve.healthy():
                    break
                await asyncio.sleep(0.1)
            else:
                raise TimeoutError(serve.output())
            await post_replies(line, serve.port, group, user, [reply(n) for n in range(BURST)])
            await until(lambda: acknowledged(line, group) >= BURST, why="the first burst acknowledged",
                        processes=(serve,))
            before_backup = [reply(n).split(" ", 1)[1] for n in range(BURST)]  # as stored: after "#N "
            backup = await asyncio.create_subprocess_exec(
                LIEGUAN, "backup", "-o", str(tmp_path / "during.zip"), "--json", cwd=tmp_path,
                env=environment(database_url), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            finished = asyncio.create_task(backup.communicate())
            sent = BURST
            while not finished.done():  # the bot keeps taking replies for as long as the backup runs
                await post_replies(line, serve.port, group, user, [reply(n) for n in range(sent, sent + 5)])
                sent += 5
            out, err = await finished
            assert backup.returncode == 0, err.decode()
            await until(lambda: acknowledged(line, group) >= sent, why="every reply acknowledged",
                        processes=(serve,))
        finally:
            serve.stop()

    written = json.loads(out)
    fresh = another_database(database_url, request, tmp_path, "restored")
    restored = lieguan("restore", str(tmp_path / "during.zip"), url=fresh, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    texts = reply_texts(fresh)
    assert set(before_backup) <= set(texts)  # every acknowledged reply, character for character
    assert len(texts) == written["tables"]["reply"]
    assert BURST <= len(texts) <= sent == len(reply_texts(database_url))
