"""How a neutral Outgoing looks in Telegram: text split to the 4,096 limit, buttons as an inline keyboard.

Telegram counts a message's length in UTF-16 code units (an emoji outside the BMP is two), and
refuses callback_data over 64 bytes; longer button data is kept in the database behind a token.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Button

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_LIMIT = 64
TOKEN_MARK = "~"  # callback_data "~<token>": the real data is in the database
ROW_WIDTH = 4


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Parts of at most `limit` units, cut at line boundaries; a longer line is cut where it must."""
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if units(current) + units(line) <= limit:
            current += line
            continue
        if current.strip():
            parts.append(current)
        current = ""
        while units(line) > limit:
            head = _prefix(line, limit)
            parts.append(head)
            line = line[len(head):]
        current = line
    if current.strip():
        parts.append(current)
    return [p.strip("\n") for p in parts]


def _prefix(line: str, limit: int) -> str:
    """The longest prefix of whole characters within `limit` units (never half a surrogate pair)."""
    count = 0
    for index, char in enumerate(line):
        count += 2 if ord(char) > 0xFFFF else 1
        if count > limit:
            return line[:index]
    return line


def keyboard(buttons: list[Button], quick: list[Button],
             token_for: Callable[[str], str]) -> InlineKeyboardMarkup | None:
    """Buttons grouped by the case they act on (one row per item: 回報, 建議解除), then quick answers."""
    rows = [[_button(b, token_for) for b in row] for row in _rows_by_case(buttons)]
    flat = [_button(b, token_for) for b in quick]
    rows += [flat[i:i + ROW_WIDTH] for i in range(0, len(flat), ROW_WIDTH)]
    return InlineKeyboardMarkup(rows) if rows else None


def _rows_by_case(buttons: list[Button]) -> list[list[Button]]:
    by_case: dict[str, list[Button]] = {}
    loose: list[Button] = []
    for button in buttons:
        case = _case_of(button.data)
        (by_case.setdefault(case, []) if case else loose).append(button)
    rows = [group[i:i + ROW_WIDTH] for group in by_case.values() for i in range(0, len(group), ROW_WIDTH)]
    return rows + [loose[i:i + ROW_WIDTH] for i in range(0, len(loose), ROW_WIDTH)]


def _case_of(data: str) -> str | None:
    """What a button's command acts on: its first argument (「回報 6」「/ask_release 強化12 理由」)."""
    words = data.split(maxsplit=2)
    return words[1].lstrip("#＃") if len(words) > 1 else None


def _button(button: Button, token_for: Callable[[str], str]) -> InlineKeyboardButton:
    data = button.data
    if len(data.encode("utf-8")) > CALLBACK_LIMIT or data.startswith(TOKEN_MARK):
        data = TOKEN_MARK + token_for(data)
    return InlineKeyboardButton(button.label, callback_data=data)
