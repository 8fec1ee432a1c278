"""Excel: what openpyxl reads back is the report, cell for cell, plus every reply on a sheet of its own."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import docx
import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports import render
from bot.reports.cells import HEADERS, WIDTHS_MM, subtitle
from bot.reports.model import HistoryEntry, ReportData
from tests.reports.samples import ANSWERED_WITHOUT_SUBJECT, make_report

PROGRESS = HEADERS.index("辦理情形")
HISTORY = (
    HistoryEntry("6", "教育部", datetime(2026, 5, 12, 9, 5), "progress", "已召開研商會議。", "line:U1 王小明"),
    HistoryEntry("6", "教育部", datetime(2026, 5, 13, 14, 30), "correction", "更正：5/12召開。", "line:U1 王小明",
                 superseded=False),
    HistoryEntry("6", "教育部", datetime(2026, 5, 14, 8, 0), "progress", "測試", "line:U1 王小明", withdrawn=True),
    HistoryEntry("8", "教育部", datetime(2026, 5, 20, 16, 45), "release_request", "轉介流程已函頒，建議解除。",
                 "telegram:42 李專員"),
    HistoryEntry("12", "法務部", datetime(2026, 5, 21, 10, 0), "on_behalf", "=1+1 已完成規劃", "line:U9 秘書處"),
)


def _book(report: ReportData, *, rich: bool = False) -> Workbook:
    return load_workbook(io.BytesIO(render(report, "xlsx")), rich_text=rich)


def _values(sheet: Worksheet, row: int) -> list[str]:
    return [str(cell.value) if cell.value is not None else "" for cell in sheet[row]]


@pytest.fixture
def with_history(report: ReportData) -> ReportData:
    return replace(report, history=HISTORY)


def test_xlsx_has_the_report_sheet_then_the_sheet_of_every_reply(report: ReportData) -> None:
    assert _book(report).sheetnames == ["辦理情形", "回覆紀錄"]


def test_xlsx_title_data_date_and_summary_surround_the_table(report: ReportData) -> None:
    sheet = _book(report)["辦理情形"]
    assert sheet["A1"].value == "強化社會安全網中央跨部會平台第6次會議"
    assert sheet["A2"].value == subtitle(report)
    assert _values(sheet, 3) == list(HEADERS)
    assert sheet.cell(row=4 + len(report.rows), column=1).value == report.summary_line()


def test_xlsx_cells_are_the_cells_of_the_word_document(report: ReportData) -> None:
    """The same rows and words as the .docx the secretariat would print."""
    sheet = _book(report)["辦理情形"]
    word = docx.Document(io.BytesIO(render(report, "docx"))).tables[0]
    expected = [[cell.text for cell in row.cells] for row in word.rows[1:]]
    assert [_values(sheet, 4 + i) for i in range(len(report.rows))] == expected
    assert sheet.cell(row=4, column=PROGRESS + 1).value == "未回報"


def test_xlsx_未回報_is_red_inside_the_cell(report: ReportData) -> None:
    sheet = _book(report, rich=True)["辦理情形"]
    progress = sheet.cell(row=5, column=PROGRESS + 1).value  # 案 6: 勞動部 has not answered
    assert isinstance(progress, CellRichText)
    red = [block for block in progress if not isinstance(block, str) and block.text.endswith("未回報")]
    assert red and all(str(block.font.color.rgb).endswith("FF0000") for block in red)
    plain = [block for block in progress if not isinstance(block, str) and "教育部（" in block.text]
    assert plain and all(block.font.color is None for block in plain)
    assert {block.font.rFont for block in progress if not isinstance(block, str)} == {"標楷體"}


def test_xlsx_prints_a4_landscape_one_page_wide_with_the_header_row_on_every_page(report: ReportData) -> None:
    sheet = _book(report)["辦理情形"]
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.freeze_panes == "A4", "the header row stays on screen while scrolling"
    assert "第 &P 頁" in sheet.oddFooter.center.text


def test_xlsx_cells_wrap_and_columns_keep_the_documents_proportions(report: ReportData) -> None:
    sheet = _book(report)["辦理情形"]
    assert all(cell.alignment.wrap_text for row in sheet.iter_rows(min_row=4, max_row=8) for cell in row)
    widths = [sheet.column_dimensions[chr(ord("A") + i)].width for i in range(len(HEADERS))]
    ratios = [width / mm for width, mm in zip(widths, WIDTHS_MM, strict=True)]
    assert max(ratios) - min(ratios) < 0.05
    assert {cell.font.name for row in sheet.iter_rows(min_row=1, max_row=8) for cell in row if cell.value} == {
        "標楷體"
    }


def test_xlsx_keeps_a_user_formula_as_text() -> None:
    row = replace(ANSWERED_WITHOUT_SUBJECT, decision='=HYPERLINK("http://evil","點我")', origin="")
    cell = _book(make_report((row,)))["辦理情形"]["B4"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil","點我")'


def test_xlsx_reply_sheet_lists_every_reply_with_its_time_kind_author_and_state(with_history: ReportData) -> None:
    sheet = _book(with_history)["回覆紀錄"]
    assert _values(sheet, 1) == ["案號", "機關", "時間", "類別", "內容", "填寫人", "狀態"]
    assert [_values(sheet, n) for n in range(2, 7)] == [
        ["6", "教育部", "115/5/12 09:05", "辦理情形", "已召開研商會議。", "line:U1 王小明", ""],
        ["6", "教育部", "115/5/13 14:30", "更正", "更正：5/12召開。", "line:U1 王小明", ""],
        ["6", "教育部", "115/5/14 08:00", "辦理情形", "測試", "line:U1 王小明", "已撤回"],
        ["8", "教育部", "115/5/20 16:45", "建議解除列管", "轉介流程已函頒，建議解除。", "telegram:42 李專員", ""],
        ["12", "法務部", "115/5/21 10:00", "代為登錄", "=1+1 已完成規劃", "line:U9 秘書處", ""],
    ]
    assert sheet["E6"].data_type == "s"
    assert sheet.auto_filter.ref == "A1:G6"
    assert sheet.print_title_rows == "$1:$1" and sheet.freeze_panes == "A2"


def test_xlsx_shows_a_reply_stored_in_utc_at_taipei_time() -> None:
    stored = replace(HISTORY[0], at=datetime(2026, 5, 12, 1, 5, tzinfo=UTC))
    sheet = _book(replace(make_report(()), history=(stored,)))["回覆紀錄"]
    assert sheet["C2"].value == "115/5/12 09:05"


def test_xlsx_marks_a_corrected_reply() -> None:
    corrected = replace(HISTORY[0], superseded=True)
    sheet = _book(replace(make_report(()), history=(corrected,)))["回覆紀錄"]
    assert sheet["G2"].value == "已更正"


def test_xlsx_is_the_same_bytes_for_the_same_report(with_history: ReportData) -> None:
    assert render(with_history, "xlsx") == render(with_history, "xlsx")


def test_xlsx_of_an_empty_report_says_無列管事項(empty_report: ReportData) -> None:
    book = _book(empty_report)
    sheet = book["辦理情形"]
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == [
        "強化社會安全網中央跨部會平台第6次會議",
        subtitle(empty_report),
        "無列管事項。",
    ]
    assert sheet.max_row == 3
    assert _values(book["回覆紀錄"], 1) == ["案號", "機關", "時間", "類別", "內容", "填寫人", "狀態"]
