"""How items read in a chat: one line each, ROC dates, the case as users type it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import tzinfo
from zoneinfo import ZoneInfo

from bot.dates import roc_short
from storage.models import LEAD, STATUS_ZH, TRACKING
from storage.views import ItemView

ONE_LINE = 28
TASK_WIDTH = 30  # a task's first line in a chat list; longer ones are cut at a clause or with …
CLAUSE_ENDS = "，。；、：,;"
TAIPEI = ZoneInfo("Asia/Taipei")
# minutes often open a renewed case's decision with its agenda heading (案由 6 連結…體系：請教育部…);
# the heading is the item's subject, the task is what follows it
AGENDA_HEADING = re.compile(r"^\s*[（(]?[一二三四五六七八九十\d]*[）)]?\s*案由\s*[\d一二三四五六七八九十]+\s*[^：:。]{0,60}[：:]\s*(?=\S)")


def due_text(item: ItemView) -> str:
    if item.due_date is not None:
        return roc_short(item.due_date)
    return "下次會議" if item.due_next_meeting else ""


def one_line(text: str, width: int = ONE_LINE) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def task_text(text: str, width: int = TASK_WIDTH) -> str:
    """The task's first line, shortened at a clause boundary when it can be (…, not mid-word)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    flat = " ".join(AGENDA_HEADING.sub("", lines[0], count=1).split())
    if len(flat) <= width:
        return flat + ("…" if len(lines) > 1 else "")
    cut = max(flat.rfind(mark, 0, width) for mark in CLAUSE_ENDS)
    return (flat[:cut] if cut >= width * 2 // 3 else flat[: width - 1]) + "…"


def title_of(item: ItemView) -> str:
    """What tells items apart: the task itself (five items may share one 案由)."""
    return task_text(item.text) or one_line(item.subject)


def who_text(item: ItemView, agency: str | None = None) -> str:
    """主辦／協辦, left out in an agency's own list when the agency is the only one named."""
    if agency is not None and item.agencies == ((agency, LEAD),):
        return ""
    return agencies_text(item)


def item_line(item: ItemView, *, agency: str | None = None, tz: tzinfo = TAIPEI,
              status: bool = False) -> str:
    """#6　請教育部提出轉介流程…　主辦：教育部；協辦：勞動部　下次會議　上次回報：109/4/20

    `status` marks items that are not simply 列管中 (【解除列管】), for lists that mix them.
    """
    last = item.latest_reply(agency)
    mark = f"【{status_text(item)}】" if status and item.status != TRACKING else ""
    parts = [f"#{item.label}", mark + title_of(item)]
    if who := who_text(item, agency):
        parts.append(who)
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
