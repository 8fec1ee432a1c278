"""What a reminder round costs on LINE, asked before it is sent (pushes count once per group member)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.channels.line.client import LineApi
from bot.channels.line.cost import round_cost
from bot.channels.line.services import LineServices
from bot.messages import Button, ChatRef, Outgoing
from tests.fakes.line_api import FakeLineApi, new_id

TOKEN = "cost-token"


@pytest.fixture
async def services() -> AsyncIterator[tuple[FakeLineApi, LineServices]]:
    async with FakeLineApi(access_token=TOKEN) as fake:
        api = LineApi(access_token=TOKEN, api_url=fake.url)
        yield fake, LineServices(api)
        await api.close()


def reminder_to(chat: str, items: int) -> Outgoing:
    return Outgoing("【列管事項提醒】", chat=ChatRef("line", chat), item_ids=list(range(items)), kind="reminder",
                    buttons=[Button(f"回報 #{n}", f"回報 {n}") for n in range(items)])


async def test_a_round_costs_one_push_per_group_member_and_warns_before_the_quota_runs_out(
        services: tuple[FakeLineApi, LineServices]) -> None:
    fake, line = services
    moe, mohw = new_id("C"), new_id("C")
    fake.add_group(moe, "教育部聯絡群", count=8)
    fake.add_group(mohw, "衛福部聯絡群", count=15)
    fake.quota, fake.usage = 200, 180
    round_ = [reminder_to(moe, 6), reminder_to(mohw, 30),  # 30 items: 6 messages, two pushes
              Outgoing("（Telegram）", chat=ChatRef("telegram", "-100"), kind="reminder", item_ids=[1])]

    cost = await round_cost(line, round_)

    assert (cost.needed, cost.limit, cost.used, cost.remaining, cost.chats) == (8 + 2 * 15, 200, 180, 20, 2)
    assert cost.exceeds
    assert cost.warning().startswith("注意：這一輪 LINE 提醒需要 38 則訊息（2 個聊天室")
    assert "本月額度只剩 20 則（已用 180／200）" in cost.warning()


async def test_without_a_monthly_limit_nothing_is_exceeded(services: tuple[FakeLineApi, LineServices]) -> None:
    fake, line = services
    group = new_id("C")
    fake.add_group(group, "教育部聯絡群", count=40)
    cost = await round_cost(line, [reminder_to(group, 3)])
    assert (cost.needed, cost.limit, cost.exceeds) == (40, None, False)


async def test_a_group_line_cannot_count_is_named_not_guessed(services: tuple[FakeLineApi, LineServices]) -> None:
    fake, line = services
    fake.quota = 200
    gone = new_id("C")
    cost = await round_cost(line, [reminder_to(gone, 3)])
    assert (cost.needed, cost.unknown) == (0, [gone])


async def test_member_counts_are_asked_again_after_someone_joins(
        services: tuple[FakeLineApi, LineServices]) -> None:
    fake, line = services
    group = new_id("C")
    fake.add_group(group, "教育部聯絡群", count=5)
    assert await line.member_count(group) == 5
    fake.group_members[group] = 6
    assert await line.member_count(group) == 5  # cached: a busy group costs few calls
    line.forget(group)  # what memberJoined / memberLeft do
    assert await line.member_count(group) == 6
    assert await line.member_count(new_id("U")) == 1  # a person: one message
