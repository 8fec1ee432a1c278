"""The fake LINE API answers the real line-bot-sdk (v3) the way LINE does."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import pytest
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    FlexBox,
    FlexBubble,
    FlexMessage,
    FlexText,
    MessageAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import FileMessageContent, GroupSource, MessageEvent, TextMessageContent

from tests.fakes import ManualClock
from tests.fakes.line_api import FakeLineApi, new_id, sign

TOKEN = "channel-access-token"
GROUP = new_id("C")
USER = new_id("U")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def line(clock: ManualClock) -> AsyncIterator[FakeLineApi]:
    async with FakeLineApi(access_token=TOKEN, clock=clock) as fake:
        fake.add_user(USER, "王承辦")
        fake.add_group(GROUP, "衛福部聯絡群", members=(USER,), count=12)
        yield fake


@pytest.fixture
async def client(line: FakeLineApi) -> AsyncIterator[AsyncApiClient]:
    async with AsyncApiClient(Configuration(host=line.url, access_token=TOKEN)) as api_client:
        yield api_client


@pytest.fixture
def api(client: AsyncApiClient) -> AsyncMessagingApi:
    return AsyncMessagingApi(client)


def error_message(exc: ApiException) -> str:
    return str(json.loads(exc.body)["message"])


async def test_reply_delivers_to_the_chat_the_token_was_issued_for(
    line: FakeLineApi, api: AsyncMessagingApi
) -> None:
    token = line.issue_reply_token(to=GROUP)
    response = await api.reply_message(
        ReplyMessageRequest(
            reply_token=token, messages=[TextMessage(text="已收到"), TextMessage(text="謝謝")]
        )
    )

    assert [m.text for m in line.replied(to=GROUP)] == ["已收到", "謝謝"]
    assert [s.id for s in response.sent_messages] == [m.id for m in line.replied()]
    assert all(s.quote_token for s in response.sent_messages)


async def test_a_reply_token_works_once(line: FakeLineApi, api: AsyncMessagingApi) -> None:
    token = line.issue_reply_token(to=GROUP)
    await api.reply_message(ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="一")]))

    with pytest.raises(ApiException) as raised:
        await api.reply_message(ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="二")]))

    assert raised.value.status == 400
    assert error_message(raised.value) == "Invalid reply token"
    assert line.texts() == ["一"]


async def test_a_reply_token_expires(line: FakeLineApi, api: AsyncMessagingApi, clock: ManualClock) -> None:
    line.reply_token_ttl = 60
    token = line.issue_reply_token(to=GROUP)
    clock.advance(61)

    with pytest.raises(ApiException) as raised:
        await api.reply_message(ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="遲了")]))

    assert (raised.value.status, error_message(raised.value)) == (400, "Invalid reply token")
    assert line.delivered == type(line.delivered)()


async def test_push_returns_fresh_message_ids_and_quote_tokens(
    line: FakeLineApi, api: AsyncMessagingApi
) -> None:
    first = await api.push_message(PushMessageRequest(to=GROUP, messages=[TextMessage(text="提醒一")]))
    second = await api.push_message(PushMessageRequest(to=GROUP, messages=[TextMessage(text="提醒二")]))

    ids = [first.sent_messages[0].id, second.sent_messages[0].id]
    assert len(set(ids)) == 2
    assert [m.id for m in line.pushed(to=GROUP)] == ids
    assert first.sent_messages[0].quote_token == line.pushed()[0].quote_token


async def test_a_repeated_retry_key_is_not_delivered_twice(line: FakeLineApi, api: AsyncMessagingApi) -> None:
    key = str(uuid.uuid4())
    request = PushMessageRequest(to=GROUP, messages=[TextMessage(text="每週提醒")])
    first = await api.push_message(request, x_line_retry_key=key)

    with pytest.raises(ApiException) as raised:
        await api.push_message(request, x_line_retry_key=key)

    conflict = raised.value
    assert conflict.status == 409
    assert error_message(conflict) == "The retry key is already accepted"
    assert json.loads(conflict.body)["sentMessages"][0]["id"] == first.sent_messages[0].id
    assert conflict.headers["x-line-accepted-request-id"]
    assert line.texts(to=GROUP) == ["每週提醒"]
    assert [c.status for c in line.calls] == [200, 409]
    assert line.calls[0].headers["x-line-retry-key"] == key


async def test_a_push_answered_500_may_have_gone_out_and_its_retry_is_then_refused(
    line: FakeLineApi, api: AsyncMessagingApi
) -> None:
    line.fail_next(500, delivered=True)
    key = str(uuid.uuid4())
    request = PushMessageRequest(to=GROUP, messages=[TextMessage(text="只送一次")])

    with pytest.raises(ApiException) as failed:
        await api.push_message(request, x_line_retry_key=key)
    with pytest.raises(ApiException) as retried:
        await api.push_message(request, x_line_retry_key=key)

    assert (failed.value.status, retried.value.status) == (500, 409)
    assert line.texts() == ["只送一次"]


async def test_a_push_to_a_group_costs_one_message_per_member(
    line: FakeLineApi, api: AsyncMessagingApi
) -> None:
    line.quota = 20
    await api.push_message(
        PushMessageRequest(to=GROUP, messages=[TextMessage(text="a"), TextMessage(text="b")])
    )

    assert (await api.get_message_quota_consumption()).total_usage == 12
    with pytest.raises(ApiException) as raised:
        await api.push_message(PushMessageRequest(to=GROUP, messages=[TextMessage(text="c")]))
    assert (raised.value.status, error_message(raised.value)) == (429, "You have reached your monthly limit.")

    # Replies are free whatever the quota.
    token = line.issue_reply_token(to=GROUP)
    await api.reply_message(ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="d")]))
    assert line.texts() == ["a", "b", "d"]


async def test_quota_reads_limited_or_none(line: FakeLineApi, api: AsyncMessagingApi) -> None:
    assert (await api.get_message_quota()).type == "none"
    line.quota = 200
    quota = await api.get_message_quota()
    assert (quota.type, quota.value) == ("limited", 200)


async def test_group_member_count_summary_and_profiles(api: AsyncMessagingApi) -> None:
    assert (await api.get_group_member_count(GROUP)).count == 12
    assert (await api.get_group_summary(GROUP)).group_name == "衛福部聯絡群"
    assert (await api.get_profile(USER)).display_name == "王承辦"
    assert (await api.get_group_member_profile(GROUP, USER)).display_name == "王承辦"
    with pytest.raises(ApiException) as raised:
        await api.get_profile(new_id("U"))
    assert raised.value.status == 404


async def test_a_429_then_success(line: FakeLineApi, api: AsyncMessagingApi) -> None:
    line.fail_next(429, endpoint="/v2/bot/message/push")
    request = PushMessageRequest(to=GROUP, messages=[TextMessage(text="稍後再試")])

    with pytest.raises(ApiException) as raised:
        await api.push_message(request)
    await api.push_message(request)

    assert raised.value.status == 429
    assert error_message(raised.value) == "The API rate limit has been exceeded. Try again later."
    assert line.texts() == ["稍後再試"]


async def test_the_rate_limit_when_switched_on(line: FakeLineApi, api: AsyncMessagingApi) -> None:
    line.rate_limit = 2
    await api.get_message_quota()
    await api.get_message_quota()
    with pytest.raises(ApiException) as raised:
        await api.get_message_quota()
    assert raised.value.status == 429


async def test_a_wrong_access_token_is_401(line: FakeLineApi) -> None:
    async with AsyncApiClient(Configuration(host=line.url, access_token="stale")) as other:
        with pytest.raises(ApiException) as raised:
            await AsyncMessagingApi(other).get_message_quota()
    assert raised.value.status == 401
    assert error_message(raised.value).startswith("Authentication failed")


async def test_message_objects_are_checked_like_line_does(line: FakeLineApi, api: AsyncMessagingApi) -> None:
    # The SDK's own models refuse 6 messages or 14 quick-reply items before sending
    # anything, so build them with construct() to see what LINE itself answers.
    many_items = [QuickReplyItem(action=MessageAction(label=f"{i}", text=f"{i}")) for i in range(14)]
    cases = [
        ([TextMessage(text="x")] * 6, "messages"),
        ([TextMessage(text="長" * 5001)], "messages[0].text"),
        (
            [TextMessage(text="選", quick_reply=QuickReply.construct(items=many_items))],
            "messages[0].quickReply.items",
        ),
    ]
    for messages, prop in cases:
        with pytest.raises(ApiException) as raised:
            await api.push_message(PushMessageRequest.construct(to=GROUP, messages=messages))
        body = json.loads(raised.value.body)
        assert raised.value.status == 400
        assert body["message"] == "The request body has 1 error(s)"
        assert body["details"][0]["property"] == prop
    assert not line.delivered


async def test_text_counts_utf16_units_and_flex_needs_alt_text(
    line: FakeLineApi, api: AsyncMessagingApi
) -> None:
    await api.push_message(PushMessageRequest(to=GROUP, messages=[TextMessage(text="案" * 5000)]))
    with pytest.raises(ApiException):  # an emoji is two UTF-16 code units
        await api.push_message(PushMessageRequest(to=GROUP, messages=[TextMessage(text="😀" * 2501)]))

    bubble = FlexBubble(body=FlexBox(layout="vertical", contents=[FlexText(text="案 12")]))
    await api.push_message(
        PushMessageRequest(to=GROUP, messages=[FlexMessage(alt_text="案 12", contents=bubble)])
    )
    assert line.pushed()[-1].body["contents"]["type"] == "bubble"
    assert line.pushed()[-1].quote_token is None  # flex messages cannot be quoted


async def test_a_push_to_a_group_the_bot_is_not_in_fails(api: AsyncMessagingApi) -> None:
    with pytest.raises(ApiException) as raised:
        await api.push_message(PushMessageRequest(to=new_id("C"), messages=[TextMessage(text="?")]))
    assert (raised.value.status, error_message(raised.value)) == (400, "Failed to send messages")


async def test_content_downloads_from_the_same_server(line: FakeLineApi, client: AsyncApiClient) -> None:
    event = line.file_event("會議紀錄.pdf", b"%PDF-1.7 ...", user_id=USER, group_id=GROUP)
    data = await AsyncMessagingApiBlob(client).get_message_content(event["message"]["id"])
    assert bytes(data) == b"%PDF-1.7 ..."


async def test_loading_animation_in_a_one_on_one_chat(line: FakeLineApi, api: AsyncMessagingApi) -> None:
    await api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=USER, loading_seconds=5))
    assert line.calls[-1].status == 202


async def test_webhook_bodies_parse_with_the_sdk_and_their_reply_token_works(
    line: FakeLineApi, api: AsyncMessagingApi
) -> None:
    reminder = await api.push_message(PushMessageRequest(to=GROUP, messages=[TextMessage(text="請回報")]))
    quoted = reminder.sent_messages[0].id
    body = line.webhook_body(
        line.text_event("已辦理", user_id=USER, group_id=GROUP, quoted_message_id=quoted),
        line.file_event("附件.docx", b"PK...", user_id=USER, group_id=GROUP),
    )

    events = WebhookParser("channel-secret").parse(body.decode(), sign(body, "channel-secret"))

    text, file = events
    assert isinstance(text, MessageEvent) and isinstance(text.message, TextMessageContent)
    assert text.message.quoted_message_id == quoted
    assert isinstance(text.source, GroupSource) and text.source.group_id == GROUP
    assert isinstance(file.message, FileMessageContent) and file.message.file_size == 5
    await api.reply_message(
        ReplyMessageRequest(reply_token=text.reply_token, messages=[TextMessage(text="收到")])
    )
    assert [m.text for m in line.replied(to=GROUP)] == ["收到"]
