"""Word: what python-docx reads back is the report a secretariat would have typed itself."""

from __future__ import annotations

import io

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.table import _Row

from bot.reports import render
from bot.reports.cells import HEADERS, WIDTHS_MM, line_text, row_cells, subtitle
from bot.reports.model import ReportData

PROGRESS = HEADERS.index("辦理情形")
PROPOSAL = HEADERS.index("列管建議")
DECIDED = HEADERS.index("會議決定")


@pytest.fixture
def word(report: ReportData) -> WordDocument:
    return docx.Document(io.BytesIO(render(report, "docx")))


def _texts(doc: WordDocument) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_docx_title_cutoff_and_summary_surround_the_table(word: WordDocument, report: ReportData) -> None:
    assert _texts(word) == [
        "強化社會安全網中央跨部會平台第6次會議",
        subtitle(report),
        "共 5 案：擬解除列管 1 案、擬繼續列管 2 案、尚未決定 2 案；未回報 2 案。",
    ]
    assert len(word.tables) == 1


def test_docx_header_cells_are_the_report_columns(word: WordDocument) -> None:
    header = [cell.text for cell in word.tables[0].rows[0].cells]
    assert header == list(HEADERS)
    assert [round(column.width.mm) for column in word.tables[0].columns] == [
        round(width) for width in WIDTHS_MM
    ]


def test_docx_rows_show_roc_dates_late_replies_and_silent_agencies(
    word: WordDocument, report: ReportData
) -> None:
    rows = word.tables[0].rows
    assert [row.cells[0].text for row in rows[1:]] == ["1", "6", "8", "9", "12"]
    for table_row, row in zip(rows[1:], report.rows, strict=True):
        expected = [[line_text(line) for line in cell] or [""] for cell in row_cells(row)]
        assert [[p.text for p in cell.paragraphs] for cell in table_row.cells] == expected
    assert rows[1].cells[PROGRESS].text == "未回報"
    lines = [p.text for p in rows[2].cells[PROGRESS].paragraphs]
    assert "衛生福利部（115/5/25，逾期回報）：配合教育部辦理。" in lines and "另已函請各縣市提供名冊。" in lines
    assert rows[2].cells[PROPOSAL].text.startswith("擬繼續列管")
    assert rows[2].cells[DECIDED].text == ""


def test_docx_未回報_is_red(word: WordDocument) -> None:
    table = word.tables[0]
    runs = [run for row in table.rows[1:] for p in row.cells[PROGRESS].paragraphs for run in p.runs]
    missing = [run for run in runs if run.text == "未回報"]
    assert len(missing) == 3  # 案 1, 案 12, and 勞動部 in 案 6
    assert all(run.font.color.rgb == RGBColor(0xFF, 0x00, 0x00) for run in missing)
    assert all(run.font.color.rgb is None for run in runs if run.text != "未回報" and "逾期" not in run.text)


def test_docx_page_is_a4_landscape(word: WordDocument) -> None:
    section = word.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)


def test_docx_header_row_repeats_on_every_page(word: WordDocument) -> None:
    def repeated(row: _Row) -> bool:
        props = row._tr.trPr
        return props is not None and props.find(qn("w:tblHeader")) is not None

    rows = word.tables[0].rows
    assert repeated(rows[0])
    assert not any(repeated(row) for row in rows[1:])


SCRIPTS = ("ascii", "hAnsi", "eastAsia", "cs")


def test_docx_chinese_text_is_標楷體_through_w_eastAsia(word: WordDocument) -> None:
    normal = word.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "標楷體"
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "標楷體"
    assert fonts.get(qn("w:eastAsiaTheme")) is None, "a theme font would win over 標楷體"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-TW"


def test_docx_digits_and_latin_letters_are_標楷體_too(word: WordDocument) -> None:
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    every_font_list = [defaults.find(qn("w:rFonts")), *word.styles.element.iter(qn("w:rFonts"))]
    for fonts in every_font_list:
        assert {fonts.get(qn(f"w:{script}")) for script in SCRIPTS} == {"標楷體"}
        assert not [name for name in fonts.attrib if name.lower().endswith("theme")]
    runs = [run for p in word.paragraphs for run in p.runs]
    runs += [run for row in word.tables[0].rows for cell in row.cells for p in cell.paragraphs for run in p.runs]
    assert all(run.font.name is None for run in runs), "no run names a font of its own"


def test_docx_rows_never_split_across_pages(word: WordDocument) -> None:
    rows = word.tables[0].rows
    assert all(row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)


def test_docx_footer_numbers_the_pages(word: WordDocument) -> None:
    footer = word.sections[0].footer.paragraphs[0]
    instructions = [f.get(qn("w:instr")).strip() for f in footer._p.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("第 ") and "頁，共" in footer.text


def test_docx_keeps_user_markup_as_plain_text(word: WordDocument) -> None:
    row = word.tables[0].rows[4]
    assert row.cells[1].paragraphs[0].text == '<script>alert("x")</script> & 家暴｜性侵 | 防治（第5次會議）'
    assert row.cells[PROGRESS].text == "內政部（115/5/29）：<b>已完成</b> 修法草案預告。"


def test_docx_properties_name_the_report(word: WordDocument) -> None:
    assert word.core_properties.title == "強化社會安全網中央跨部會平台第6次會議"
    assert word.core_properties.language == "zh-TW"


def test_docx_of_an_empty_report_says_無列管事項(empty_report: ReportData) -> None:
    doc = docx.Document(io.BytesIO(render(empty_report, "docx")))
    assert _texts(doc) == [
        "強化社會安全網中央跨部會平台第6次會議",
        subtitle(empty_report),
        "無列管事項。",
    ]
    assert doc.tables == []
