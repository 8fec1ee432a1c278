"""Mutated real payloads for the webhook fuzz tests: a seeded generator, so a failure is replayed exactly.

Each mutation starts from a payload a platform really sent (tests/data/payloads) and changes its
structure (keys dropped or added, values of another type, lists grown, nesting deepened), its text
(odd Unicode, lone surrogates, command words with absurd arguments) or its bytes (cut short, stray
bytes, not UTF-8). The same bodies are posted signed and unsigned.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import Engine

PAYLOADS = Path(__file__).resolve().parents[1] / "data" / "payloads"
JSON = Any

# Text people (and strangers) might put where a message goes: commands with absurd arguments included.
TEXTS = ["", " ", "\u3000", "說明", "help", "列表", "案 1", "#1 已辦理", "#99999999999999999999 好", "報告 99999999999999999999",
         "報告 -1", "綁定 AAA-AAA", "綁定碼 教育部", "/start", "/bind@lieguan_bot X", "/r 1 已辦理", "期限 1 115/13/45",
         "匯入", "確認匯入", "下次會議 0/0/0", "催辦", "\u202e反轉\u202c", "零\u200b寬", "😀" * 50, "中" * 6000,
         "\x00\x01\x1f", "A\ud800B", "\udfff", "'; DROP TABLE item; --", "%s%n%x", "{{7*7}}", "\\", "\n" * 300,
         "案 ８", "#１ 辦理情形：完成", "解除列管 1 2 3 " * 200]
SCALARS: list[JSON] = [None, True, False, 0, -1, 1.5, -0.0, 2**31, 2**63, -(2**63) - 1, 10**40, "", "0", "null",
                        "2020-13-45", [], {}, [[]], {"": None}]


def payloads(platform: str) -> list[JSON]:
    """Every real payload of one platform (each file one webhook body)."""
    return [json.loads(p.read_text("utf-8")) for p in sorted((PAYLOADS / platform).rglob("*.json"))]


def _slots(value: JSON, found: list[tuple[JSON, Any]]) -> None:
    """Every (container, key or index) in the tree, depth first."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        found.append((value, key))
        _slots(child, found)


def _value(rng: random.Random, old: JSON) -> JSON:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(TEXTS)
    if roll < 0.6:
        return rng.choice(SCALARS)
    if roll < 0.7 and isinstance(old, str):
        return old * rng.randint(2, 40)  # sizes
    if roll < 0.8:
        return {"type": rng.choice(["text", "group", "user", "message", "postback"]), "text": rng.choice(TEXTS)}
    if roll < 0.9:
        deep: JSON = old
        for _ in range(rng.randint(1, 60)):  # deeper than any platform sends, not deeper than JSON allows
            deep = [deep] if rng.random() < 0.5 else {"x": deep}
        return deep
    return [old] * rng.randint(2, 10)


def mutate(rng: random.Random, payload: JSON, *, rounds: int = 3) -> JSON:
    """A copy of `payload` with one to `rounds` structural or textual changes."""
    copy = json.loads(json.dumps(payload))
    for _ in range(rng.randint(1, rounds)):
        found: list[tuple[JSON, Any]] = []
        _slots(copy, found)
        if not found:
            return json.loads(json.dumps(rng.choice([*SCALARS, copy])))
        container, key = rng.choice(found)
        roll = rng.random()
        if roll < 0.2 and isinstance(container, dict):
            del container[key]
        elif roll < 0.3 and isinstance(container, dict):
            container[rng.choice(["extra", "type", "text", "id", "message", "events", "source", "chat"])] = (
                json.loads(json.dumps(_value(rng, None))))
        elif roll < 0.4 and isinstance(container, list):
            container.extend(container[:1] * rng.randint(1, 40))
        else:
            container[key] = json.loads(json.dumps(_value(rng, container[key])))
        copy = json.loads(json.dumps(copy))  # no object shared between two places (or with SCALARS)
    return copy


def corrupt(rng: random.Random, body: bytes) -> bytes:
    """The body's bytes broken: cut short, a stray byte, not UTF-8, or nothing at all."""
    roll = rng.random()
    if roll < 0.3:
        return body[: rng.randint(0, max(0, len(body) - 1))]
    if roll < 0.6:
        at = rng.randint(0, len(body))
        return body[:at] + bytes([rng.randint(0, 255)]) + body[at:]
    if roll < 0.8:
        return body.replace(b'"', b"\xff\xfe", 1)
    return rng.choice([b"", b"null", b"[]", b"{}", b"1e999999", b'"\\ud800"', b"NaN", b"{" * 20])


def bodies(rng: random.Random, platform: str, count: int,
           adopt: Callable[[random.Random, JSON], None] | None = None) -> Iterator[bytes]:
    """`count` request bodies, most of them JSON, some broken. `adopt` may move a real payload into a
    chat the bot knows before it is mutated, so that the handlers behind the webhook get to read it."""
    real = payloads(platform)
    for n in range(count):
        data = json.loads(json.dumps(rng.choice(real)))
        if adopt is not None:
            adopt(rng, data)
        data = mutate(rng, data) if rng.random() < 0.9 else data
        body = fresh_ids(data, platform, n)
        if len(body) > 2**20 and rng.random() < 0.9:  # a few over the limit (413), not hundreds of megabytes
            body = body[: 2**20 + 10]
        yield body if rng.random() < 0.9 else corrupt(rng, body)


def fresh_ids(data: JSON, platform: str, n: int) -> bytes:
    """The body with unique event ids where it has the usual ones, so each mutant is a new event."""
    if platform == "telegram" and isinstance(data, dict) and isinstance(data.get("update_id"), int):
        data["update_id"] = 500_000 + n
    events = data.get("events") if platform == "line" and isinstance(data, dict) else None
    for k, event in enumerate(events if isinstance(events, list) else []):
        if isinstance(event, dict) and isinstance(event.get("webhookEventId"), str):
            event["webhookEventId"] = f"01FUZZ{n:06d}{k:03d}"
    # half escape non-ASCII (\\uXXXX, as LINE does), half send UTF-8 as it is (a lone surrogate then
    # becomes bytes that are not UTF-8)
    return json.dumps(data, ensure_ascii=n % 2 == 0).encode("utf-8", "surrogatepass")


def row_counts(engine: Engine) -> dict[str, int]:
    """How many rows each table holds: a request that wrote anything changes one of them."""
    names = inspect(engine).get_table_names()
    with engine.connect() as conn:
        return {name: int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())
                for name in names if name != "alembic_version"}

