"""LINE's limits, as the Messaging API reference states them, and text cut to fit them."""

from __future__ import annotations

MAX_TEXT = 5000  # a text message, in UTF-16 code units ("Character counting in a text")
MAX_MESSAGES = 5  # message objects per reply or push
MAX_BUBBLES = 12  # bubbles in a Flex carousel
MAX_CAROUSEL_BYTES = 50_000  # JSON of a carousel (a bubble alone: 30 KB)
MAX_ALT_TEXT = 1500  # a Flex message's altText
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20  # action labels (quick reply, buttons)
MAX_DATA = 300  # postback data and displayText
PAGE = 12  # items per page of a reminder: one carousel, and few enough to pick from after a quote


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int, *, ellipsis: str = "…") -> str:
    """`text` shortened to at most `limit` UTF-16 units, marked with an ellipsis when it was cut."""
    if utf16_len(text) <= limit:
        return text
    room = limit - utf16_len(ellipsis)
    out: list[str] = []
    used = 0
    for ch in text:
        size = 2 if ord(ch) > 0xFFFF else 1
        if used + size > room:
            break
        out.append(ch)
        used += size
    return "".join(out) + ellipsis


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Text in pieces of at most `limit` UTF-16 units, cut between lines where it can be: never truncated."""
    text = text.strip("\n") or " "
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        for part in _hard_split(line, limit):
            extra = utf16_len(part) + (1 if current else 0)
            if current and size + extra > limit:
                pieces.append("\n".join(current))
                current, size = [], 0
                extra = utf16_len(part)
            current.append(part)
            size += extra
    pieces.append("\n".join(current))
    return [p if p.strip() else " " for p in pieces]


def _hard_split(line: str, limit: int) -> list[str]:
    """A single line longer than the limit, in pieces (a surrogate pair is never split)."""
    if utf16_len(line) <= limit:
        return [line]
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for ch in line:
        size = 2 if ord(ch) > 0xFFFF else 1
        if used + size > limit:
            parts.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += size
    parts.append("".join(current))
    return parts
