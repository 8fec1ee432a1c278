"""CSV for Excel: a byte-order mark, the report's columns, one row per item, no formulas from users."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from bot.reports import render
from bot.reports.cells import HEADERS, plain, row_cells
from bot.reports.model import ReportData
from tests.reports.samples import ANSWERED_WITHOUT_SUBJECT, make_report


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_starts_with_a_utf8_byte_order_mark_so_excel_reads_chinese(report: ReportData) -> None:
    data = render(report, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert "案號".encode() in data


PROGRESS = HEADERS.index("辦理情形")


def test_csv_has_the_header_and_one_row_per_item_with_multiline_cells(report: ReportData) -> None:
    rows = _rows(render(report, "csv"))
    assert rows[0] == list(HEADERS)
    assert rows[1:] == [[plain(cell) for cell in row_cells(row)] for row in report.rows]
    assert [row[0] for row in rows[1:]] == ["1", "6", "8", "9", "12"]
    assert rows[1][PROGRESS] == "未回報"
    assert "衛生福利部（115/5/25，逾期回報）：配合教育部辦理。\n另已函請各縣市提供名冊。" in rows[2][PROGRESS]


def test_csv_uses_crlf_between_records_as_excel_does(report: ReportData) -> None:
    assert render(report, "csv").split(b"\r\n")[0].endswith("會議決定".encode())


def test_csv_keeps_a_user_formula_as_text() -> None:
    row = replace(ANSWERED_WITHOUT_SUBJECT, decision='=HYPERLINK("http://evil","點我")', origin="")
    rows = _rows(render(make_report((row,)), "csv"))
    assert rows[1][1] == '\'=HYPERLINK("http://evil","點我")'


def test_csv_of_an_empty_report_is_just_the_header(empty_report: ReportData) -> None:
    assert _rows(render(empty_report, "csv")) == [list(HEADERS)]
