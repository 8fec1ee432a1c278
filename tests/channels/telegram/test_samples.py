"""Every real Telegram update in tests/data/payloads/telegram is accepted or politely ignored, never a 5xx.

The samples come from Telegram's own documentation (an older Bot API, without `is_bot` or a chat
`type`), teloxide and tgbot (see SOURCES.md there). Each is posted to the webhook with the right
secret on a fresh database, handled without an error, and whatever the bot answers is deliverable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.channels.telegram.conftest import Telegram

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "payloads" / "telegram"
FILES = sorted(SAMPLES.glob("*/*.json"))


def known_to_telegram(telegram: Telegram, update: dict[str, Any]) -> None:
    """Telegram knows the chat an update comes from, so the bot may answer there."""
    for key in ("message", "edited_message"):
        if key in update:
            telegram.api.add_chat(update[key]["chat"]["id"])


def test_the_samples_are_there() -> None:
    assert len(FILES) == 19


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
async def test_a_real_update_is_accepted_or_politely_ignored(webhook: Telegram, path: Path) -> None:
    update = json.loads(path.read_text(encoding="utf-8"))
    known_to_telegram(webhook, update)

    assert await webhook.post(path.read_bytes(), secret=webhook.channel.secret) == 200
    await webhook.channel.handled(update["update_id"])
    await webhook.flush()

    assert webhook.bot.store.tg_update_status(key=webhook.channel.key(update["update_id"])) == "done"
    assert {row.status for row in webhook.bot.store.outbox_rows()} <= {"sent"}


async def test_the_older_api_start_command_is_answered(webhook: Telegram) -> None:
    """Telegram's own example (no is_bot, no chat type) is read with those defaults, not refused."""
    path = SAMPLES / "official-docs" / "01_message_text_start_curl_tls.json"
    known_to_telegram(webhook, json.loads(path.read_text(encoding="utf-8")))
    assert await webhook.post(path.read_bytes(), secret=webhook.channel.secret) == 200
    await webhook.channel.handled(10000)
    await webhook.flush()

    assert webhook.api.texts(1111111)[0].startswith("您好，我是列管小幫手")
