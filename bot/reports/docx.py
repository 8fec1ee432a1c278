"""Word (.docx) as the government writes it: A4 landscape, 標楷體, header row on every page, page numbers.

Fonts: one face throughout, 標楷體, for Chinese, Latin letters and digits alike (w:ascii, w:hAnsi,
w:eastAsia and w:cs): a second Western font makes the 案號 and dates look pasted in. python-docx only
sets w:ascii/w:hAnsi, so the fonts are written by hand into the document defaults and every style
that names a font, replacing the template's theme fonts (a theme font would win over a named one).
Windows knows 標楷體 also as DFKai-SB; elsewhere (LibreOffice on Linux, Word for Mac) the viewer
substitutes its own Kai font (AR PL UKai on Debian), which changes the look but never the text.

Rows never split across pages (w:cantSplit): a chair reading 辦理情形 should not turn the page mid-item.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import datetime, time
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph

from bot.reports.cells import (
    END_MARGIN_MM,
    HEADERS,
    NOTHING,
    PAGE_MM,
    SIDE_MARGIN_MM,
    WIDTHS_MM,
    Cell,
    Line,
    Span,
    row_cells,
    subtitle,
)
from bot.reports.model import ReportData
from bot.reports.zipped import steady

FONT = "標楷體"
RED = RGBColor(0xFF, 0x00, 0x00)
LATE_COLOR = RGBColor(0xA0, 0x60, 0x00)
HEADER_FILL = "EEEEEE"


def _name_fonts(fonts: BaseOxmlElement) -> None:
    """標楷體 for every script, and no theme fonts (a theme font would win over a named one)."""
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)


def _set_fonts(rpr: BaseOxmlElement) -> None:
    """w:rFonts naming 標楷體, plus zh-TW as the language."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    _name_fonts(fonts)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-TW")
    lang.set(qn("w:eastAsia"), "zh-TW")


def _styles(doc: WordDocument) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    _set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    normal = styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr())
    for fonts in styles.element.iter(qn("w:rFonts")):  # table styles' conditional parts too
        _name_fonts(fonts)
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _page(section: Section) -> None:
    """A4 landscape; the footer says 第 N 頁，共 M 頁."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.left_margin = section.right_margin = Mm(SIDE_MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(END_MARGIN_MM)
    section.header_distance = section.footer_distance = Mm(END_MARGIN_MM / 2)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 頁，共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 頁")


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _line(paragraph: Paragraph, line: Line, *, bold: bool = False) -> None:
    for span in line:
        run = paragraph.add_run(span.text)
        if bold or span.mark:
            run.bold = True
        if span.mark == "missing":
            run.font.color.rgb = RED
        elif span.mark == "late":
            run.font.color.rgb = LATE_COLOR


def _fill(cell: _Cell, content: Cell, *, bold: bool = False) -> None:
    for i, line in enumerate(content):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        _line(paragraph, line, bold=bold)


def _keep_whole(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _table(doc: WordDocument, data: ReportData) -> None:
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS_MM, strict=True):
        column.width = Mm(width)
    header = table.rows[0]
    _keep_whole(header)
    # w:tblHeader: Word and LibreOffice repeat this row at the top of every page.
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text, width in zip(header.cells, HEADERS, WIDTHS_MM, strict=True):
        cell.width = Mm(width)
        _fill(cell, ((Span(text),),), bold=True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        shading = OxmlElement("w:shd")
        for attr, value in (("val", "clear"), ("color", "auto"), ("fill", HEADER_FILL)):
            shading.set(qn(f"w:{attr}"), value)
        cell._tc.get_or_add_tcPr().append(shading)


_MARK_PROPERTIES = {
    "": "",
    "missing": f'<w:rPr><w:b/><w:color w:val="{RED}"/></w:rPr>',
    "late": f'<w:rPr><w:b/><w:color w:val="{LATE_COLOR}"/></w:rPr>',
}


def _escape(text: str) -> str:
    # A carriage return reads as a line end in XML, and lxml (python-docx) keeps it as one.
    return escape(text.replace("\r", "\n"))


def _text(part: str) -> str:
    """<w:t> as lxml writes it: an empty one closes itself."""
    return f'<w:t xml:space="preserve">{_escape(part)}</w:t>' if part else '<w:t xml:space="preserve"/>'


def _run(span: Span) -> str:
    """<w:r> as python-docx's add_run writes it: a tab is <w:tab/>, spaces are kept."""
    parts = "<w:tab/>".join(_text(part) for part in span.text.split("\t"))
    return f"<w:r>{_MARK_PROPERTIES[span.mark]}{parts}</w:r>"


def _paragraph(line: Line) -> str:
    return f"<w:p>{''.join(_run(span) for span in line)}</w:p>" if line else "<w:p/>"


def _rows(data: ReportData) -> Iterator[str]:
    """The body rows as the XML python-docx would write for them, a row at a time."""
    widths = [Mm(width).twips for width in WIDTHS_MM]
    for row in data.rows:
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f"{''.join(_paragraph(line) for line in content) or '<w:p/>'}</w:tc>"
            for content, width in zip(row_cells(row), widths, strict=True)
        )
        yield f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>"


def _with_rows(data: ReportData) -> Callable[[str, bytes], bytes]:
    """The body rows go into word/document.xml as text after python-docx has written the rest: held
    as an lxml tree, 2,000 rows of cells took most of the time and over 100 MB."""

    def change(name: str, part: bytes) -> bytes:
        if name != "word/document.xml" or not data.rows:
            return part
        end = part.index(b"</w:tbl>")  # the report's only table, its header row written by python-docx
        return b"".join((part[:end], *(row.encode() for row in _rows(data)), part[end:]))

    return change


def _properties(doc: WordDocument, data: ReportData) -> None:
    props = doc.core_properties
    props.title = data.title()
    props.subject = subtitle(data)
    props.author = props.last_modified_by = data.body
    props.language = "zh-TW"
    props.created = props.modified = datetime.combine(data.cutoff, time())
    props.revision = 1


def render(data: ReportData) -> bytes:
    doc = Document()
    _styles(doc)
    _page(doc.sections[0])
    _properties(doc, data)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(data.title())
    run.bold = True
    run.font.size = Pt(16)
    sub = doc.add_paragraph(subtitle(data))
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.paragraph_format.space_after = Pt(6)
    if data.rows:
        _table(doc, data)
        doc.add_paragraph(data.summary_line()).paragraph_format.space_before = Pt(6)
    else:
        doc.add_paragraph(NOTHING)
    buffer = io.BytesIO()
    doc.save(buffer)
    return steady(buffer.getvalue(), data.cutoff, _with_rows(data))
