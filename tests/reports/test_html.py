"""HTML: a complete page anyone can open, with every piece of user text escaped."""

from __future__ import annotations

from html.parser import HTMLParser

from bot.reports import render
from bot.reports.cells import HEADERS, plain, row_cells, subtitle
from bot.reports.model import ReportData


class _Table(HTMLParser):
    """Collects the text of each cell, and the classes of spans, from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.marked: list[tuple[str, str]] = []
        self._in_cell = False
        self._span: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._in_cell = True
        elif tag == "br" and self._in_cell:
            self.rows[-1][-1] += "\n"
        elif tag == "span":
            self._span = dict(attrs).get("class")

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._span = None
        elif tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data
        if self._span:
            self.marked.append((self._span, data))


def _page(report: ReportData) -> str:
    return render(report, "html").decode("utf-8")


def test_html_is_a_standalone_traditional_chinese_page(report: ReportData) -> None:
    page = _page(report)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-Hant-TW">' in page
    assert '<meta charset="utf-8">' in page
    assert "<h1>強化社會安全網中央跨部會平台第6次會議</h1>" in page
    assert subtitle(report) in page and "資料截至 115年6月3日" in page
    assert page.rstrip().endswith("</html>")


def test_html_table_has_the_header_and_one_row_per_item(report: ReportData) -> None:
    parser = _Table()
    parser.feed(_page(report))
    assert parser.rows[0] == list(HEADERS)
    assert [row[0] for row in parser.rows[1:]] == ["1", "6", "8", "9", "12"]
    assert parser.rows[1:] == [[plain(cell) for cell in row_cells(row)] for row in report.rows]
    assert "勞動部：未回報" in parser.rows[2][HEADERS.index("辦理情形")]


def test_html_marks_未回報_and_逾期回報_for_the_stylesheet(report: ReportData) -> None:
    parser = _Table()
    parser.feed(_page(report))
    assert ("missing", "未回報") in parser.marked
    assert ("late", "逾期回報") in parser.marked
    assert ".missing { color: #c00;" in _page(report)


def test_html_escapes_script_and_markup_typed_by_users(report: ReportData) -> None:
    page = _page(report)
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 家暴" in page
    assert "&lt;b&gt;已完成&lt;/b&gt;" in page


def test_html_summary_follows_the_table(report: ReportData) -> None:
    page = _page(report)
    assert page.index("</table>") < page.index(
        "共 5 案：擬解除列管 1 案、擬繼續列管 2 案、尚未決定 2 案；未回報 2 案。"
    )


def test_html_of_an_empty_report_says_無列管事項(empty_report: ReportData) -> None:
    page = _page(empty_report)
    assert "無列管事項" in page
    assert "<table" not in page
