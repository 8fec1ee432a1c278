"""Telegram's flood limits, kept before sending: a second per chat (after a short burst), 20 a minute
per group, 30 a second overall, and a 429's retry_after."""

from __future__ import annotations

import pytest

from bot.channels.telegram.throttle import Busy, Throttle
from tests.fakes import ManualClock

USER, GROUP = 42, -1001234567890


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def test_a_chat_gets_a_short_burst_then_one_message_a_second(clock: ManualClock) -> None:
    throttle = Throttle(clock)
    assert [throttle.take(USER) for _ in range(3)] == [0, 0, 0]
    assert throttle.take(USER) == pytest.approx(1.0)
    clock.advance(1)
    assert throttle.take(USER) == 0
    assert throttle.take(USER) == pytest.approx(1.0)


def test_a_group_takes_twenty_messages_a_minute(clock: ManualClock) -> None:
    throttle = Throttle(clock)
    for _ in range(20):
        assert throttle.take(GROUP) == 0
        clock.advance(1)
    assert throttle.take(GROUP) == pytest.approx(40.0)
    clock.advance(40)
    assert throttle.take(GROUP) == 0


def test_a_private_chat_has_no_minute_limit(clock: ManualClock) -> None:
    throttle = Throttle(clock)
    for _ in range(30):
        assert throttle.take(USER) == 0
        clock.advance(1)


def test_thirty_messages_a_second_overall(clock: ManualClock) -> None:
    throttle = Throttle(clock)
    assert all(throttle.take(chat) == 0 for chat in range(1, 31))
    assert throttle.take(31) == pytest.approx(1.0)
    clock.advance(1)
    assert throttle.take(31) == 0


def test_a_429_blocks_the_chat_for_its_retry_after(clock: ManualClock) -> None:
    throttle = Throttle(clock)
    throttle.penalise(USER, 7)
    assert throttle.take(USER) == pytest.approx(7.0)
    assert throttle.take(USER + 1) == 0  # other chats go on
    clock.advance(7)
    assert throttle.take(USER) == 0


async def test_acquire_waits_a_short_turn_and_refuses_a_long_one(clock: ManualClock) -> None:
    throttle = Throttle(clock)
    throttle.penalise(USER, 30)
    with pytest.raises(Busy) as busy:
        await throttle.acquire(USER, max_wait=5)
    assert busy.value.wait == pytest.approx(30.0)


def test_a_message_that_must_wait_is_not_counted(clock: ManualClock) -> None:
    throttle = Throttle(clock)
    for _ in range(3):
        throttle.take(USER)
    for _ in range(5):
        assert throttle.take(USER) > 0  # asking again and again does not push the turn further
    clock.advance(1)
    assert throttle.take(USER) == 0
