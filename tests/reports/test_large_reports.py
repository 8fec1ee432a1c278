"""A report of 2,000 items reads back cell for cell what the rules of the small ones say it holds.

The body rows of the .docx and the .xlsx are written as text, not through python-docx and openpyxl
cell by cell (which took seconds and over 100 MB): the libraries read them back here, every row of
them, with the words, marks, styles and order the short reports have.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

import docx
import pytest
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import RGBColor
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText
from openpyxl.workbook import Workbook

from bot.dates import roc_datetime
from bot.reports import render
from bot.reports.cells import HEADERS, Cell, line_text, row_cells
from bot.reports.model import AgencyStatus, HistoryEntry, ReportData, ReportReply, ReportRow
from bot.reports.xlsx import KINDS as KINDS_SHOWN
from tests.reports.samples import (
    ANSWERED_WITHOUT_SUBJECT,
    HOSTILE,
    KEPT_UNANSWERED,
    PARTLY_ANSWERED,
    UNANSWERED,
    make_report,
)

ITEMS = 2000
TRICKY = ReportRow(
    case=" 13 ",
    subject="  前後空白　& <標籤> \"引號\" 'x' 😀\t定位 ",
    decision="=SUM(A1:A9) 請法務部\r\n研議\r修法\n\n\n 第三行 ",
    origin="",
    leads=("法務部",),
    assists=("原住民族委員會",),
    statuses=(
        AgencyStatus("法務部", (ReportReply("法務部", "  縮排的回覆 &amp; <b>\t", date(2026, 5, 30), True),),
                     release_reason="", files=("函文.pdf", " 照片 & <1>.jpg", "沒有連結.doc"),
                     file_links=("https://lieguan.example/f/1?a=1&b=2", "https://lieguan.example/f/2")),
        AgencyStatus("原住民族委員會"),
    ),
    proposal="擬解除列管",
    proposal_reason=" ",
    decided="解除列管",
)
KINDS = (UNANSWERED, PARTLY_ANSWERED, ANSWERED_WITHOUT_SUBJECT, HOSTILE, KEPT_UNANSWERED, TRICKY)


def _history(number: int) -> HistoryEntry:
    return HistoryEntry(str(number), ("教育部", "勞動部", " 法務部")[number % 3], datetime(2026, 5, 1 + number % 28, 9),
                        ("progress", "correction", "release_request", "on_behalf")[number % 4],
                        ("已召開會議。", "=1+1 已完成", " 前有空白", "<i>x</i> & y\r\nz")[number % 4],
                        "line:U1 王小明", withdrawn=number % 7 == 0, superseded=number % 11 == 0)


@pytest.fixture(scope="module")
def large() -> ReportData:
    rows = tuple(replace(KINDS[i % len(KINDS)], case=f"{i + 1}") for i in range(ITEMS))
    return replace(make_report(rows), history=tuple(_history(n) for n in range(1, ITEMS + 1)))


@pytest.fixture(scope="module")
def word(large: ReportData) -> WordDocument:
    return docx.Document(io.BytesIO(render(large, "docx")))


@pytest.fixture(scope="module")
def book(large: ReportData) -> Workbook:
    return load_workbook(io.BytesIO(render(large, "xlsx")), rich_text=True)


def _sheet_text(cell: Cell) -> str:
    return "\n".join(line_text(line) for line in cell)


def test_every_row_of_a_2000_item_word_table_holds_the_cells_of_its_item(word: WordDocument, large: ReportData) -> None:
    rows = word.tables[0].rows
    assert len(rows) == ITEMS + 1
    assert [cell.text for cell in rows[0].cells] == list(HEADERS)
    for table_row, row in zip(rows[1:], large.rows, strict=True):
        expected = [[line_text(line) for line in cell] or [""] for cell in row_cells(row)]
        assert [[p.text for p in cell.paragraphs] for cell in table_row.cells] == expected


def test_a_2000_item_word_table_marks_未回報_in_red_and_keeps_every_row_whole(word: WordDocument,
                                                                          large: ReportData) -> None:
    progress = HEADERS.index("辦理情形")
    runs = [run for row in word.tables[0].rows[1:] for p in row.cells[progress].paragraphs for run in p.runs]
    missing = [run for run in runs if run.text == "未回報"]
    expected = sum(span.mark == "missing" for row in large.rows for line in row_cells(row)[progress] for span in line)
    assert len(missing) == expected > ITEMS // 2
    assert all(run.bold and run.font.color.rgb == RGBColor(0xFF, 0x00, 0x00) for run in missing)
    late = [run for run in runs if run.text == "逾期回報"]
    assert late and all(run.bold and run.font.color.rgb == RGBColor(0xA0, 0x60, 0x00) for run in late)
    properties = [row._tr.trPr for row in word.tables[0].rows[1:]]
    assert all(p is not None and p.find(qn("w:cantSplit")) is not None for p in properties)
    assert all(p is not None and p.find(qn("w:tblHeader")) is None for p in properties)
    assert [p.text for p in word.paragraphs][-1] == large.summary_line()


def test_every_row_of_a_2000_item_sheet_holds_the_cells_of_its_item(book: Workbook, large: ReportData) -> None:
    sheet = book["辦理情形"]
    header = 3
    for number, row in enumerate(large.rows, start=header + 1):
        for column, cell in enumerate(row_cells(row), start=1):
            value = sheet.cell(row=number, column=column).value
            text = str(value) if value is not None else ""
            assert text == _sheet_text(cell), (number, column)
            assert isinstance(value, CellRichText) == any(span.mark for line in cell for span in line)
    assert sheet.cell(row=header + ITEMS + 1, column=1).value == large.summary_line()
    assert sheet.max_row == header + ITEMS + 1


def test_every_cell_of_a_2000_item_sheet_is_text_in_標楷體_wrapped_with_borders(book: Workbook) -> None:
    sheet = book["辦理情形"]
    for row in sheet.iter_rows(min_row=4, max_row=3 + ITEMS):
        for cell in row:
            assert cell.data_type in ("s", "inlineStr"), "text, never a formula"  # inlineStr: an empty cell
            assert (cell.font.name, cell.font.sz, cell.alignment.wrap_text, cell.alignment.vertical) == (
                "標楷體", 12, True, "top")
            assert {cell.border.left.style, cell.border.right.style, cell.border.top.style} == {"thin"}
    progress = sheet.cell(row=4, column=HEADERS.index("辦理情形") + 1).value  # 案 1: nobody answered
    assert isinstance(progress, CellRichText)
    assert [(block.text, str(block.font.color.rgb)) for block in progress] == [("未回報", "00FF0000")]


def test_every_reply_of_a_2000_item_report_is_a_row_of_the_reply_sheet(book: Workbook, large: ReportData) -> None:
    sheet = book["回覆紀錄"]
    assert sheet.max_row == ITEMS + 1
    assert sheet.auto_filter.ref == f"A1:G{ITEMS + 1}"
    for number, entry in enumerate(large.history, start=2):
        values = [sheet.cell(row=number, column=column).value for column in range(1, 8)]
        status = "已撤回" if entry.withdrawn else "已更正" if entry.superseded else None
        assert values == [entry.case, entry.agency, roc_datetime(entry.at), KINDS_SHOWN[entry.kind], entry.text,
                          entry.author, status], number


def test_a_2000_item_workbook_tells_readers_its_true_size(large: ReportData) -> None:
    """Excel and read-only readers size the sheet by its <dimension>: it must reach the last row."""
    streamed = load_workbook(io.BytesIO(render(large, "xlsx")), read_only=True)
    assert streamed["辦理情形"].calculate_dimension() == f"A1:G{3 + ITEMS + 1}"
    assert streamed["回覆紀錄"].calculate_dimension() == f"A1:G{ITEMS + 1}"


def test_every_佐證_of_a_2000_item_report_is_a_row_of_the_files_sheet_with_its_link(book: Workbook,
                                                                                large: ReportData) -> None:
    expected = [
        (row.case, status.agency, name, link or None)
        for row in large.rows
        for status in row.statuses
        for name, link in zip(status.files, (*status.file_links, *[""] * len(status.files)), strict=False)
    ]
    sheet = book["附件"]
    assert len(expected) == 3 * (ITEMS // len(KINDS))  # three files on every TRICKY item
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == expected
    for number, (_, _, _, link) in enumerate(expected, start=2):
        cell = sheet.cell(row=number, column=4)
        assert (cell.hyperlink.target if cell.hyperlink else None) == link
        assert all(sheet.cell(row=number, column=c).font.name == "標楷體" for c in range(1, 5))
