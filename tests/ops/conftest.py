"""The scheduler tests' world (a body, five items, three bound chats) for the daily backup's tests."""

from __future__ import annotations

import pytest

from bot.core import Bot
from tests.conftest import Clock
from tests.driver import Chat
from tests.scheduler.conftest import World, build_world


@pytest.fixture
def world(bot: Bot, clock: Clock, secretariat: Chat) -> World:
    return build_world(bot, clock, secretariat)
