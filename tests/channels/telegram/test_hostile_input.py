"""Nothing a stranger sends to Telegram's webhook gets a 5xx: absurd nesting, absurd ids, broken text."""

from __future__ import annotations

import json

from tests.channels.telegram.conftest import Telegram

DEEP = 100_000


async def test_telegram_refuses_absurd_nesting_and_ignores_absurd_update_ids(webhook: Telegram) -> None:
    secret = webhook.channel.secret
    assert await webhook.post(b"[" * DEEP + b"]" * DEEP, secret=secret) == 400
    huge = b'{"update_id": ' + b"9" * 301 + b', "message": {"message_id": 1}}'
    assert await webhook.post(huge, secret=secret) == 200
    assert await webhook.post(b'{"update_id": -5}', secret=secret) == 200
    assert await webhook.post(b"{}", secret="秘密".encode().decode("latin-1")) == 403


async def test_a_lone_surrogate_in_a_telegram_message_is_answered(webhook: Telegram) -> None:
    webhook.api.add_chat(-100777, title="某群")
    update = webhook.says(9001, 9001, "/help PLACEHOLDER")
    body = json.dumps(update).encode().replace(b"PLACEHOLDER", b"\\udfff")
    assert await webhook.post(body, secret=webhook.channel.secret) == 200
    await webhook.channel.handled(update["update_id"])
    await webhook.flush()
    assert webhook.api.texts(), "the user got no answer"
