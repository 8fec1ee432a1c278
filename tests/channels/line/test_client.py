"""The LINE client's one session: kept alive across calls, blind to proxy variables, closed with the
channel; LINE's answers still sorted as the outbox needs them."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest

from bot.channels.line.client import InvalidReplyToken, LineApi, LineError
from bot.delivery import PermanentFailure, TemporaryFailure
from tests.fakes.line_api import FakeLineApi, new_id

TOKEN = "client-token"


@pytest.fixture
async def line() -> AsyncIterator[tuple[FakeLineApi, LineApi]]:
    async with FakeLineApi(access_token=TOKEN) as fake:
        api = LineApi(access_token=TOKEN, api_url=fake.url)
        yield fake, api
        await api.close()


def text(body: str) -> list[dict[str, str]]:
    return [{"type": "text", "text": body}]


PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")


def name_a_dead_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)


async def test_replies_and_pushes_share_one_session_that_does_not_look_at_the_environment_per_call(
        line: tuple[FakeLineApi, LineApi], monkeypatch: pytest.MonkeyPatch) -> None:
    fake, api = line
    user = new_id("U")
    await api.reply(fake.issue_reply_token(user), text("收到"))
    session = api.http.session()

    name_a_dead_proxy(monkeypatch)  # were the environment read per call, the push would fail
    await api.push(user, text("提醒"), retry_key=str(uuid.uuid4()))

    assert [(m.kind, m.text) for m in fake.delivered] == [("reply", "收到"), ("push", "提醒")]
    assert session.trust_env is False and api.http.session() is session
    await api.close()
    assert session.closed


async def test_a_proxy_the_environment_names_is_used_and_looked_up_once(
        line: tuple[FakeLineApi, LineApi], monkeypatch: pytest.MonkeyPatch) -> None:
    fake, api = line
    name_a_dead_proxy(monkeypatch)
    with pytest.raises(TemporaryFailure, match="LINE 連線失敗"):
        await api.push(new_id("U"), text("提醒"), retry_key=str(uuid.uuid4()))
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name)
    with pytest.raises(TemporaryFailure, match="LINE 連線失敗"):
        await api.push(new_id("U"), text("提醒"), retry_key=str(uuid.uuid4()))
    assert list(fake.calls) == []


async def test_a_retried_push_is_delivered_once_and_keeps_its_first_ids(line: tuple[FakeLineApi, LineApi]) -> None:
    fake, api = line
    user, key = new_id("U"), str(uuid.uuid4())
    fake.fail_next(500, endpoint="/v2/bot/message/push", delivered=True)

    with pytest.raises(TemporaryFailure):
        await api.push(user, text("一次就好"), retry_key=key)
    ids = await api.push(user, text("一次就好"), retry_key=key)

    assert ids == [m.id for m in fake.pushed(user)] and len(ids) == 1
    assert [c.status for c in fake.calls] == [500, 409]


async def test_a_spent_reply_token_asks_for_a_push(line: tuple[FakeLineApi, LineApi]) -> None:
    fake, api = line
    token = fake.issue_reply_token(new_id("U"))
    await api.reply(token, text("第一次"))
    with pytest.raises(InvalidReplyToken):
        await api.reply(token, text("第二次"))


async def test_a_429_carries_the_wait_line_asks_for(line: tuple[FakeLineApi, LineApi]) -> None:
    fake, api = line
    fake.fail_next(429, retry_after=7)
    with pytest.raises(TemporaryFailure) as raised:
        await api.push(new_id("U"), text("稍後"), retry_key=str(uuid.uuid4()))
    assert raised.value.retry_after == 7.0


async def test_a_refused_message_names_the_property_line_objects_to(line: tuple[FakeLineApi, LineApi]) -> None:
    _, api = line
    with pytest.raises(PermanentFailure, match=r"LINE 拒絕（400）.*messages\[0\]\.text"):
        await api.push(new_id("U"), text("長" * 5001), retry_key=str(uuid.uuid4()))


async def test_a_wrong_token_is_said_in_words_the_secretariat_can_act_on(line: tuple[FakeLineApi, LineApi]) -> None:
    fake, _ = line
    wrong = LineApi(access_token="wrong", api_url=fake.url)
    try:
        with pytest.raises(PermanentFailure, match="LIEGUAN_LINE_CHANNEL_ACCESS_TOKEN"):
            await wrong.push(new_id("U"), text("提醒"), retry_key=str(uuid.uuid4()))
    finally:
        await wrong.close()


async def test_a_lone_surrogate_reaches_line_escaped_for_line_to_judge(line: tuple[FakeLineApi, LineApi]) -> None:
    fake, api = line
    with contextlib.suppress(TemporaryFailure, PermanentFailure):  # what LINE answers is LINE's to say
        await api.push(new_id("U"), text("收到 \ud800 了"), retry_key=str(uuid.uuid4()))
    assert fake.calls[-1].json["messages"][0]["text"] == "收到 \ud800 了"


async def test_names_counts_and_content_come_over_the_same_session(line: tuple[FakeLineApi, LineApi]) -> None:
    fake, api = line
    group, user = new_id("C"), new_id("U")
    fake.add_user(user, "王小姐")
    fake.add_group(group, "教育部聯絡群", members=(user,), count=8)
    fake.add_content("m1", b"%PDF-1.7")

    assert await api.display_name(group, user) == "王小姐"
    assert await api.display_name(user, user) == "王小姐"
    assert await api.display_name(group, "U/../../v2/bot/message/quota") is None  # an id is one path segment
    assert await api.member_count(group) == 8 and await api.member_count(user) == 1
    assert await api.member_count(new_id("C")) is None
    assert await api.content("m1") == b"%PDF-1.7"
    with pytest.raises(LineError) as gone:
        await api.content("m2")
    assert gone.value.status == 404
    assert await api.quota() == (None, 0)
