"""Shared fixtures: a fixed clock, a real database on both engines, the bot and chats to talk in it."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core import Bot, open_bot
from config.settings import Settings
from storage.db import migrate
from tests.driver import Chat

# python-telegram-bot 22 warns that RetryAfter.retry_after becomes a timedelta; opt in now, as
# the Telegram sender accepts both
os.environ.setdefault("PTB_TIMEDELTA", "1")

# Monday 115年11月23日 09:30 in Taipei
START = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
_databases = itertools.count(1)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    from tests.fakes.postgres import PostgresServer

    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/lieguan.db"
    server = request.getfixturevalue("postgres")
    return str(server.create_database(f"lieguan_{next(_databases)}"))  # type: ignore[attr-defined]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/lieguan.db"


def make_bot(url: str, clock: Clock) -> Bot:
    migrate(url)
    return open_bot(Settings(database_url=url), clock=clock)


@pytest.fixture
def bot(database_url: str, clock: Clock) -> Iterator[Bot]:
    """The bot on a fresh database, once on SQLite and once on PostgreSQL."""
    made = make_bot(database_url, clock)
    yield made
    made.store.engine.dispose()


@pytest.fixture
def secretariat(bot: Bot) -> Chat:
    """The secretariat's LINE group, bound with a code as `lieguan bind-code 秘書處` gives one."""
    chat = Chat(bot, "line:Csecretariat", user="Usec", name="王小姐")
    code = bot.store.create_bind_code(agency="秘書處", actor="cli", chat=None)
    chat.run(f"綁定 {code}")
    return chat


def bind_agency(secretariat: Chat, agency: str, chat_id: str, *, name: str = "李先生") -> Chat:
    """An agency's group, bound the way a contact binds it: a code from the secretariat, then 綁定."""
    answer = secretariat.run(f"綁定碼 {agency}")
    code = answer.split("「綁定 ")[1].split("」")[0]
    chat = Chat(secretariat.bot, chat_id, user=f"U{chat_id}", name=name)
    assert "已綁定" in chat.run(f"綁定 {code}")
    return chat
