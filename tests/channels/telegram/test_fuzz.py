"""Mutated real Telegram updates at the running bot's webhook: never a 5xx, never a write without the
secret token, every update of a readable body recorded once and handled without a traceback."""

from __future__ import annotations

import logging
import random

import pytest
from sqlalchemy import text

from bot.channels.jsonbody import UnreadableBody, load_json
from bot.channels.telegram.channel import MAX_UPDATE_ID
from tests.channels.fuzz import JSON, TEXTS, bodies, row_counts
from tests.channels.telegram.conftest import LI, MOE, Telegram

BODIES = 500  # per database: a few thousand requests in all, in well under a minute
SEED = 31


def _adopt(rng: random.Random, data: JSON) -> None:
    """Half the updates come from a group the bot knows, with text its handlers read."""
    message = data.get("message") if isinstance(data, dict) else None
    if isinstance(message, dict) and rng.random() < 0.5:
        message["chat"] = {"id": MOE, "type": "supergroup", "title": "教育部聯絡群"}
        message["from"] = {"id": LI, "is_bot": False, "first_name": "李"}
        message["text"] = rng.choice(TEXTS)


def _key(telegram: Telegram, body: bytes) -> str | None:
    try:
        data = load_json(body)
    except UnreadableBody:
        return None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if isinstance(update_id, int) and not isinstance(update_id, bool) and 0 <= update_id < MAX_UPDATE_ID:
        return telegram.channel.key(update_id)
    return None


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records
            if r.exc_info and r.name.split(".")[0] in ("bot", "handlers", "storage")]


async def test_mutants_without_the_secret_change_nothing(webhook: Telegram, caplog: pytest.LogCaptureFixture) -> None:
    rng = random.Random(SEED)
    await webhook.flush()
    before = row_counts(webhook.bot.store.engine)
    for n, body in enumerate(bodies(rng, "telegram", BODIES, _adopt)):
        secret = [None, "", "wrong", webhook.channel.secret + "x", "祕密"][n % 5]
        assert await webhook.post(body, secret=secret) == 403, body[:200]
    await webhook.flush()
    assert row_counts(webhook.bot.store.engine) == before
    assert not _tracebacks(caplog)


async def test_mutants_with_the_secret_never_fail_and_each_update_is_recorded_once(
        webhook: Telegram, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    rng = random.Random(SEED + 1)
    webhook.api.add_chat(MOE, title="教育部聯絡群")
    expected: set[str] = set()
    sent: list[bytes] = []
    for body in bodies(rng, "telegram", BODIES, _adopt):
        assert await webhook.post(body, secret=webhook.channel.secret) in (200, 400, 413), body[:200]
        key = _key(webhook, body)
        if key is not None:
            expected.add(key)
        if len(sent) < 100:
            sent.append(body)
    for body in rng.sample(sent, 40):  # redeliveries: acknowledged, not recorded or handled again
        assert await webhook.post(body, secret=webhook.channel.secret) in (200, 400, 413)
    await webhook.channel.idle(timeout=60)  # handled; the answers wait on Telegram's per-group rate
    with webhook.bot.store.engine.connect() as conn:
        stored = dict(conn.execute(text("select key, status from processedevent where key like 'telegram:%'")).all())
    assert expected and expected <= set(stored)
    assert {stored[k] for k in expected} == {"done"}
    assert not _tracebacks(caplog)
