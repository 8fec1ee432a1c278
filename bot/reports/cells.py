"""The words of the report, shared by every renderer so that each format says exactly the same.

A cell is a tuple of lines; a line is a tuple of spans; a span is text with an optional mark
(未回報 in red, 逾期回報 emphasised). Renderers only decide how a line and a mark look.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.dates import roc, roc_short
from bot.reports.model import ReportData, ReportReply, ReportRow

Mark = Literal["", "missing", "late"]

HEADERS = ("案號", "案由及決議（定）事項", "主辦／協辦機關", "辦理情形", "列管建議", "會議決定")
# The page: A4 landscape, 2 cm at the sides, 1.5 cm above and below (the footer sits in the bottom one).
PAGE_MM = (297, 210)
SIDE_MARGIN_MM = 20
END_MARGIN_MM = 15
# Column widths in millimetres: together they fill the width between the side margins (257 mm).
WIDTHS_MM = (14, 70, 40, 79, 28, 26)
NOT_REPLIED = "未回報"
LATE = "逾期回報"
NOTHING = "無列管事項。"

# XML 1.0 refuses most control characters; a reply pasted from another program may carry them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class Span:
    text: str
    mark: Mark = ""


Line = tuple[Span, ...]
Cell = tuple[Line, ...]


def subtitle(data: ReportData) -> str:
    return f"前次會議決議辦理情形（資料截至 {roc(data.cutoff)}）"


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


def text_lines(text: str) -> list[str]:
    """The lines of a user's text, without control characters or blank lines at either end."""
    lines = [line.rstrip() for line in clean(text).splitlines()]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _plain_lines(lines: Iterable[str]) -> list[Line]:
    return [(Span(line),) for line in lines]


def subject_cell(row: ReportRow) -> Cell:
    """案由（第4次會議） on the first line, then the decision; without a 案由 the origin ends the decision."""
    origin = f"（{clean(row.origin).strip()}）" if row.origin.strip() else ""
    subject = " ".join(text_lines(row.subject))
    decision = text_lines(row.decision)
    if subject:
        return tuple(_plain_lines([subject + origin, *decision]))
    if decision:
        decision[-1] += origin
    elif origin:
        decision = [origin]
    return tuple(_plain_lines(decision))


def agencies_cell(row: ReportRow) -> Cell:
    lines = []
    if row.leads:
        lines.append("主辦：" + "、".join(clean(a) for a in row.leads))
    if row.assists:
        lines.append("協辦：" + "、".join(clean(a) for a in row.assists))
    if row.due.strip():
        lines.append("期限：" + clean(row.due).strip())
    return tuple(_plain_lines(lines))


def _reply_lines(reply: ReportReply) -> list[Line]:
    """教育部（115/5/18）：text, or 勞動部（115/5/25，逾期回報）：text; later lines of the text follow."""
    head = f"{clean(reply.agency)}（{roc_short(reply.at)}"
    text = text_lines(reply.text) or [""]
    first: Line = (
        (Span(head + "，"), Span(LATE, "late"), Span("）：" + text[0]))
        if reply.late
        else (Span(f"{head}）：{text[0]}"),)
    )
    return [first, *_plain_lines(text[1:])]


def progress_cell(row: ReportRow) -> Cell:
    """Every reply, then each agency still silent (勞動部：未回報); nothing at all is just 未回報."""
    if not row.replies:
        return ((Span(NOT_REPLIED, "missing"),),)
    lines: list[Line] = []
    for reply in row.replies:
        lines.extend(_reply_lines(reply))
    for agency in row.missing:
        lines.append((Span(f"{clean(agency)}："), Span(NOT_REPLIED, "missing")))
    return tuple(lines)


def row_cells(row: ReportRow) -> tuple[Cell, ...]:
    """The six cells of a row, in the order of HEADERS; 會議決定 stays empty for the meeting."""
    return (
        tuple(_plain_lines([clean(row.case).strip()])),
        subject_cell(row),
        agencies_cell(row),
        progress_cell(row),
        tuple(_plain_lines([clean(row.proposal)] if row.proposal else [])),
        (),
    )


def line_text(line: Line) -> str:
    return "".join(span.text for span in line)


def plain(cell: Cell) -> str:
    """A cell as text, one line per line: for CSV and anything else without formatting."""
    return "\n".join(line_text(line) for line in cell)
