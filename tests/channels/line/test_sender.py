"""Answers by reply token while it is valid, else by push with X-Line-Retry-Key; failures sorted out."""

from __future__ import annotations

import uuid

from bot.channels.line.sender import retry_key
from bot.messages import ChatRef, Document, Outgoing
from tests.channels.line.conftest import Group, Line, add_items, reminder


def notice(group: Group, text: str) -> Outgoing:
    return Outgoing(text, chat=ChatRef("line", group.chat_id), kind="notice")


async def test_an_answer_uses_the_reply_token_while_it_is_valid(line: Line, secretariat: Group) -> None:
    delivered = await line.send(line.text_event(secretariat, "說明"))
    assert [m.kind for m in delivered] == ["reply"]
    assert "x-line-retry-key" not in line.api.calls[-1].headers  # LINE refuses retry keys on replies


async def test_an_expired_reply_token_falls_back_to_push(line: Line, secretariat: Group) -> None:
    event = line.text_event(secretariat, "說明")
    line.clock.advance(minutes=2)  # the event reached us late (a redelivery): its token is too old to try
    assert [m.kind for m in await line.send(event)] == ["push"]


async def test_a_token_line_no_longer_takes_falls_back_to_push(line: Line, secretariat: Group) -> None:
    event = line.text_event(secretariat, "說明")
    line.line_clock.advance(61)  # LINE's minute is over although ours is not
    delivered = await line.send(event)
    assert [m.kind for m in delivered] == ["push"]
    assert [c.status for c in line.api.calls if c.path.startswith("/v2/bot/message/")][-2:] == [400, 200]


async def test_a_push_carries_a_retry_key_derived_from_the_outbox_key(line: Line, secretariat: Group) -> None:
    await line.push(notice(secretariat, "本週提醒已送出"), key="notice:42")
    push, row = line.api.calls[-1], line.bot.store.outbox_rows(chat=secretariat.key)[-1]
    assert push.headers["X-Line-Retry-Key"] == retry_key(row.key, 0)
    assert uuid.UUID(push.headers["X-Line-Retry-Key"]).version == 5


async def test_a_429_is_retried_after_the_wait_line_asks_for(line: Line, secretariat: Group) -> None:
    line.api.fail_next(429, retry_after=7, endpoint="/v2/bot/message/push")
    assert await line.push(notice(secretariat, "稍後再送"), key="notice:429") == []
    row = line.bot.store.outbox_rows(chat=secretariat.key)[-1]
    assert (row.status, row.attempts) == ("pending", 1)
    line.clock.advance(seconds=8)
    await line.runtime.outbox.flush()
    assert [m.text for m in line.new()] == ["稍後再送"]
    assert line.bot.store.outbox_rows(chat=secretariat.key)[-1].status == "sent"


async def test_a_500_after_delivery_is_not_delivered_twice(line: Line, secretariat: Group) -> None:
    await add_items(line, secretariat)
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    line.api.fail_next(500, endpoint="/v2/bot/message/push", delivered=True)
    assert len(await line.push(reminder(line, moe, "教育部"), key="round:7:moe")) == 2  # went out, answer lost
    line.clock.advance(seconds=5)
    await line.runtime.outbox.flush()
    assert line.new() == []  # the retry was answered 409: already accepted
    assert [c.status for c in line.api.calls if c.path == "/v2/bot/message/push"][-2:] == [500, 409]
    row = line.bot.store.outbox_rows(chat=moe.key)[-1]
    assert row.status == "sent" and len(row.message_ids) == 2  # the ids came with the 409
    text_id = line.api.pushed(to=moe.chat_id)[0].id
    assert "是哪一案" in await line.say(moe, "已辦理", quoting=text_id)  # and a quote still lands


async def test_a_spent_monthly_quota_is_reported_not_retried(line: Line, secretariat: Group) -> None:
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    line.api.quota, line.api.usage = 200, 200
    await line.push(notice(moe, "提醒"), key="notice:quota")
    row = line.bot.store.outbox_rows(chat=moe.key)[-1]
    assert row.status == "failed" and "本月 LINE 訊息額度已用完" in (row.last_error or "")


async def test_other_4xx_are_recorded_and_reported_to_the_secretariat(line: Line, secretariat: Group) -> None:
    gone = Group("C" + "f" * 32, "U" + "f" * 32, "？")  # a group the bot is no longer in
    line.api.quota = None
    told = await line.push(notice(gone, "提醒"), key="notice:gone")
    row = line.bot.store.outbox_rows(chat=gone.key)[-1]
    assert row.status == "failed" and "Failed to send messages" in (row.last_error or "")
    assert [m.to for m in told] == [secretariat.chat_id]
    assert "訊息無法送達" in (told[0].text or "") and gone.key in (told[0].text or "")


async def test_a_report_becomes_a_signed_download_link(line: Line, secretariat: Group) -> None:
    report = Document("第6次會議前次會議決議辦理情形.odt", b"PK\x03\x04 odt", "application/vnd.oasis.opendocument.text")
    out = Outgoing("第6次會議「前次會議決議辦理情形」已產生。", chat=ChatRef("line", secretariat.chat_id),
                   document=report)
    (message,) = await line.push(out, key="report:6")
    text = message.text or ""
    assert "下載（7 日內有效）：https://lieguan.example.tw/files/" in text
    path = text.split("https://lieguan.example.tw", 1)[1].strip()
    response = await line.client.get(path)
    assert response.status == 200 and await response.read() == b"PK\x03\x04 odt"
    line.clock.advance(days=8)
    assert (await line.client.get(path)).status == 404


async def test_a_long_answer_is_split_never_truncated(line: Line, secretariat: Group) -> None:
    long = "\n".join(f"第 {n} 行：" + "案" * 95 for n in range(120))
    delivered = await line.push(notice(secretariat, long), key="notice:long")
    assert len(delivered) == 3 and all(len(m.text or "") <= 5000 for m in delivered)
    assert "\n".join(m.text or "" for m in delivered) == long
