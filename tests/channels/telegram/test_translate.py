"""Telegram updates into Incoming: Telegram's habits (/start, @mentions, commands for other bots),
older payloads, and what is nothing for the bot."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Bot

from bot.channels.telegram.translate import (
    Me,
    callback_incoming,
    chat_type,
    clean,
    lane_of,
    message_incoming,
    parse_update,
)

ME = Me(123456, "lieguan_bot")
NOW = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
GROUP = {"id": -1001000000001, "type": "supergroup", "title": "教育部聯絡群"}
LI = {"id": 4242, "is_bot": False, "first_name": "李", "last_name": "先生"}
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "列管", "username": "lieguan_bot"}


@pytest.fixture(scope="module")
def api() -> Bot:
    return Bot("123456:TEST-token")  # parsing only: never asked anything


def message(text: str | None = None, **extra: Any) -> dict[str, Any]:
    body = {"message_id": 7, "date": int(NOW.timestamp()) - 60, "chat": GROUP, "from": LI} | extra
    return body | ({"text": text} if text is not None else {})


def incoming(api: Bot, body: dict[str, Any], *, edited: bool = False) -> Any:
    update = parse_update({"update_id": 1, "edited_message" if edited else "message": body}, api)
    assert update is not None
    found = update.edited_message if edited else update.message
    assert found is not None
    return message_incoming(found, me=ME, edited=edited, now=NOW)


@pytest.mark.parametrize(("typed", "meant"), [
    ("/start", "/help"),
    ("/start@lieguan_bot", "/help"),
    ("/start K7Q-42M", "/bind K7Q-42M"),  # t.me/lieguan_bot?start(group)=K7Q-42M
    ("/start@lieguan_bot K7Q-42M", "/bind K7Q-42M"),
    ("@lieguan_bot 列表", "列表"),
    ("@LieGuan_Bot，我的案件", "我的案件"),
    ("@lieguan_bot", "/help"),
    ("/list@lieguan_bot", "/list@lieguan_bot"),  # the router understands @botname itself
    ("  #6 已完成 ", "#6 已完成"),
])
def test_telegram_habits_become_the_command_language(typed: str, meant: str) -> None:
    assert clean(typed, ME) == meant


def test_a_reply_carries_the_id_of_the_message_it_answers(api: Bot) -> None:
    reminder = {"message_id": 5, "date": 1, "chat": GROUP, "from": BOT_USER, "text": "【列管事項提醒】"}
    msg = incoming(api, message("人力已補足", reply_to_message=reminder))

    assert (msg.chat.key, msg.user_id, msg.user_name) == (f"telegram:{GROUP['id']}", "4242", "李 先生")
    assert (msg.message_id, msg.reply_to, msg.chat_kind) == ("7", "5", "group")
    assert msg.addressed_to_bot and not msg.edited
    assert msg.at == datetime.fromtimestamp(NOW.timestamp() - 60, UTC)  # when it was sent


def test_ordinary_talk_in_a_group_is_passed_on_as_not_addressed_to_the_bot(api: Bot) -> None:
    msg = incoming(api, message("大家午安"))
    assert msg.text == "大家午安" and not msg.addressed_to_bot


def test_an_edit_keeps_the_id_of_the_message_edited(api: Bot) -> None:
    msg = incoming(api, message("/r 6 定稿", edit_date=int(NOW.timestamp())), edited=True)
    assert (msg.edited, msg.message_id, msg.text) == (True, "7", "/r 6 定稿")


@pytest.mark.parametrize("body", [
    message("/list@other_bot"),  # for another bot (seen when privacy mode is off)
    message(None, sticker={"file_id": "s", "file_unique_id": "u", "type": "regular", "width": 1, "height": 1,
                           "is_animated": False, "is_video": False}),
    message(None, new_chat_members=[LI]),
    message("/list", chat={"id": -1009, "type": "channel", "title": "公告"}),
    message("/list", is_automatic_forward=True),
])
def test_what_is_nothing_for_the_bot(api: Bot, body: dict[str, Any]) -> None:
    assert incoming(api, body) is None


def test_an_older_api_update_is_read_with_its_missing_fields_defaulted(api: Bot) -> None:
    old = {"update_id": 10000, "message": {"message_id": 1365, "date": 1441645532, "text": "/start",
                                           "chat": {"id": 1111111, "first_name": "Test"},
                                           "from": {"id": 1111111, "first_name": "Test"}}}
    update = parse_update(old, api)
    assert update is not None and update.message is not None
    assert update.message.chat.type == "private" and update.message.from_user is not None


def test_an_update_ptb_cannot_read_is_none(api: Bot) -> None:
    assert parse_update({"update_id": 1, "message": {"text": "no chat, no date"}}, api) is None


def test_a_button_press_is_its_data_said_in_the_chat_of_its_message(api: Bot) -> None:
    reminder = {"message_id": 5, "date": 1, "chat": GROUP, "from": BOT_USER, "text": "提醒"}
    update = parse_update({"update_id": 2, "callback_query": {
        "id": "q1", "from": LI, "chat_instance": "c", "message": reminder, "data": "/r 6"}}, api)
    assert update is not None and update.callback_query is not None

    msg = callback_incoming(update.callback_query, "/r 6", now=NOW)

    assert msg is not None
    assert (msg.chat.key, msg.text, msg.postback, msg.at, msg.reply_to) == (
        f"telegram:{GROUP['id']}", "/r 6", True, NOW, None)


def test_a_press_under_an_inline_message_has_no_chat_and_is_nothing(api: Bot) -> None:
    update = parse_update({"update_id": 3, "callback_query": {
        "id": "q2", "from": LI, "chat_instance": "c", "inline_message_id": "i", "data": "/r 6"}}, api)
    assert update is not None and update.callback_query is not None
    assert callback_incoming(update.callback_query, "/r 6", now=NOW) is None


def test_lanes_follow_the_chat_whatever_the_kind_of_update() -> None:
    assert lane_of({"message": {"chat": {"id": -5}}}) == "-5"
    assert lane_of({"edited_message": {"chat": {"id": -5}}}) == "-5"
    assert lane_of({"callback_query": {"message": {"chat": {"id": -5}}}}) == "-5"
    assert lane_of({"poll": {}}) == "-"


def test_a_chat_id_says_its_kind() -> None:
    assert [chat_type(i) for i in (42, -4000001, -1001234567890)] == ["private", "group", "supergroup"]
