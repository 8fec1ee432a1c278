"""OpenDocument: read back with odfpy, a library other than the one that wrote it."""

from __future__ import annotations

import io

import pytest
from odf import style, table, teletype, text
from odf.element import Element
from odf.opendocument import OpenDocument, load

from bot.reports import render
from bot.reports.cells import HEADERS, line_text, row_cells, subtitle
from bot.reports.model import ReportData

PROGRESS = HEADERS.index("辦理情形")


@pytest.fixture
def odt(report: ReportData) -> OpenDocument:
    return load(io.BytesIO(render(report, "odt")))


def _lines(cell: Element) -> list[str]:
    return [teletype.extractText(p) for p in cell.getElementsByType(text.P)]


def _rows(doc: OpenDocument) -> list[list[list[str]]]:
    """Each row of the report table, each cell as its list of paragraphs."""
    (report_table,) = doc.getElementsByType(table.Table)
    return [
        [_lines(c) for c in r.getElementsByType(table.TableCell)]
        for r in report_table.getElementsByType(table.TableRow)
    ]


def _body_paragraphs(doc: OpenDocument) -> list[str]:
    return [teletype.extractText(p) for p in doc.text.childNodes if p.tagName == "text:p"]


def test_odt_title_cutoff_and_summary_surround_the_table(odt: OpenDocument, report: ReportData) -> None:
    assert _body_paragraphs(odt) == [
        "強化社會安全網中央跨部會平台第6次會議",
        subtitle(report),
        "共 5 案：擬解除列管 1 案、擬繼續列管 2 案、尚未決定 2 案；未回報 2 案。",
    ]


def test_odt_header_row_is_a_table_header_rows_element(odt: OpenDocument) -> None:
    (head,) = odt.getElementsByType(table.TableHeaderRows)
    (row,) = head.getElementsByType(table.TableRow)
    cells = [teletype.extractText(c) for c in row.getElementsByType(table.TableCell)]
    assert cells == list(HEADERS)


def test_odt_cells_hold_the_same_words_as_every_format(odt: OpenDocument, report: ReportData) -> None:
    rows = _rows(odt)
    assert [row[0] for row in rows[1:]] == [["1"], ["6"], ["8"], ["9"], ["12"]]
    for table_row, row in zip(rows[1:], report.rows, strict=True):
        assert table_row == [[line_text(line) for line in cell] or [""] for cell in row_cells(row)]
    assert rows[1][PROGRESS] == ["未回報"]
    assert rows[2][1] == [
        "連結未升學未就業青少年與就業服務體系（第4次會議）",
        "請教育部於下次會議時就「未升學未就業青少年關懷扶助計畫」與各部會（體系）銜接方式，提出完整報告。",
    ]
    assert rows[2][2] == ["主辦：教育部", "協辦：勞動部、衛生福利部"]
    assert "衛生福利部（115/5/25，逾期回報）：配合教育部辦理。" in rows[2][PROGRESS]
    assert rows[4][PROGRESS] == ["內政部（115/5/29）：<b>已完成</b> 修法草案預告。"]


def _text_style_color(doc: OpenDocument, name: str) -> str:
    (found,) = [s for s in doc.styles.getElementsByType(style.Style) if s.getAttribute("name") == name]
    return str(found.getElementsByType(style.TextProperties)[0].getAttribute("color"))


def test_odt_未回報_is_a_red_span(odt: OpenDocument) -> None:
    spans = [(s.getAttribute("stylename"), teletype.extractText(s)) for s in odt.getElementsByType(text.Span)]
    assert spans.count(("Missing", "未回報")) == 3
    assert ("Late", "逾期回報") in spans
    assert _text_style_color(odt, "Missing") == "#ff0000"


def test_odt_page_is_a4_landscape(odt: OpenDocument) -> None:
    (master,) = odt.getElementsByType(style.MasterPage)
    (layout,) = [
        p
        for p in odt.getElementsByType(style.PageLayout)
        if p.getAttribute("name") == master.getAttribute("pagelayoutname")
    ]
    props = layout.getElementsByType(style.PageLayoutProperties)[0]
    assert props.getAttribute("printorientation") == "landscape"
    size = [float(props.getAttribute(side).removesuffix("cm")) for side in ("pagewidth", "pageheight")]
    assert size == [29.7, 21.0]


def test_odt_footer_numbers_the_pages(odt: OpenDocument) -> None:
    (footer,) = odt.getElementsByType(style.Footer)
    assert footer.getElementsByType(text.PageNumber) and footer.getElementsByType(text.PageCount)
    assert teletype.extractText(footer) == "第 1 頁，共 1 頁"


def test_odt_chinese_font_is_標楷體_with_a_free_kai_fallback(odt: OpenDocument) -> None:
    faces = {
        f.getAttribute("name"): f.getAttribute("fontfamily") for f in odt.getElementsByType(style.FontFace)
    }
    assert faces["標楷體"].startswith("標楷體,")
    assert "'AR PL UKai TW'" in faces["標楷體"]
    defaults = [
        d.getElementsByType(style.TextProperties)[0]
        for d in odt.styles.getElementsByType(style.DefaultStyle)
        if d.getAttribute("family") == "paragraph"
    ]
    assert defaults[0].getAttribute("fontnameasian") == "標楷體"
    assert (defaults[0].getAttribute("languageasian"), defaults[0].getAttribute("countryasian")) == (
        "zh",
        "TW",
    )


def test_odt_of_an_empty_report_says_無列管事項(empty_report: ReportData) -> None:
    doc = load(io.BytesIO(render(empty_report, "odt")))
    assert _body_paragraphs(doc) == [
        "強化社會安全網中央跨部會平台第6次會議",
        subtitle(empty_report),
        "無列管事項。",
    ]
    assert doc.getElementsByType(table.Table) == []


def _style(doc: OpenDocument, name: str) -> Element:
    styles = [*doc.styles.getElementsByType(style.Style), *doc.automaticstyles.getElementsByType(style.Style)]
    (found,) = [s for s in styles if s.getAttribute("name") == name]
    return found


def test_odt_digits_and_latin_letters_are_標楷體_too(odt: OpenDocument) -> None:
    """LibreOffice printed the 案號 and dates in DejaVu Serif while the Chinese was Kai."""
    everything = [*odt.styles.getElementsByType(style.TextProperties)]
    everything += odt.automaticstyles.getElementsByType(style.TextProperties)
    assert everything
    for props in everything:
        names = (props.getAttribute("fontname"), props.getAttribute("fontnameasian"),
                 props.getAttribute("fontnamecomplex"))
        assert names == ("標楷體", "標楷體", "標楷體")
        assert props.getAttribute("fontfamily") is None, "a direct family would win over the name"


def test_odt_rows_never_split_across_pages(odt: OpenDocument) -> None:
    (report_table,) = odt.getElementsByType(table.Table)
    rows = report_table.getElementsByType(table.TableRow)
    assert {row.getAttribute("stylename") for row in rows} == {"Report.Row"}
    props = _style(odt, "Report.Row").getElementsByType(style.TableRowProperties)[0]
    assert props.getAttribute("keeptogether") == "always"
