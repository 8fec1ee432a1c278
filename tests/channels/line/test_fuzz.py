"""Mutated real LINE payloads at the running bot's webhook and /files: never a 5xx, never a write from an
unsigned request, every event of a signed body recorded once and handled without a traceback."""

from __future__ import annotations

import logging
import random

import pytest
from sqlalchemy import text

from bot.channels.jsonbody import UnreadableBody, load_json
from bot.channels.line.webhook import event_key
from tests.channels.fuzz import JSON, TEXTS, bodies, row_counts
from tests.channels.line.conftest import Group, Line
from tests.fakes.line_api import FakeLineApi, sign

BODIES = 500  # per database: a few thousand requests in all, in well under a minute
SEED = 13


def _adopter(line: Line, secretariat: Group) -> object:
    def adopt(rng: random.Random, data: JSON) -> None:
        """Half the payloads speak in the secretariat's group, whose every command reaches a handler."""
        for event in data.get("events", []) if isinstance(data, dict) else []:
            if rng.random() < 0.5 and isinstance(event, dict):
                event["source"] = {"type": "group", "groupId": secretariat.chat_id, "userId": secretariat.user}
                event["replyToken"] = line.api.issue_reply_token(secretariat.chat_id)
                if isinstance(event.get("message"), dict) and event["message"].get("type") == "text":
                    event["message"]["text"] = rng.choice(TEXTS)
    return adopt


def _keys(body: bytes) -> set[str]:
    """The events LINE would have us record from this body: none when it is not JSON we read."""
    try:
        data = load_json(body)
    except UnreadableBody:
        return set()
    events = data.get("events") if isinstance(data, dict) else None
    return {event_key(e) for e in events if isinstance(e, dict)} if isinstance(events, list) else set()


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records
            if r.exc_info and r.name.split(".")[0] in ("bot", "handlers", "storage")]


async def test_unsigned_mutants_and_odd_download_tokens_change_nothing(
        line: Line, secretariat: Group, caplog: pytest.LogCaptureFixture) -> None:
    rng = random.Random(SEED)
    link = line.runtime.links.publish("報告.txt", "內容".encode())
    token = link.rsplit("/", 1)[1]
    await line.settle()
    before = row_counts(line.bot.store.engine)
    for n, body in enumerate(bodies(rng, "line", BODIES, _adopter(line, secretariat))):
        signature = ["", "簽章".encode().decode("latin-1"), sign(body, "another-secret"), sign(body + b" ", "x"),
                     sign(body + b"\n", "line-channel-secret")][n % 5]  # the right key, other bytes
        response = await line.post(body=body, signature=signature)
        assert response.status in (400, 413), body[:200]  # 413: over the size aiohttp reads
        odd = list(token)
        for _ in range(rng.randint(1, 3)):
            odd[rng.randrange(len(odd))] = rng.choice("A_-.%中\x7f/")
        if "".join(odd) == token:
            continue
        response = await line.client.get("/files/" + "".join(odd).replace("/", "%2F"))
        assert response.status in (400, 404), "".join(odd)
    await line.settle()
    assert row_counts(line.bot.store.engine) == before
    assert (await line.client.get(f"/files/{token}")).status == 200
    assert not _tracebacks(caplog)


async def test_signed_mutants_never_fail_and_each_event_is_recorded_once(
        line: Line, secretariat: Group, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    rng = random.Random(SEED + 1)
    expected: set[str] = set()
    sent: list[bytes] = []
    for body in bodies(rng, "line", BODIES, _adopter(line, secretariat)):
        response = await line.post(body=body, signature=sign(body, "line-channel-secret"))
        assert response.status in (200, 400, 413), body[:200]
        expected |= _keys(body)
        if len(sent) < 100:
            sent.append(body)
    for body in rng.sample(sent, 40):  # redeliveries: acknowledged, not recorded or handled again
        assert (await line.post(body=body, signature=sign(body, "line-channel-secret"))).status in (200, 400, 413)
    await line.settle()
    with line.bot.store.engine.connect() as conn:
        stored = dict(conn.execute(text("select key, status from processedevent where key like 'line:%'")).all())
    assert expected and expected <= set(stored)
    assert {stored[k] for k in expected} == {"done"}
    assert not _tracebacks(caplog)


async def test_what_the_fuzzer_found_is_answered_or_ignored_never_failed(
        line: Line, secretariat: Group, caplog: pytest.LogCaptureFixture) -> None:
    """Each of these once left its event `failed` (a traceback, the user answered by nobody)."""
    long_group = {"type": "group", "groupId": "C" * 300, "userId": "U" + "0" * 32}
    odd = [
        line.event(secretariat, "memberJoined", joined={"members": 7}),
        line.event(secretariat, "follow") | {"source": long_group},
        dict(line.text_event(secretariat, "說明"), timestamp=10**19),
        dict(line.text_event(secretariat, "綁定 " + "AAA-AAA" * 100)),
        dict(line.text_event(secretariat, "說明"), source={"type": "group", "groupId": secretariat.chat_id,
                                                          "userId": "U\u0000"}),
        dict(line.text_event(secretariat, "說明"), replyToken="x" * 5000),
    ]
    response = await line.post(*odd)
    assert response.status == 200
    nul = FakeLineApi.webhook_body(line.text_event(secretariat, "說明 NUL")).replace(b"NUL", b"\\u0000")
    assert (await line.post(body=nul, signature=sign(nul, "line-channel-secret"))).status == 200
    not_utf8 = FakeLineApi.webhook_body(line.text_event(secretariat, "說明 X")).replace(b"X", b"\xed\xa0\x80")
    assert (await line.post(body=not_utf8, signature=sign(not_utf8, "line-channel-secret"))).status == 400
    await line.settle()
    with line.bot.store.engine.connect() as conn:
        statuses = {s for (s,) in conn.execute(text("select status from processedevent where key like 'line:%'"))}
    assert statuses == {"done"}
    assert not _tracebacks(caplog)
