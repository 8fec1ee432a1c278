"""Nothing a stranger sends to LINE's webhook or /files gets a 5xx: odd tokens and headers, absurd
nesting, broken text. Each request goes through the real route of a running bot on loopback.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from bot.channels.jsonbody import UnreadableBody, load_json
from tests.channels.line.conftest import SECRET, Group, Line, add_items
from tests.fakes.line_api import FakeLineApi, sign

DEEP = 100_000


def _signed_token(line: Line, payload: object) -> str:
    """A token our own key signed, around a payload that is not what we ever sign."""
    raw = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    mac = hmac.new(line.runtime.links.secret, raw.encode("ascii"), hashlib.sha256).digest()
    return f"{raw}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


async def test_a_download_token_of_any_shape_is_404_never_an_error(line: Line) -> None:
    odd = ["%E4%B8%AD.%E4%B8%AD", "中.中", "x" * 3000 + ".y", ".", "a.b.c",
           _signed_token(line, {"f": "x", "e": "x"}), _signed_token(line, [1, 2]),
           _signed_token(line, {"f": ["a"], "e": 10**12}), _signed_token(line, {"f": "../../etc/passwd", "e": 10**12}),
           _signed_token(line, {"f": "a\u0000b", "e": 10**12})]
    for token in odd:
        response = await line.client.get(f"/files/{token}")
        assert response.status == 404, token


async def test_a_non_ascii_line_signature_is_400(line: Line, secretariat: Group) -> None:
    body = FakeLineApi.webhook_body(line.text_event(secretariat, "說明"))
    line.new()
    response = await line.client.post("/webhooks/line", data=body,
                                      headers={"X-Line-Signature": "簽章".encode().decode("latin-1")})
    assert response.status == 400
    await line.settle()
    assert not line.new()


async def test_a_signed_body_nested_beyond_reason_is_400_on_line(line: Line) -> None:
    body = b"[" * DEEP + b"]" * DEEP
    assert (await line.post(body=body, signature=sign(body, SECRET))).status == 400
    nested = b'{"events": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    assert (await line.post(body=nested, signature=sign(nested, SECRET))).status == 400


async def test_a_lone_surrogate_in_a_reply_is_stored_as_a_replacement_character(
        line: Line, secretariat: Group) -> None:
    await add_items(line, secretariat)
    education = line.group("教育部聯絡群")
    await line.bind(education, "教育部", secretariat)
    event = line.text_event(education, "#1 已函頒PLACEHOLDER")
    body = FakeLineApi.webhook_body(event).replace(b"PLACEHOLDER", b"\\ud800")
    line.new()
    response = await line.post(body=body, signature=sign(body, SECRET))
    assert response.status == 200
    await line.settle()
    assert any("已記錄" in (m.text or "") for m in line.new())
    [item] = [i for i in line.bot.store.items() if i.case == "1"]
    assert [r.text for r in line.bot.store.item(item_id=item.id).replies] == ["已函頒\ufffd"]


def test_valid_surrogate_pairs_are_kept_and_lone_ones_replaced() -> None:
    assert load_json(b'"\\ud83d\\ude00"') == "\U0001f600"
    assert load_json(b'"a\\ud800b"') == "a\ufffdb"
    assert load_json(b'"a\\udc00"') == "a\ufffd"
    try:
        load_json(b"[" * DEEP)
    except UnreadableBody:
        pass
    else:
        raise AssertionError("a body nested 100,000 deep was read")
