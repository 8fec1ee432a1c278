"""The words of the report, shared by every renderer so that each format says exactly the same.

A cell is a tuple of lines; a line is a tuple of spans; a span is text with an optional mark
(未回報 in red, 逾期回報 emphasised). Renderers only decide how a line and a mark look.

The 辦理情形 cell is composed per agency: its replies of the round, oldest first, each dated
(or the text the secretariat set, 秘書處修改), then its 建議解除列管 and reason; an agency with
none of these is 未回報.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.dates import roc, roc_short
from bot.reports.model import AgencyStatus, ReportData, ReportReply, ReportRow

Mark = Literal["", "missing", "late"]

HEADERS = ("案號", "案由及決議（定）事項", "主辦／協辦機關", "期限", "辦理情形", "列管建議", "會議決定")
# The page: A4 landscape, 2 cm at the sides, 1.5 cm above and below (the footer sits in the bottom one).
PAGE_MM = (297, 210)
SIDE_MARGIN_MM = 20
END_MARGIN_MM = 15
# Column widths in millimetres: together they fill the width between the side margins (257 mm).
WIDTHS_MM = (12, 66, 34, 22, 73, 26, 24)
NOT_REPLIED = "未回報"
LATE = "逾期回報"
ON_BEHALF = "秘書處代為登錄"
EDITED = "秘書處修改"
ASK_RELEASE = "建議解除列管"
NOTHING = "無列管事項。"

# XML 1.0 refuses most control characters; a reply pasted from another program may carry them. A lone
# surrogate (half of a character, from a broken paste) cannot even be written as UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Span:
    text: str
    mark: Mark = ""
    link: str = ""  # a download link (a 佐證 file), for the formats that can hold one


Line = tuple[Span, ...]
Cell = tuple[Line, ...]


def subtitle(data: ReportData) -> str:
    """前次會議決議辦理情形（會議日期 115年12月14日上午9時30分；資料截至 115年12月7日）"""
    held = f"會議日期 {roc(data.meeting_date)}{data.meeting_time or ''}；" if data.meeting_date else ""
    return f"前次會議決議辦理情形（{held}資料截至 {roc(data.cutoff)}）"


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
    return tuple(_plain_lines(lines))


def due_cell(row: ReportRow) -> Cell:
    """下次會議, 115/6/10, or nothing when the item has no due date."""
    due = clean(row.due).strip()
    return tuple(_plain_lines([due] if due else []))


def _reply_lines(reply: ReportReply) -> list[Line]:
    """教育部（115/5/18）：text, 勞動部（115/5/25，逾期回報）：text, or …（115/5/25，秘書處代為登錄）：text;
    later lines of the text follow."""
    head = f"{clean(reply.agency)}（{roc_short(reply.at)}"
    tail = f"，{ON_BEHALF}）：" if reply.on_behalf else "）："
    text = text_lines(reply.text) or [""]
    first: Line = (
        (Span(head + "，"), Span(LATE, "late"), Span(tail + text[0]))
        if reply.late
        else (Span(head + tail + text[0]),)
    )
    return [first, *_plain_lines(text[1:])]


def _headed(head: str, text: str) -> list[Line]:
    lines = text_lines(text)
    if not lines:
        return [(Span(head),)]
    return [(Span(f"{head}：{lines[0]}"),), *_plain_lines(lines[1:])]


def status_lines(status: AgencyStatus) -> list[Line]:
    """One agency's 辦理情形: its replies (or the secretariat's text), its 建議解除列管, or 未回報."""
    agency = clean(status.agency)
    lines: list[Line] = []
    if status.edited is not None:
        lines += _headed(f"{agency}（{EDITED}）", status.edited)
    else:
        for reply in status.replies:
            lines += _reply_lines(reply)
    if status.release_reason is not None:
        lines += _headed(f"{agency}{ASK_RELEASE}", status.release_reason)
    if status.files:  # 佐證 its replies carry: 附件：函文.pdf、照片 2 張
        links = (*status.file_links, *[""] * len(status.files))
        spans: list[Span] = []
        for n, name in enumerate(status.files):
            spans += [Span("、" if n else "附件："), Span(clean(name), link=links[n])]
        lines.append(tuple(spans))
    return lines or [(Span(f"{agency}："), Span(NOT_REPLIED, "missing"))]


def progress_cell(row: ReportRow) -> Cell:
    """Each agency's 辦理情形 in turn (勞動部：未回報 for one still silent); nobody at all is just 未回報."""
    if not row.answered:
        return ((Span(NOT_REPLIED, "missing"),),)
    return tuple(line for status in row.statuses for line in status_lines(status))


def proposal_cell(row: ReportRow) -> Cell:
    """擬解除列管 or 擬繼續列管, then the secretariat's reason."""
    if not row.proposal:
        return ()
    reason = text_lines(row.proposal_reason)
    if reason:
        reason[0] = "理由：" + reason[0]
    return tuple(_plain_lines([clean(row.proposal), *reason]))


def row_cells(row: ReportRow) -> tuple[Cell, ...]:
    """The cells of a row, in the order of HEADERS; 會議決定 is empty until the meeting has decided."""
    return (
        tuple(_plain_lines([clean(row.case).strip()])),
        subject_cell(row),
        agencies_cell(row),
        due_cell(row),
        progress_cell(row),
        proposal_cell(row),
        tuple(_plain_lines(text_lines(row.decided))),
    )


def line_text(line: Line) -> str:
    return "".join(span.text for span in line)


def plain(cell: Cell) -> str:
    """A cell as text, one line per line: for CSV and anything else without formatting."""
    return "\n".join(line_text(line) for line in cell)
