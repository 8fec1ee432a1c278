"""列管事項 tables: one row per case, a header row saying which column is which.

Common columns: 案號 | 案由／決議事項 | 主辦單位 | 協辦單位 | 辦理情形 | 列管建議 | 會議決定. Only the
meeting's own column (會議決定, 決議) decides; 辦理情形 is the agency's report and 列管建議 (擬解除列管)
the secretariat's proposal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.minutes.cases import decision_of
from bot.minutes.textutil import fold, squeeze, to_case_number

_COLUMNS = [
    ("number", re.compile(r"^(?:案號|編號|項次|序號|案次|項目)$|^No\.?$", re.IGNORECASE)),
    ("status", re.compile(r"辦理情形|執行情形|處理情形|辦理進度|執行進度|回覆|回報")),
    ("proposal", re.compile(r"擬辦|建議|擬處|擬議")),
    ("subject", re.compile(r"案由|決議事項|決定事項|決議內容|裁示事項|結論事項")),
    ("decision", re.compile(r"會議決定|決定|決議|裁示|結論|列管情形|列管與否|列管狀態|是否(?:解除)?列管")),
    ("assist", re.compile(r"協辦")),
    ("lead", re.compile(r"主辦|承辦|辦理單位|辦理機關|權責|負責|單位")),
    ("due", re.compile(r"期限|時限|完成日期|預定完成|完成時間")),
    ("subject", re.compile(r"案由|事項|內容|議題|決議|提案|主旨")),
    ("mark", re.compile(r"^(?:解除列管|繼續列管|賡續列管|解列|續列管|另案處理)$")),
]
_MARK = re.compile(r"^\s*(?:[✓✔√ˇVvＶｖ○●◎☑■Oo]|是|同意)\s*$")
_NUMBER = re.compile(r"^\s*(?:第\s*)?(\d+(?:-\d+)*|[一二三四五六七八九十]+)\s*(?:案)?\s*[.、]?\s*$")


@dataclass(frozen=True)
class Row:
    case: str | None
    subject: str
    lead: str
    assist: str
    due: str
    decision: str  # the meeting's own decision on the row, as written ("" when none)


def read_table(rows: list[list[str]]) -> list[Row]:
    """The data rows of a table, with columns named by its header row when it has one."""
    columns: dict[str, int] = {}
    marks: dict[int, str] = {}
    result = []
    for cells in rows:
        found = _header(cells)
        if found:
            columns, marks = found, _mark_columns(cells)
            continue
        row = _row(cells, columns)
        if not row.decision:  # 解除列管 | 繼續列管 columns, the decision ticked in one of them
            ticked = [head for index, head in marks.items() if index < len(cells) and _MARK.match(cells[index])]
            row = Row(row.case, row.subject, row.lead, row.assist, row.due, ticked[0] if len(ticked) == 1 else "")
        result.append(row)
    return result


def _mark_columns(cells: list[str]) -> dict[int, str]:
    """Columns named by a decision (解除列管, 繼續列管, 另案處理): a tick there is the decision."""
    return {i: squeeze(c) for i, c in enumerate(cells) if decision_of(c) and len(squeeze(c)) <= 6}


def _header(cells: list[str]) -> dict[str, int]:
    if any(_NUMBER.match(fold(c)) for c in cells[:1]):
        return {}
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = squeeze(fold(cell))
        if not key or len(key) > 12:
            return {}
        for name, pattern in _COLUMNS:
            if name not in columns and pattern.search(key):
                columns[name] = index
                break
    return columns if len(columns) >= 2 else {}


def _row(cells: list[str], columns: dict[str, int]) -> Row:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    number = cell("number") or (cells[0] if cells and _NUMBER.match(fold(cells[0])) else "")
    m = _NUMBER.match(fold(number))
    case = to_case_number(m.group(1)) if m else None
    decision = cell("decision")
    if "decision" not in columns:  # no header: the last cell that decides, not a proposal
        skip = {columns.get("proposal"), columns.get("status")}
        decision = next((c for i, c in reversed(list(enumerate(cells))) if i not in skip and decision_of(c)), "")
    subject = cell("subject") or next((c for c in cells[1:] if len(c) > 6 and c != decision), "")
    return Row(case, subject, cell("lead"), cell("assist"), cell("due"), decision)
