"""Small text helpers shared by the minutes parser.

Patterns run on `fold(text)`, which maps full-width ASCII to half-width one character for one,
so a match's positions slice the original text: the output keeps the minutes' own characters.
"""

from __future__ import annotations

import re

from config.directory import fold

__all__ = ["NUM", "fold", "squeeze", "squeeze_cjk", "to_case_number", "zh_int"]

# A number as minutes write it: 12, 一○九, 二十五, 一百零九.
NUM = r"(?:\d+|[〇○零O一二兩三四五六七八九十百]+)"

_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "兩": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100}
_CJK_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")


def zh_int(raw: str) -> int | None:
    """12, １２, 十二, 一○九, 一百零九 → int; None when it is not a number."""
    text = fold(raw).strip()
    if text.isdigit():
        return int(text)
    if not text:
        return None
    if all(ch in _DIGITS for ch in text):  # positional: 一○九
        value = 0
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            return None
    return total + digit


def to_case_number(raw: str) -> str:
    """A case number as the spec wants it: half-width Arabic digits (第一案 → "1", 104-2-2 kept)."""
    parts = re.split(r"\s*-\s*", fold(raw).strip())
    numbers = [zh_int(p) for p in parts]
    if any(n is None for n in numbers):
        return fold(raw).strip()
    return "-".join(str(n) for n in numbers)


def squeeze(text: str) -> str:
    """Without any whitespace."""
    return "".join(text.split())


def squeeze_cjk(text: str) -> str:
    """Whitespace removed except between two Latin letters or digits (John Smith stays two words)."""
    return _CJK_SPACE.sub("", text.strip())
