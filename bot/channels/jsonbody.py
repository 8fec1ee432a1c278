"""Reading a webhook's body: whatever a stranger sends is either JSON we can store, or a 400.

Two things valid JSON may carry that would otherwise fail far from here: nesting deeper than Python's
recursion limit (a RecursionError instead of a ValueError), and a lone UTF-16 surrogate written as an
escape ("\\ud800"), which no database can store as text and no handler can encode. The first is refused
like any unreadable body; the second becomes U+FFFD, the character that says "something was here".
A NUL character (\\u0000), which PostgreSQL cannot store in text, becomes U+FFFD as well.
A body that is not UTF-8 (a surrogate written as bytes among them) is refused too.
"""

from __future__ import annotations

import json
import re
from typing import Any

# \uD800-\uDBFF not followed by \uDC00-\uDFFF, or \uDC00-\uDFFF not preceded by \uD800-\uDBFF
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


class UnreadableBody(ValueError):
    """The body is not JSON, or not JSON that we can read."""


def load_json(body: bytes) -> Any:
    if b"\\u" in body:
        body = _LONE_SURROGATE.sub(rb"\\ufffd", body)
        body = body.replace(rb"\u0000", rb"\ufffd")  # PostgreSQL stores no NUL in text
    try:
        # decoded strictly here: json.loads(bytes) would let surrogates encoded as bytes (ED A0 80) through
        return json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise UnreadableBody(str(exc)[:200]) from None
