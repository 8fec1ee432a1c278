"""CSV for Excel: a byte-order mark, the six columns, one row per item, no formulas from users."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from bot.reports import render
from bot.reports.model import ReportData
from tests.reports.samples import ANSWERED_WITHOUT_SUBJECT, make_report


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_starts_with_a_utf8_byte_order_mark_so_excel_reads_chinese(report: ReportData) -> None:
    data = render(report, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert "案號".encode() in data


def test_csv_has_the_header_and_one_row_per_item_with_multiline_cells(report: ReportData) -> None:
    rows = _rows(render(report, "csv"))
    assert rows[0] == ["案號", "案由及決議（定）事項", "主辦／協辦機關", "辦理情形", "列管建議", "會議決定"]
    assert [row[0] for row in rows[1:]] == ["1", "6", "8", "9", "12"]
    assert rows[1][3] == "未回報"
    assert rows[2] == [
        "6",
        "連結未升學未就業青少年與就業服務體系（第4次會議）\n"
        "請教育部於下次會議時就「未升學未就業青少年關懷扶助計畫」與各部會（體系）銜接方式，提出完整報告。",
        "主辦：教育部\n協辦：勞動部、衛生福利部\n期限：115/6/10",
        "教育部（115/5/18）：已於5/12召開跨部會研商會議，銜接流程草案如附，6月底前函頒。\n"
        "衛生福利部（115/5/25，逾期回報）：配合教育部辦理。\n另已函請各縣市提供名冊。\n勞動部：未回報",
        "擬繼續列管",
        "",
    ]


def test_csv_uses_crlf_between_records_as_excel_does(report: ReportData) -> None:
    assert render(report, "csv").split(b"\r\n")[0].endswith("會議決定".encode())


def test_csv_keeps_a_user_formula_as_text() -> None:
    row = replace(ANSWERED_WITHOUT_SUBJECT, decision='=HYPERLINK("http://evil","點我")', origin="")
    rows = _rows(render(make_report((row,)), "csv"))
    assert rows[1][1] == '\'=HYPERLINK("http://evil","點我")'


def test_csv_of_an_empty_report_is_just_the_header(empty_report: ReportData) -> None:
    assert _rows(render(empty_report, "csv")) == [
        ["案號", "案由及決議（定）事項", "主辦／協辦機關", "辦理情形", "列管建議", "會議決定"]
    ]
