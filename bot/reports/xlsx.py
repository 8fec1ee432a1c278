"""Excel (.xlsx) for secretariats who keep their trackers in Excel.

The first sheet is the report itself, cell for cell what the .docx shows (未回報 in red through rich
text), printable as it stands: A4 landscape, one page wide, the header row frozen on screen and
repeated on every printed page. The second sheet lists every reply ever stored on these items,
withdrawn and corrected ones included, so a secretariat can filter and audit in Excel.
"""

from __future__ import annotations

import io
from datetime import datetime, time
from zipfile import ZIP_DEFLATED, ZipFile
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import tostring

from bot.dates import roc_datetime
from bot.reports.cells import (
    END_MARGIN_MM,
    HEADERS,
    NOTHING,
    SIDE_MARGIN_MM,
    WIDTHS_MM,
    Cell,
    Mark,
    clean,
    line_text,
    row_cells,
    subtitle,
)
from bot.reports.model import HistoryEntry, ReportData
from bot.reports.xlsx_rows import Body, Leading, Run, Value, cells_xml, row_xml, with_bodies
from bot.reports.zipped import steady

FONT = "標楷體"
REPORT_SHEET = "辦理情形"
HISTORY_SHEET = "回覆紀錄"
HISTORY_HEADERS = ("案號", "機關", "時間", "類別", "內容", "填寫人", "狀態")
HISTORY_WIDTHS = (8, 20, 16, 14, 70, 22, 10)
KINDS = {"progress": "辦理情形", "release_request": "建議解除列管", "correction": "更正", "on_behalf": "代為登錄"}
TITLE_ROWS = 2  # title, then the data date; the header row follows
# Excel measures columns in widths of the digit 0 of its default font, about 1.9 mm.
MM_PER_CHARACTER = 1.9
MAX_CELL = 32767  # Excel refuses longer cell text
# Replies are stored in UTC; the sheet shows the time on the clerk's clock, as bot.format does.
LOCAL = ZoneInfo("Asia/Taipei")

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
BODY_STYLE = "報告內文"
_MARK_FONTS: dict[Mark, InlineFont] = {
    "": InlineFont(rFont=FONT, sz=12),
    "missing": InlineFont(rFont=FONT, sz=12, b=True, color="FF0000"),
    "late": InlineFont(rFont=FONT, sz=12, b=True, color="A06000"),
}
# Each mark's font as openpyxl writes it in a rich-text run.
_RUN_FONTS: dict[Mark, str] = {
    mark: tostring(font.to_tree(tagname="rPr"), encoding="unicode") for mark, font in _MARK_FONTS.items()
}


def _text(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _set(cell: XlCell, value: str) -> None:
    """Text stays text: openpyxl would store 「=…」 as a formula, and Excel would run it."""
    cell.value = value
    if isinstance(value, str) and value:
        cell.data_type = "s"


def _value(content: Cell) -> Value:
    """Plain text, or rich text when a span is marked (未回報, 逾期回報)."""
    if not any(span.mark for line in content for span in line):
        return _text("\n".join(line_text(line) for line in content))
    runs: list[Run] = []
    for i, line in enumerate(content):
        for j, span in enumerate(line):
            prefix = "\n" if i and not j else ""
            runs.append((_RUN_FONTS[span.mark], prefix + span.text))
        if not line and i:
            runs.append((_RUN_FONTS[""], "\n"))
    return tuple(runs)


def _page(sheet: Worksheet, header_row: int) -> None:
    # By name: sheet.cell() would put an empty cell (and row) there, before the rows written as text.
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    margins = sheet.page_margins
    margins.left = margins.right = SIDE_MARGIN_MM / 25.4
    margins.top = margins.bottom = END_MARGIN_MM / 25.4
    sheet.oddFooter.center.text = "第 &P 頁，共 &N 頁"


def _head(sheet: Worksheet, row: int, headers: tuple[str, ...], widths: tuple[float, ...]) -> None:
    for column, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=column)
        _set(cell, text)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.fill, cell.border = _HEAD_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = width


def _body_cell(sheet: Worksheet, row: int, column: int, value: str) -> None:
    cell = sheet.cell(row=row, column=column)
    _set(cell, value)
    cell.style = BODY_STYLE  # by name: setting font, border and alignment per cell took seconds


def _body_style(sheet: Worksheet) -> int:
    """The index of the body cells' style, registered as openpyxl would on the first body cell."""
    probe = XlCell(sheet)  # never placed in the sheet
    probe.style = BODY_STYLE
    return probe.style_id


def _line(sheet: Worksheet, row: int, text: str, *, size: int = 12, bold: bool = False) -> None:
    """A line of text across the whole table (title, data date, summary)."""
    cell = sheet.cell(row=row, column=1)
    _set(cell, text)
    cell.font = Font(name=FONT, size=size, bold=bold)
    cell.alignment = Alignment(horizontal="center" if row <= TITLE_ROWS else "left", vertical="center")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))


def _report_sheet(sheet: Worksheet, data: ReportData) -> Body:
    """The sheet around the table; the table's rows are returned, to be written as text."""
    sheet.title = REPORT_SHEET
    _line(sheet, 1, data.title(), size=16, bold=True)
    _line(sheet, 2, subtitle(data))
    header = TITLE_ROWS + 1
    if not data.rows:
        _line(sheet, 3, NOTHING)
        return Body("xl/worksheets/sheet1.xml", header, ())
    _head(sheet, header, HEADERS, tuple(round(mm / MM_PER_CHARACTER, 1) for mm in WIDTHS_MM))
    style = _body_style(sheet)
    rows = [
        row_xml(number, style, [_value(content) for content in row_cells(row)])
        for number, row in enumerate(data.rows, start=header + 1)
    ]
    _line(sheet, header + len(data.rows) + 1, data.summary_line())
    _page(sheet, header)
    return Body("xl/worksheets/sheet1.xml", header + 1, rows)


FILES_SHEET = "附件"
FILES_HEADERS = ("案號", "機關", "附件", "下載連結")
FILES_WIDTHS = (10.0, 20.0, 36.0, 60.0)


def _status(entry: HistoryEntry) -> str:
    return "已撤回" if entry.withdrawn else "已更正" if entry.superseded else ""


def _history_values(entry: HistoryEntry) -> list[Value]:
    at = entry.at.astimezone(LOCAL) if entry.at.tzinfo is not None else entry.at
    values = (entry.case, entry.agency, roc_datetime(at), KINDS.get(entry.kind, entry.kind),
              entry.text, entry.author, _status(entry))
    return [_text(clean(value)) for value in values]


def _history_sheet(sheet: Worksheet, history: tuple[HistoryEntry, ...]) -> Body:
    _head(sheet, 1, HISTORY_HEADERS, HISTORY_WIDTHS)
    rows: list[bytes] = []
    if history:
        style = _body_style(sheet)
        rows = [row_xml(number, style, _history_values(entry)) for number, entry in enumerate(history, start=2)]
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HISTORY_HEADERS))}{max(1, len(history)) + 1}"
    _page(sheet, 1)
    return Body("xl/worksheets/sheet2.xml", 2, rows)


def _files_sheet(sheet: Worksheet, data: ReportData) -> Leading:
    """佐證, one per line with its download link (a cell of 辦理情形 holds one link at most). openpyxl
    writes the link cells, whose hyperlinks it ties to the sheet; the cells before them are text."""
    _head(sheet, 1, FILES_HEADERS, FILES_WIDTHS)
    style = _body_style(sheet)
    cells: list[bytes] = []
    for row in data.rows:
        for status in row.statuses:
            links = (*status.file_links, *[""] * len(status.files))
            for name, link in zip(status.files, links, strict=False):
                number = len(cells) + 2
                cells.append(cells_xml(number, style, [_text(clean(value)) for value in (row.case, status.agency, name)]))
                _body_cell(sheet, number, len(FILES_HEADERS), _text(clean(link)))
                if link:
                    sheet.cell(row=number, column=len(FILES_HEADERS)).hyperlink = link
    _page(sheet, 1)
    return Leading("xl/worksheets/sheet3.xml", 2, cells)


def render(data: ReportData) -> bytes:
    book = Workbook()
    book.add_named_style(NamedStyle(BODY_STYLE, font=Font(name=FONT, size=12), border=_BORDER, alignment=_WRAP))
    bodies: list[Body | Leading] = [_report_sheet(book.active, data),
                                    _history_sheet(book.create_sheet(HISTORY_SHEET), data.history)]
    if any(status.files for row in data.rows for status in row.statuses):
        bodies.append(_files_sheet(book.create_sheet(FILES_SHEET), data))
    moment = datetime.combine(data.cutoff, time())
    book.properties.title = data.title()
    book.properties.subject = subtitle(data)
    book.properties.creator = book.properties.lastModifiedBy = data.body
    book.properties.language = "zh-TW"
    book.properties.created = book.properties.modified = moment
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save: save() stamps the file with the moment it was written
    ExcelWriter(book, ZipFile(buffer, "w", ZIP_DEFLATED)).save()
    return steady(buffer.getvalue(), data.cutoff, with_bodies(bodies))
