"""An Outgoing as LINE message objects: text split to LINE's limits, buttons as Flex, reminders paged.

A reminder is sent page by page, 12 items a page: the list as a text message (quotable: quoting it
lands on exactly that page's items), then a Flex carousel beside it with 回報 / 建議解除 for each item.
Nothing is ever truncated: more items make more pages, more pages more messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from math import ceil
from typing import Any

from bot.channels.line.flex import button_bubbles, carousels, flex_message, item_bubble, quick_reply
from bot.channels.line.limits import MAX_ALT_TEXT, MAX_MESSAGES, MAX_QUICK_REPLIES, PAGE, cut, split_text
from bot.dates import roc_short
from bot.format import due_text, title_of, who_text
from bot.messages import Button, Outgoing
from storage.views import ItemView

JSON = dict[str, Any]
HINT = "回報方式：直接回覆（引用）這則訊息寫下辦理情形，或輸入「#案號 辦理情形…」；也可以按下方按鈕。"
# each item bubble has these two buttons, so a reminder's own 回報 / 建議解除 buttons need no repeating
ITEM_COMMANDS = {"回報", "建議解除", "r", "ask_release"}


@dataclass
class Part:
    """One LINE message object and the items it is about (where a quote of it lands)."""

    message: JSON
    item_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Listed:
    """An item as a reminder lists it, with the day of the chat's agency's last reply (local)."""

    item: ItemView
    last_reply: date | None
    agency: str | None = None  # who the chat answers as: the line names 主辦／協辦 unless only it is named


def render(out: Outgoing, *, listed: list[Listed] | None = None, link: str | None = None) -> list[Part]:
    """`listed`: the reminder's items as they stand now (None or empty: not a reminder layout)."""
    text = out.text if link is None else f"{out.text}\n\n下載（7 日內有效）：{link}"
    if out.kind == "reminder" and listed:
        parts = _reminder(text, out, listed)
    else:
        parts = [Part({"type": "text", "text": t}, list(out.item_ids)) for t in split_text(text)]
        if out.buttons:
            title = cut(text.split("\n", 1)[0], 60)
            parts += _flex_parts(button_bubbles(out.buttons), alt=_alt(text, out.buttons),
                                 item_ids=list(out.item_ids), title=title)
    if out.quick_replies:
        parts[-1].message["quickReply"] = quick_reply(out.quick_replies[:MAX_QUICK_REPLIES])
    return parts


def pushes_needed(parts: int) -> int:
    """Pushes a message of `parts` LINE messages takes (each push is charged once per group member)."""
    return max(1, ceil(parts / MAX_MESSAGES))


def message_count(out: Outgoing) -> int:
    """LINE messages `out` renders to, known before it is sent (for the quota warning before a round)."""
    if out.kind == "reminder" and out.item_ids:
        pages = ceil(len(out.item_ids) / PAGE)
        return 2 * pages + len(carousels(button_bubbles(_loose(out.buttons))))
    link = "https://example.invalid/files/" + "x" * 200 if out.document is not None else None
    return len(render(out, link=link))


def _reminder(text: str, out: Outgoing, listed: list[Listed]) -> list[Part]:
    lines = text.split("\n")
    rows = [n for n, line in enumerate(lines) if line.lstrip().startswith(("#", "＃"))]
    preamble = lines[:rows[0]] if rows else lines
    postscript = [line for line in lines[rows[-1] + 1:] if line.strip()] if rows else []
    pages = [listed[n:n + PAGE] for n in range(0, len(listed), PAGE)]
    parts: list[Part] = []
    for number, page in enumerate(pages, start=1):
        head = _header(preamble, number, len(pages))
        body = [_line(entry) for entry in page]
        tail = [*postscript, HINT] if number == len(pages) else [HINT]
        page_text = "\n".join([*head, *body, *tail])
        ids = [entry.item.id for entry in page]
        parts += [Part({"type": "text", "text": t}, ids) for t in split_text(page_text)]
        bubbles = [item_bubble(label=e.item.label, title=title_of(e.item) or "（無案由）",
                               due=due_text(e.item), last_reply=_last(e)) for e in page]
        parts += _flex_parts(bubbles, alt="\n".join([*head, *body]), item_ids=ids)
    if loose := _loose(out.buttons):
        parts += _flex_parts(button_bubbles(loose, title="其他"), alt=_alt("其他選項", loose), item_ids=[])
    return parts


def _flex_parts(bubbles: list[JSON], *, alt: str, item_ids: list[int], title: str = "") -> list[Part]:
    alt_text = cut(alt, MAX_ALT_TEXT) if alt.strip() else cut(title or "請選擇", MAX_ALT_TEXT)
    return [Part(flex_message(container, alt_text), item_ids) for container in carousels(bubbles)]


def _header(preamble: list[str], number: int, pages: int) -> list[str]:
    head = [line for line in preamble if line.strip()]
    if pages == 1:
        return head
    marker = f"（第 {number}/{pages} 頁）"
    return [head[0] + marker, *head[1:]] if head else [marker]


def _line(entry: Listed) -> str:
    """#6　案由…　期限　上次回報：115/11/2 (bot/format.item_line, with the chat's own last reply)."""
    parts = [f"#{entry.item.label}", title_of(entry.item)]
    if entry.agency and (who := who_text(entry.item, entry.agency)):
        parts.append(who)
    if due := due_text(entry.item):
        parts.append(due)
    parts.append(f"上次回報：{_last(entry)}")
    return "　".join(parts)


def _last(entry: Listed) -> str:
    return roc_short(entry.last_reply) if entry.last_reply else "無"


def _loose(buttons: list[Button]) -> list[Button]:
    """A reminder's buttons other than 回報 / 建議解除, which every item bubble already has."""
    return [b for b in buttons if (b.data.split() or [""])[0].lstrip("/") not in ITEM_COMMANDS]


def _alt(text: str, buttons: list[Button]) -> str:
    first = text.split("\n", 1)[0]
    return f"{first}（選項：{'、'.join(b.label for b in buttons)}）"
