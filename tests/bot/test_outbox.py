"""The outbox: a row before every send, retries that honour retry-after, leases, order, pacing.

Sending goes through the real line-bot-sdk and python-telegram-bot clients to the fake APIs.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.core import Bot
from bot.messages import ChatRef, Outgoing
from bot.outbox import OutboxSender, backoff
from bot.pacing import Limits, Pacer
from tests.conftest import Clock
from tests.fakes.line_api import FakeLineApi, new_id
from tests.fakes.telegram_api import FakeTelegramApi
from tests.scheduler.senders import LineTestSender, TelegramTestSender

GROUP = new_id("C")
TG_GROUP = -1001234


@pytest.fixture
async def line() -> AsyncIterator[FakeLineApi]:
    async with FakeLineApi() as fake:
        fake.add_group(GROUP, "教育部聯絡群", count=3)
        yield fake


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi() as fake:
        fake.add_chat(TG_GROUP, title="衛福部聯絡群")
        yield fake


@pytest.fixture
async def outbox(bot: Bot, line: FakeLineApi, telegram: FakeTelegramApi) -> AsyncIterator[OutboxSender]:
    senders = {"line": LineTestSender(line.url, line.access_token),
               "telegram": TelegramTestSender(telegram.base_url, telegram.token)}
    yield OutboxSender(bot.store, dict(senders))  # type: ignore[arg-type]
    for sender in senders.values():
        await sender.close()  # type: ignore[attr-defined]


def to(chat: str, text: str, **extra: object) -> Outgoing:
    return Outgoing(text, chat=ChatRef(*chat.split(":", 1)), **extra)  # type: ignore[arg-type]


async def test_a_message_is_a_row_before_it_is_sent(outbox: OutboxSender, line: FakeLineApi, bot: Bot) -> None:
    outbox.enqueue([to(f"line:{GROUP}", "【列管事項提醒】教育部 2 案")], origin=None, key="k")
    assert line.texts() == [] and [r.status for r in bot.store.outbox_rows()] == ["pending"]
    await outbox.flush()
    assert line.texts() == ["【列管事項提醒】教育部 2 案"]
    assert [r.status for r in bot.store.outbox_rows()] == ["sent"]


async def test_the_same_key_twice_is_one_message(outbox: OutboxSender, line: FakeLineApi) -> None:
    reminder = to(f"line:{GROUP}", "提醒", key="remind:1:x:2026-11-30")
    outbox.enqueue([reminder], origin=None, key="a")
    outbox.enqueue([reminder], origin=None, key="b")  # a double-fired job
    await outbox.flush()
    assert len(line.pushed()) == 1


async def test_quoting_a_sent_reminder_lands_on_its_items(outbox: OutboxSender, line: FakeLineApi,
                                                          bot: Bot) -> None:
    outbox.enqueue([to(f"line:{GROUP}", "提醒", item_ids=[7, 8], kind="reminder")], origin=None, key="k")
    await outbox.flush()
    assert bot.store.items_of_message(chat=f"line:{GROUP}", message_id=line.pushed()[0].id) == [7, 8]


async def test_a_push_whose_answer_was_lost_is_retried_and_delivered_once(
        outbox: OutboxSender, line: FakeLineApi, bot: Bot, clock: Clock) -> None:
    line.fail_next(500, delivered=True)  # LINE took it, and the answer was lost
    outbox.enqueue([to(f"line:{GROUP}", "提醒", item_ids=[3])], origin=None, key="k")
    await outbox.flush()
    row = bot.store.outbox_rows()[0]
    assert (row.status, row.attempts) == ("pending", 1) and row.next_attempt_at == clock() + timedelta(seconds=1)
    clock.advance(seconds=1)
    await outbox.flush()
    assert len(line.pushed()) == 1 and [c.status for c in line.calls] == [500, 409]
    assert bot.store.outbox_rows()[0].status == "sent"
    assert bot.store.items_of_message(chat=f"line:{GROUP}", message_id=line.pushed()[0].id) == [3]


async def test_a_429_waits_for_its_retry_after(outbox: OutboxSender, telegram: FakeTelegramApi, bot: Bot,
                                               clock: Clock) -> None:
    telegram.fail_next(429, retry_after=7, method="sendMessage")
    outbox.enqueue([to(f"telegram:{TG_GROUP}", "提醒")], origin=None, key="k")
    await outbox.flush()
    assert bot.store.outbox_rows()[0].next_attempt_at == clock() + timedelta(seconds=7)
    clock.advance(seconds=6)
    await outbox.flush()
    assert telegram.texts() == []
    clock.advance(seconds=1)
    await outbox.flush()
    assert telegram.texts() == ["提醒"]


def test_backoff_doubles_up_to_five_minutes() -> None:
    assert [backoff(n) for n in range(4)] == [1, 2, 4, 8] and backoff(20) == 300


async def test_a_chat_that_is_gone_fails_once_and_the_secretariat_hears_of_it(
        outbox: OutboxSender, telegram: FakeTelegramApi, line: FakeLineApi, bot: Bot) -> None:
    code = bot.store.create_bind_code(agency="秘書處", actor="t", chat=None)
    bot.store.redeem_code(code=code, chat=f"line:{GROUP}", actor="t")
    telegram.kick(TG_GROUP)
    outbox.enqueue([to(f"telegram:{TG_GROUP}", "提醒")], origin=None, key="k")
    await outbox.flush()
    assert [r.status for r in bot.store.outbox_rows()] == ["failed", "sent"]
    assert "訊息無法送達「telegram:-1001234」" in line.texts()[0]


async def test_one_chats_messages_go_in_order_and_wait_behind_a_retry(
        outbox: OutboxSender, telegram: FakeTelegramApi, bot: Bot, clock: Clock) -> None:
    telegram.fail_next(500, method="sendMessage")
    outbox.enqueue([to(f"telegram:{TG_GROUP}", text) for text in ("一", "二", "三")], origin=None, key="k")
    await outbox.flush()
    assert telegram.texts() == []
    assert [(r.status, r.attempts) for r in bot.store.outbox_rows()] == [("pending", 1), ("pending", 0),
                                                                        ("pending", 0)]
    clock.advance(seconds=1)
    await outbox.flush()
    assert telegram.texts() == ["一", "二", "三"]


def test_a_row_of_a_dead_sender_is_taken_over_when_its_lease_runs_out(bot: Bot, clock: Clock) -> None:
    bot.store.enqueue(rows=[{"key": "k", "chat": "line:C1", "payload": {"text": "x"}}])
    assert len(bot.store.claim_due(limit=10)) == 1  # claimed, then the sender died
    assert bot.store.claim_due(limit=10) == []
    clock.advance(seconds=31)
    assert [r.key for r in bot.store.claim_due(limit=10)] == ["k"]


def test_a_chat_with_a_message_in_flight_waits_for_it(bot: Bot) -> None:
    bot.store.enqueue(rows=[{"key": "a", "chat": "line:C1", "payload": {"text": "1"}}])
    assert len(bot.store.claim_due(limit=10)) == 1
    bot.store.enqueue(rows=[{"key": "b", "chat": "line:C1", "payload": {"text": "2"}},
                            {"key": "c", "chat": "line:C2", "payload": {"text": "3"}}])
    assert [r.key for r in bot.store.claim_due(limit=10)] == ["c"]


def test_a_lease_is_renewed_only_by_the_sender_that_holds_it(bot: Bot, clock: Clock) -> None:
    bot.store.enqueue(rows=[{"key": "a", "chat": "line:C1", "payload": {"text": "1"}}])
    row = bot.store.claim_due(limit=1)[0]
    assert row.id is not None
    clock.advance(seconds=20)  # a slow group: the sender still holds it, and renews it
    assert bot.store.renew_lease(row_id=row.id, held_until=row.next_attempt_at) is not None
    assert bot.store.renew_lease(row_id=row.id, held_until=row.next_attempt_at) is None  # not ours now


def test_two_senders_claiming_at_once_never_get_the_same_row(bot: Bot) -> None:
    bot.store.enqueue(rows=[{"key": f"k{n}", "chat": f"line:C{n}", "payload": {"text": "x"}}
                            for n in range(300)])

    async def both() -> tuple[list[int | None], list[int | None]]:
        first, second = await asyncio.gather(asyncio.to_thread(bot.store.claim_due, limit=200),
                                             asyncio.to_thread(bot.store.claim_due, limit=200))
        return [r.id for r in first], [r.id for r in second]

    first, second = asyncio.run(both())
    assert not set(first) & set(second) and len(first) + len(second) == 300


async def test_pacing_keeps_telegram_under_its_limits() -> None:
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(clock=lambda: now[0], sleep=sleep)
    sent: list[tuple[float, str]] = []
    for n in range(90):
        chat = "-100" if n % 3 == 0 else str(n)  # a third go to one group
        pacer.answered(await pacer.wait("telegram", chat))  # answered at once
        sent.append((now[0], chat))
    times = [t for t, _ in sent]
    assert all(times[n + 30] - times[n] >= 1.0 for n in range(len(times) - 30))  # ≤ 30 in any second
    group = [t for t, chat in sent if chat == "-100"]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(group))  # ≤ 1 a second in a chat
    assert all(group[n + 20] - group[n] >= 60 for n in range(len(group) - 20))  # ≤ 20 a minute in a group


async def test_a_send_held_up_on_its_way_holds_back_those_of_the_next_second() -> None:
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds
        await asyncio.sleep(0)

    pacer = Pacer(clock=lambda: now[0], sleep=sleep)
    first = await pacer.wait("telegram", "1")  # sets out at 0 and is not answered yet
    for n in range(29):
        pacer.answered(await pacer.wait("telegram", str(n + 2)))
    thirty_first = asyncio.create_task(pacer.wait("telegram", "31"))
    while now[0] < 1.5:  # the 31st keeps waiting while the first is unanswered
        await asyncio.sleep(0)
    assert not thirty_first.done()
    pacer.answered(first)  # it may have arrived as late as now
    answered_at = now[0]
    pacer.answered(await thirty_first)
    assert now[0] >= answered_at + 1.0  # a full second after the first may have arrived


async def test_pacing_lets_line_go_as_fast_as_two_thousand_a_second() -> None:
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(clock=lambda: now[0], sleep=sleep)
    for n in range(1000):
        pacer.answered(await pacer.wait("line", f"C{n}"))
    assert 0.5 <= now[0] <= 0.51  # 1,000 in just over half a second: 99% of 2,000 a second
    assert Pacer(limits={"x": Limits(per_second=1)}).limits["x"].per_second == 1
