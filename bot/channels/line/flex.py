"""Flex Message pieces: a bubble per tracked item with its two buttons, and bubbles of plain buttons.

LINE returns no quote token for a Flex message: it is no quote target. So a Flex message here only
carries buttons; the list a contact quotes is always a text message sent with it (see render.py).
"""

from __future__ import annotations

import json
from typing import Any

from bot.channels.line.limits import MAX_BUBBLES, MAX_CAROUSEL_BYTES, MAX_DATA, MAX_LABEL, cut
from bot.messages import Button

JSON = dict[str, Any]
GREY = "#666666"
BUTTONS_PER_BUBBLE = 8


def postback(label: str, data: str) -> JSON:
    """A button action that sends `data` back as a command; the chat shows the label as said."""
    return {"type": "postback", "label": cut(label, MAX_LABEL), "data": data[:MAX_DATA],
            "displayText": cut(label, MAX_DATA)}


def _text(text: str, **style: Any) -> JSON:
    return {"type": "text", "text": text or " ", **style}


def item_bubble(*, label: str, title: str, due: str, last_reply: str) -> JSON:
    """#6, its subject in one line, due date and last reply (ROC), and 回報 / 建議解除."""
    return {
        "type": "bubble", "size": "kilo",
        "body": {"type": "box", "layout": "vertical", "spacing": "xs", "contents": [
            _text(f"#{label}", weight="bold", size="md"),
            _text(title, size="sm", wrap=False),
            _text(f"期限：{due or '未定'}", size="xs", color=GREY),
            _text(f"上次回報：{last_reply}", size="xs", color=GREY),
        ]},
        "footer": {"type": "box", "layout": "horizontal", "spacing": "sm", "contents": [
            {"type": "button", "style": "primary", "height": "sm",
             "action": postback("回報", f"回報 {label}") | {"displayText": f"回報 #{label}"}},
            {"type": "button", "style": "secondary", "height": "sm",
             "action": postback("建議解除", f"建議解除 {label}") | {"displayText": f"建議解除 #{label}"}},
        ]},
    }


def button_bubbles(buttons: list[Button], *, title: str = "") -> list[JSON]:
    """Buttons with no item of their own, a few to a bubble."""
    bubbles = []
    for start in range(0, len(buttons), BUTTONS_PER_BUBBLE):
        rows = [{"type": "button", "style": "link", "height": "sm", "action": postback(b.label, b.data)}
                for b in buttons[start:start + BUTTONS_PER_BUBBLE]]
        body: list[JSON] = [_text(cut(title, 60), size="sm", wrap=True, color=GREY)] if title else []
        bubbles.append({"type": "bubble", "size": "kilo",
                        "body": {"type": "box", "layout": "vertical", "spacing": "none",
                                 "contents": body + rows}})
    return bubbles


def carousels(bubbles: list[JSON]) -> list[JSON]:
    """Bubbles as few Flex containers as LINE allows: at most 12 bubbles and 50 KB each."""
    containers: list[JSON] = []
    for start in range(0, len(bubbles), MAX_BUBBLES):
        containers += _fit(bubbles[start:start + MAX_BUBBLES])
    return containers


def _fit(bubbles: list[JSON]) -> list[JSON]:
    if len(bubbles) == 1:
        return [bubbles[0]]
    container = {"type": "carousel", "contents": bubbles}
    if len(json.dumps(container, ensure_ascii=False).encode("utf-8")) <= MAX_CAROUSEL_BYTES:
        return [container]
    half = len(bubbles) // 2
    return _fit(bubbles[:half]) + _fit(bubbles[half:])


def flex_message(container: JSON, alt_text: str) -> JSON:
    return {"type": "flex", "altText": alt_text, "contents": container}


def quick_reply(buttons: list[Button]) -> JSON:
    return {"items": [{"type": "action", "action": postback(b.label, b.data)} for b in buttons]}
