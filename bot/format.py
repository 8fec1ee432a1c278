"""How items read in a chat: one line each, ROC dates, the case as users type it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from zoneinfo import ZoneInfo

from bot.dates import roc_short
from storage.models import STATUS_ZH
from storage.views import ItemView

ONE_LINE = 28
TAIPEI = ZoneInfo("Asia/Taipei")


def due_text(item: ItemView) -> str:
    if item.due_date is not None:
        return roc_short(item.due_date)
    return "下次會議" if item.due_next_meeting else ""


def one_line(text: str, width: int = ONE_LINE) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def title_of(item: ItemView) -> str:
    return one_line(item.subject or item.text)


def item_line(item: ItemView, *, agency: str | None = None, tz: tzinfo = TAIPEI) -> str:
    """#6 未升學未就業青少年關懷扶助計畫…　下次會議　上次回報：109/4/20"""
    last = item.latest_reply(agency)
    parts = [f"#{item.label}", title_of(item)]
    if due := due_text(item):
        parts.append(due)
    parts.append(f"上次回報：{roc_short(last.at.astimezone(tz).date()) if last else '無'}")
    return "　".join(parts)


def agencies_text(item: ItemView) -> str:
    text = "主辦：" + "、".join(item.leads) if item.leads else "主辦：（未指定）"
    if item.assists:
        text += "；協辦：" + "、".join(item.assists)
    return text


def cases(items: Iterable[ItemView]) -> str:
    return "、".join(f"#{i.label}" for i in items) or "（無）"


def status_text(item: ItemView) -> str:
    return STATUS_ZH.get(item.status, item.status)
