"""The outbox's Telegram sender: Telegram's limits kept by design, 429s honoured, long texts split,
failures said in words the secretariat can act on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot as TelegramBot

from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.throttle import Throttle
from bot.core import Bot
from bot.delivery import Envelope, PermanentFailure, TemporaryFailure
from bot.messages import Button, ChatRef, Outgoing
from tests.channels.telegram.conftest import LI, MOE, SEC, TOKEN, WANG, Telegram, seed
from tests.driver import Chat
from tests.fakes import ManualClock
from tests.fakes.telegram_api import FakeTelegramApi

PRIVATE = ChatRef("telegram", str(WANG))
GROUP = ChatRef("telegram", str(MOE))


def enqueue(telegram: Telegram, *answers: Outgoing, key: str = "k", reply_token: str | None = None) -> None:
    telegram.runtime.outbox.enqueue(list(answers), origin=None, key=key, reply_token=reply_token)


async def test_a_burst_of_answers_to_one_chat_is_paced_and_never_refused(webhook: Telegram) -> None:
    webhook.api.add_chat(WANG)
    enqueue(webhook, *(Outgoing(f"第{n}則", chat=PRIVATE) for n in range(6)))

    await webhook.flush()

    assert webhook.api.texts(WANG) == [f"第{n}則" for n in range(6)]
    assert {c.status for c in webhook.api.calls if c.method == "sendMessage"} == {200}  # no 429


async def test_a_429_puts_the_message_back_until_retry_after_has_passed(webhook: Telegram) -> None:
    webhook.api.add_chat(WANG)
    webhook.api.fail_next(429, retry_after=30, method="sendMessage")
    enqueue(webhook, Outgoing("提醒", chat=PRIVATE))

    await webhook.flush()

    [row] = webhook.bot.store.outbox_rows()
    assert row.status == "pending" and "429" in (row.last_error or "")
    assert row.next_attempt_at == webhook.clock() + timedelta(seconds=30)
    assert webhook.api.texts(WANG) == []


async def test_after_a_short_retry_after_the_message_goes(webhook: Telegram) -> None:
    webhook.api.add_chat(WANG)
    webhook.api.fail_next(429, retry_after=1, method="sendMessage")
    enqueue(webhook, Outgoing("提醒", chat=PRIVATE))
    await webhook.flush()
    assert webhook.api.texts(WANG) == []

    webhook.clock.advance(seconds=1)
    await webhook.flush()

    assert webhook.api.texts(WANG) == ["提醒"]
    assert [c.status for c in webhook.api.calls if c.method == "sendMessage"] == [429, 200]


async def test_a_long_answer_is_split_and_every_part_lands_on_its_items(
        webhook: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await webhook.bind(secretariat, MOE, LI, "教育部")
    [item] = webhook.bot.store.find_case(ref="1")
    text = "\n".join(f"第{n}行：教育部已於5/12召開跨部會研商會議，銜接流程草案如附。" for n in range(200))
    enqueue(webhook, Outgoing(text, chat=GROUP, item_ids=[item.id], buttons=[Button("回報 #1", "/r 1")]))

    await webhook.flush()

    parts = webhook.api.sent(MOE)[1:]  # after the bind answer
    assert len(parts) == 2 and "\n".join(p["text"] for p in parts) == text
    assert "reply_markup" not in parts[0] and parts[1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "回報 #1"
    for part in parts:
        assert webhook.bot.store.items_of_message(chat=GROUP.key, message_id=str(part["message_id"])) == [item.id]


async def test_button_data_over_64_bytes_still_runs_its_command(webhook: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await webhook.bind(secretariat, MOE, LI, "教育部")
    long = "/ask_release 1 轉介流程與轉介指標已於5月20日函頒各縣市政府"
    enqueue(webhook, Outgoing("#1 可以建議解除嗎？", chat=GROUP, buttons=[Button("建議解除 #1", long)]))
    await webhook.flush()
    question = webhook.last(MOE)
    data = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert data.startswith("~") and len(data.encode()) <= 64

    said = await webhook.send(webhook.presses(question, LI, data))

    assert said == ["已送秘書處：#1 建議解除列管。"]


async def test_a_stale_button_token_is_answered_with_an_alert(webhook: Telegram) -> None:
    webhook.api.add_chat(WANG)
    enqueue(webhook, Outgoing("選一個", chat=PRIVATE))
    await webhook.flush()

    assert await webhook.send(webhook.presses(webhook.last(WANG), WANG, "~gone")) == []
    [answer] = webhook.api.callback_answers
    assert "按鈕已失效" in answer["text"] and answer["show_alert"] in (True, "true")


async def test_a_group_that_removed_the_bot_fails_and_the_secretariat_is_told(
        webhook: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await webhook.bind(secretariat, SEC, WANG, "秘書處")
    await webhook.bind(secretariat, MOE, LI, "教育部")
    webhook.api.kick(MOE)
    enqueue(webhook, Outgoing("【列管事項提醒】", chat=GROUP, kind="reminder"))

    await webhook.flush()

    failed = [r for r in webhook.bot.store.outbox_rows() if r.status == "failed"]
    assert len(failed) == 1 and "移出" in (failed[0].last_error or "")
    assert any(t.startswith("訊息無法送達「教育部」") for t in webhook.api.texts(SEC))


async def test_a_server_error_is_tried_again_later(webhook: Telegram) -> None:
    webhook.api.add_chat(WANG)
    webhook.api.fail_next(500)
    enqueue(webhook, Outgoing("提醒", chat=PRIVATE))

    await webhook.flush()

    [row] = webhook.bot.store.outbox_rows()
    assert (row.status, row.attempts) == ("pending", 1)


async def test_an_answer_to_a_deleted_message_is_still_sent(webhook: Telegram) -> None:
    webhook.api.add_chat(MOE)
    webhook.runtime.outbox.enqueue([Outgoing("已記錄。")], origin=GROUP, key="answer", reply_token="999")

    await webhook.flush()

    assert webhook.api.texts(MOE) == ["已記錄。"]
    assert webhook.api.calls[-1].params["reply_parameters"]["message_id"] == 999


# ---- the sender alone, on a clock the test moves -------------------------------------------------

@pytest.fixture
async def paced(bot: Bot) -> AsyncIterator[tuple[TelegramSender, FakeTelegramApi, ManualClock]]:
    clock = ManualClock()
    async with FakeTelegramApi(token=TOKEN, clock=clock) as api, TelegramBot(
            TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        api.add_chat(MOE)
        sender = TelegramSender(client, bot.store, throttle=Throttle(clock))
        yield sender, api, clock
        await sender.close()


async def test_the_twenty_first_message_a_minute_to_a_group_waits_in_the_outbox(
        paced: tuple[TelegramSender, FakeTelegramApi, ManualClock]) -> None:
    sender, api, clock = paced
    for n in range(20):
        await sender.send(Envelope(str(MOE), Outgoing(f"案 {n}"), key=f"k{n}"))
        clock.advance(1)

    with pytest.raises(TemporaryFailure) as refused:
        await sender.send(Envelope(str(MOE), Outgoing("案 20"), key="k20"))

    assert refused.value.retry_after == pytest.approx(40.0)
    assert len([c for c in api.calls if c.method == "sendMessage"]) == 20  # Telegram was not asked


async def test_a_chat_id_that_is_no_telegram_chat_fails_for_good(
        paced: tuple[TelegramSender, FakeTelegramApi, ManualClock]) -> None:
    sender, _, _ = paced
    with pytest.raises(PermanentFailure, match="不是 Telegram 的聊天室代號"):
        await sender.send(Envelope("Cline-group", Outgoing("提醒"), key="k"))
