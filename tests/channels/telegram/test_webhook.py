"""POST /webhooks/telegram: the secret token, de-duplication by update_id, what is refused or ignored
(the kinds of update the bot ignores are also delivered by long polling)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.channels.telegram.conftest import LI, MOE, WANG, Telegram, seed
from tests.driver import Chat


def outbox_size(telegram: Telegram) -> int:
    return len(telegram.bot.store.outbox_rows())


async def test_a_wrong_or_missing_secret_token_is_403_and_nothing_is_processed(webhook: Telegram) -> None:
    update = webhook.says(WANG, WANG, "/help")
    body = str(update).replace("'", '"').encode()

    assert await webhook.post(body, secret="not-the-secret") == 403
    assert await webhook.post(body, secret=None) == 403
    assert await webhook.post(body, secret=webhook.channel.secret + "x") == 403

    await webhook.channel.idle()
    assert webhook.bot.store.tg_update_status(key=webhook.channel.key(update["update_id"])) is None
    assert outbox_size(webhook) == 0


async def test_the_secret_is_generated_once_kept_and_registered_with_set_webhook(webhook: Telegram) -> None:
    secret = webhook.bot.store.secret(key="telegram_secret")
    assert webhook.channel.secret == secret
    assert webhook.api.webhook_secret == secret
    assert webhook.api.webhook_url == str(webhook.server.make_url("/webhooks/telegram"))
    set_webhook = next(c for c in webhook.api.calls if c.method == "setWebhook")
    assert set(set_webhook.params["allowed_updates"]) >= {"message", "edited_message", "callback_query"}


async def test_a_repeated_update_id_is_handled_once(webhook: Telegram, secretariat: Chat) -> None:
    await seed(secretariat)
    await webhook.bind(secretariat, MOE, LI, "教育部")
    update = webhook.says(MOE, LI, "/r 1 已召開研商會議")

    assert await webhook.send(update) == ["已記錄 #1 辦理情形（115/11/23，教育部 user4242）。"]
    assert await webhook.post_json(update) == 200  # Telegram redelivers when our 200 was lost
    await webhook.flush()

    assert [r.text for r in webhook.bot.store.find_case(ref="1")[0].replies] == ["已召開研商會議"]
    assert len(webhook.api.sent(MOE)) == 2  # the bind answer and one 已記錄


async def test_a_body_that_is_not_json_is_400(webhook: Telegram) -> None:
    assert await webhook.post(b'{"update_id": 1, "message": ', secret=webhook.channel.secret) == 400
    assert await webhook.post("更新".encode(), secret=webhook.channel.secret) == 400


@pytest.mark.parametrize("body", [b"[]", b"42", b'"update"', b'{"message": {}}', b'{"update_id": "7"}'])
async def test_json_that_is_no_update_is_200_and_ignored(webhook: Telegram, body: bytes) -> None:
    assert await webhook.post(body, secret=webhook.channel.secret) == 200
    await webhook.flush()
    assert outbox_size(webhook) == 0


IGNORED: dict[str, dict[str, Any]] = {
    "the bot added to a group": {"my_chat_member": {
        "chat": {"id": MOE, "type": "supergroup", "title": "教育部聯絡群"}, "date": 1,
        "from": {"id": LI, "is_bot": False, "first_name": "李"},
        "old_chat_member": {"status": "left", "user": {"id": 123456, "is_bot": True, "first_name": "列管"}},
        "new_chat_member": {"status": "member", "user": {"id": 123456, "is_bot": True, "first_name": "列管"}}}},
    "a channel post": {"channel_post": {"message_id": 5, "date": 1, "text": "/list",
                                        "chat": {"id": -1009, "type": "channel", "title": "公告"}}},
    "a poll": {"poll": {"id": "p1", "question": "午餐？", "options": [], "total_voter_count": 0,
                        "is_closed": False, "is_anonymous": True, "type": "regular",
                        "allows_multiple_answers": False}},
    "a sticker": {"message": {"message_id": 9, "date": 1, "chat": {"id": MOE, "type": "supergroup", "title": "群"},
                              "from": {"id": LI, "is_bot": False, "first_name": "李"},
                              "sticker": {"file_id": "s", "file_unique_id": "u", "type": "regular",
                                          "width": 1, "height": 1, "is_animated": False, "is_video": False}}},
    "a command for another bot": {"message": {
        "message_id": 10, "date": 1, "text": "/list@other_bot",
        "chat": {"id": MOE, "type": "supergroup", "title": "群"}, "from": {"id": LI, "is_bot": False, "first_name": "李"}}},
    "a kind of update from a future Bot API": {"business_weather": {"sunny": True}},
}


@pytest.mark.parametrize("what", list(IGNORED))
async def test_updates_of_kinds_the_bot_ignores_are_accepted_and_answered_with_silence(
        telegram: Telegram, what: str) -> None:
    update = {"update_id": 900 + list(IGNORED).index(what), **IGNORED[what]}

    await telegram.deliver(update)  # by webhook (a 200) or by polling
    await telegram.flush()

    assert telegram.bot.store.tg_update_status(key=telegram.channel.key(update["update_id"])) == "done"
    assert outbox_size(telegram) == 0


async def test_texts_posted_together_are_stored_and_answered_in_one_commit_before_the_200(
        webhook: Telegram, secretariat: Chat) -> None:
    import asyncio

    from sqlalchemy import event as sa_event

    await seed(secretariat)
    await webhook.bind(secretariat, MOE, LI, "教育部")
    updates = [webhook.says(MOE, LI, f"/r 1 第{n}次進度：已召開研商會議") for n in range(1, 9)]
    commits: list[int] = []

    def count(conn: object) -> None:
        commits.append(1)

    sa_event.listen(webhook.bot.store.engine, "commit", count)
    try:
        statuses = await asyncio.gather(*(webhook.post_json(u) for u in updates))
    finally:
        sa_event.remove(webhook.bot.store.engine, "commit", count)
    assert statuses == [200] * 8
    assert len(commits) <= 3  # the requests that arrived together share their unit of work
    # stored before the 200s, without waiting for the lanes
    assert len(webhook.bot.store.find_case(ref="1")[0].replies) == 8
    assert {webhook.bot.store.tg_update_status(key=webhook.channel.key(u["update_id"])) for u in updates} == {"done"}
    await webhook.flush()
    answers = [m for m in webhook.api.sent(MOE) if "已記錄 #1" in (m.get("text") or "")]
    assert len(answers) == 8
