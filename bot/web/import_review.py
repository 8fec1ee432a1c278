"""The import review on the desk: the minutes with each extracted point highlighted where it stands,
and the form's edits applied to the shared ImportReview (handlers/import_review.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.context import Context
from bot.dates import parse_date, roc_short
from bot.router import UserError
from handlers.import_review import ImportReview
from handlers.items import resolve_agencies

LEAD, ASSIST = "lead", "assist"


@dataclass(frozen=True)
class Segment:
    text: str
    number: int | None  # the point it is, or None for the minutes between points


def _anchor(text: str) -> list[str]:
    """Pieces of a point's text to look for in the minutes: the extractor may prefix or join lines."""
    flat = "".join(text.split())
    body = flat.split("：", 1)[1] if "：" in flat[:60] else flat
    return [p for p in (body[:24], body[-24:], flat[:16]) if len(p) >= 6]


def segments(source: str, entries: list[dict[str, Any]]) -> list[Segment]:
    """The minutes cut so that each point found in them is its own highlighted segment."""
    compact, where = [], []
    for i, ch in enumerate(source):
        if not ch.isspace():
            compact.append(ch)
            where.append(i)
    joined = "".join(compact)
    spans: list[tuple[int, int, int]] = []
    for number, entry in enumerate(entries, 1):
        for piece in _anchor(str(entry.get("text", ""))):
            at = joined.find(piece)
            if at >= 0:
                start, end = where[at], where[at + len(piece) - 1] + 1
                if not any(s < end and start < e for s, e, _ in spans):
                    spans.append((start, end, number))
                break
    out, position = [], 0
    for start, end, number in sorted(spans):
        if start > position:
            out.append(Segment(source[position:start], None))
        out.append(Segment(source[start:end], number))
        position = end
    out.append(Segment(source[position:], None))
    return out


def due_text(due: str | None) -> str:
    if due == "next_meeting":
        return "下次會議"
    if not due:
        return "無"
    try:
        from datetime import date

        return roc_short(date.fromisoformat(due))
    except ValueError:
        return due


def people(entry: dict[str, Any], role: str) -> str:
    return "、".join(a for a, r in zip(entry.get("agencies", []), entry.get("roles", []), strict=False) if r == role)


def _due_value(ctx: Context, raw: str) -> str | None:
    raw = raw.strip()
    if raw in ("下次會議", "下次會議時"):
        return "next_meeting"
    if raw in ("", "無", "不限"):
        return None
    return parse_date(raw, today=ctx.today()).isoformat()


def apply_form(ctx: Context, review: ImportReview, form: dict[str, str], ticked: list[str],
               government: str | None) -> None:
    """Ticks, each point's text, agencies and due date, and the answers to conflicts, as posted.

    An agency field left as it was keeps the extractor's names (even one not in the directory);
    a changed one is read like 指派 in the chat.
    """
    numbers = {int(n) for n in ticked if n.isdigit()}
    review.set_ticks(sorted(numbers), on=True)
    review.set_ticks(sorted(set(range(1, len(review.entries) + 1)) - numbers), on=False)
    for number, entry in enumerate(review.entries, 1):
        text = form.get(f"text-{number}")
        if text is not None:
            if not text.strip() and number in numbers:
                raise UserError(f"第 {number} 項的內容是空的：請填寫，或取消勾選。")
            entry["text"] = text.strip() or entry["text"]
        leads, assists = form.get(f"leads-{number}"), form.get(f"assists-{number}")
        if leads is not None and assists is not None and (leads, assists) != (people(entry, LEAD),
                                                                             people(entry, ASSIST)):
            found_leads = resolve_agencies(ctx, leads, government)
            found_assists = [a for a in resolve_agencies(ctx, assists, government) if a not in found_leads]
            entry["agencies"] = found_leads + found_assists
            entry["roles"] = [LEAD] * len(found_leads) + [ASSIST] * len(found_assists)
            entry["agencies_inferred"] = False
        due = form.get(f"due-{number}")
        if due is not None and due.strip() != due_text(entry.get("due")):
            entry["due"] = _due_value(ctx, due)
    for conflict in review.conflicts():
        answer = form.get(f"answer-{conflict.case}")
        if answer:
            review.answer(conflict.case, answer)

