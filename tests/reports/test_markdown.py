"""Markdown: the layout of spec/report.md, for a quick look; user text cannot break the table."""

from __future__ import annotations

from bot.reports import render
from bot.reports.cells import HEADERS, line_text, row_cells, subtitle
from bot.reports.model import ReportData


def _text(report: ReportData) -> str:
    return render(report, "md").decode("utf-8")


def test_markdown_opens_with_title_and_cutoff_then_the_table(report: ReportData) -> None:
    lines = _text(report).splitlines()
    assert lines[0] == "強化社會安全網中央跨部會平台第6次會議"
    assert lines[1] == subtitle(report) and lines[1].endswith("資料截至 115年6月3日）")
    assert lines[3] == "| " + " | ".join(HEADERS) + " |"
    assert lines[4] == "|---" * len(HEADERS) + "|"


def test_markdown_rows_put_each_line_of_a_cell_after_a_br(report: ReportData) -> None:
    row = next(line for line in _text(report).splitlines() if line.startswith("| 6 |"))
    cells = ["<br>".join(line_text(line) for line in cell) for cell in row_cells(report.rows[1])]
    assert row == "| " + " | ".join(cells) + " |"
    assert (
        "| 連結未升學未就業青少年與就業服務體系（第4次會議）<br>"
        "請教育部於下次會議時就「未升學未就業青少年關懷扶助計畫」與各部會（體系）銜接方式，提出完整報告。 |"
    ) in row
    assert "衛生福利部（115/5/25，逾期回報）：配合教育部辦理。<br>另已函請各縣市提供名冊。" in row


def test_markdown_ends_with_the_summary(report: ReportData) -> None:
    assert (
        _text(report).rstrip().splitlines()[-1]
        == "共 5 案：擬解除列管 1 案、擬繼續列管 2 案、尚未決定 2 案；未回報 2 案。"
    )


def test_markdown_escapes_pipes_and_html_from_users(report: ReportData) -> None:
    row = next(line for line in _text(report).splitlines() if line.startswith("| 9 |"))
    assert "<script>" not in row and "<b>" not in row
    assert "&lt;script&gt;" in row
    assert row.count(" | ") == len(HEADERS) - 1, "a | typed by a user must not add a column"
    assert "\\*緊急\\*" in row


def test_markdown_of_an_empty_report_says_無列管事項(empty_report: ReportData) -> None:
    text = _text(empty_report)
    assert "無列管事項" in text
    assert "|" not in text
