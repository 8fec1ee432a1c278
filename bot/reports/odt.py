"""OpenDocument text (.odt) as the government writes it: A4 landscape, 標楷體, header row on every page.

Fonts: one face throughout, 標楷體, for Chinese, Latin letters and digits alike: every text style
names it as its Western, Asian and complex font (otherwise LibreOffice sets the 案號 and dates in its
own Western default, DejaVu Serif on Linux). The font face lists fallbacks the CSS way, which
LibreOffice reads as its own 「A;B」 list: DFKai-SB (the Windows name of 標楷體), then AR PL UKai TW
(the free Kai font, Debian package fonts-arphic-ukai). The text is never lost, only the look.

Rows never split across pages (fo:keep-together on the row style): a chair reading 辦理情形 should
not turn the page mid-item.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time
from xml.sax.saxutils import escape

from odfdo import Document, Paragraph

from bot.reports.cells import (
    END_MARGIN_MM,
    HEADERS,
    NOTHING,
    PAGE_MM,
    SIDE_MARGIN_MM,
    WIDTHS_MM,
    Cell,
    Line,
    row_cells,
    subtitle,
)
from bot.reports.cells import Span as TextSpan
from bot.reports.model import ReportData
from bot.reports.zipped import steady

FONT = "標楷體"
FONT_FAMILIES = "標楷體, DFKai-SB, &apos;AR PL UKai TW&apos;"

_FONT_FACE = (
    f'<style:font-face style:name="{FONT}" svg:font-family="{FONT_FAMILIES}" '
    'style:font-family-generic="script" style:font-pitch="fixed"/>'
)

_TEXT_DEFAULTS = {
    "fo:font-size": "12pt",
    "fo:language": "zh",
    "fo:country": "TW",
    "style:font-size-asian": "12pt",
    "style:language-asian": "zh",
    "style:country-asian": "TW",
}

# The same face for each script, by name; direct family attributes would win over the name.
_FONT_NAMES = ("style:font-name", "style:font-name-asian", "style:font-name-complex")
_FONT_OVERRIDES = tuple(
    f"{prefix}{suffix}"
    for prefix in ("fo:font-family", "style:font-family", "style:font-family-generic", "style:font-pitch",
                   "style:font-charset", "style:font-style-name")
    for suffix in ("", "-asian", "-complex")
    if not (prefix == "fo:font-family" and suffix)
)

# Named like the template's own layout, so that it replaces it.
_PAGE = f"""<style:page-layout style:name="Mpm1">
<style:page-layout-properties fo:page-width="{PAGE_MM[0] / 10}cm" fo:page-height="{PAGE_MM[1] / 10}cm"
 style:print-orientation="landscape" style:num-format="1" style:writing-mode="lr-tb"
 fo:margin-left="{SIDE_MARGIN_MM / 10}cm" fo:margin-right="{SIDE_MARGIN_MM / 10}cm"
 fo:margin-top="{END_MARGIN_MM / 10}cm" fo:margin-bottom="{END_MARGIN_MM / 20}cm"/>
<style:header-style/>
<style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.25cm"/>
</style:footer-style></style:page-layout>"""

_MASTER = """<style:master-page style:name="Standard" style:page-layout-name="Mpm1">
<style:footer><text:p text:style-name="ReportFooter">第 <text:page-number text:select-page="current">1\
</text:page-number> 頁，共 <text:page-count>1</text:page-count> 頁</text:p></style:footer>
</style:master-page>"""

_COMMON_STYLES = (
    '<style:style style:name="ReportTitle" style:family="paragraph"><style:paragraph-properties '
    'fo:text-align="center"/><style:text-properties fo:font-size="16pt" style:font-size-asian="16pt" '
    'fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>',
    '<style:style style:name="ReportSubtitle" style:family="paragraph"><style:paragraph-properties '
    'fo:text-align="center" fo:margin-bottom="0.2cm"/></style:style>',
    '<style:style style:name="ReportSummary" style:family="paragraph"><style:paragraph-properties '
    'fo:margin-top="0.2cm"/></style:style>',
    '<style:style style:name="ReportFooter" style:family="paragraph"><style:paragraph-properties '
    'fo:text-align="center"/><style:text-properties fo:font-size="10pt" style:font-size-asian="10pt"/>'
    "</style:style>",
    '<style:style style:name="TableContents" style:family="paragraph"/>',
    '<style:style style:name="TableHeading" style:family="paragraph"><style:paragraph-properties '
    'fo:text-align="center"/><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/>'
    "</style:style>",
    '<style:style style:name="Missing" style:family="text"><style:text-properties fo:color="#ff0000" '
    'fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>',
    '<style:style style:name="Late" style:family="text"><style:text-properties fo:color="#a06000" '
    'fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>',
)

_TABLE_STYLES = (
    f'<style:style style:name="Report" style:family="table"><style:table-properties '
    f'style:width="{sum(WIDTHS_MM) / 10}cm" table:align="center"/></style:style>',
    '<style:style style:name="Report.Cell" style:family="table-cell"><style:table-cell-properties '
    'fo:border="0.5pt solid #000000" fo:padding="0.1cm"/></style:style>',
    '<style:style style:name="Report.Head" style:family="table-cell"><style:table-cell-properties '
    'fo:border="0.5pt solid #000000" fo:padding="0.1cm" fo:background-color="#eeeeee"/></style:style>',
    # A row is kept on one page; the table itself may break between rows.
    '<style:style style:name="Report.Row" style:family="table-row"><style:table-row-properties '
    'fo:keep-together="always"/></style:style>',
    *(
        f'<style:style style:name="Report.C{i}" style:family="table-column"><style:table-column-properties '
        f'style:column-width="{width / 10}cm"/></style:style>'
        for i, width in enumerate(WIDTHS_MM)
    ),
)

_SPAN_STYLES = {"missing": "Missing", "late": "Late"}
_SPACE_RUN = re.compile(r" {2,}")
# Private-use characters: no report text contains them (cells.clean keeps them, but the mark is
# replaced before anyone reads the file).
_TABLE_MARK = "\ue000列管事項表格\ue000"
_PLACEHOLDER = re.compile(rb"<text:p [^>]*>" + re.escape(_TABLE_MARK.encode()) + rb"</text:p>")


def _one_font(doc: Document) -> None:
    """Every text style, the template's and ours, in 標楷體 for every script."""
    for part in (doc.styles, doc.content):
        for props in part.get_elements("//style:text-properties"):
            for name in _FONT_OVERRIDES:
                if props.get_attribute(name) is not None:
                    props.del_attribute(name)
            for name in _FONT_NAMES:
                props.set_attribute(name, FONT)


def _styles(doc: Document) -> None:
    doc.insert_style(_FONT_FACE, default=True)  # styles.xml
    doc.insert_style(_FONT_FACE)  # content.xml
    for props in doc.styles.get_elements("//style:default-style/style:text-properties"):
        for name, value in _TEXT_DEFAULTS.items():
            props.set_attribute(name, value)
    doc.insert_style(_PAGE)
    doc.insert_style(_MASTER)
    for style in _COMMON_STYLES:
        doc.insert_style(style)
    for style in _TABLE_STYLES:
        doc.insert_style(style, automatic=True)
    _one_font(doc)


def _text(text: str) -> str:
    """Text as ODF keeps it: escaped, a tab as <text:tab/>, spaces beyond the first as <text:s/>
    (a paragraph collapses runs of spaces and drops leading ones)."""
    escaped = escape(text).replace("\t", "<text:tab/>")
    escaped = _SPACE_RUN.sub(lambda m: " " + _spaces(len(m.group()) - 1), escaped)
    return _spaces(1) + escaped[1:] if escaped.startswith(" ") else escaped


def _spaces(count: int) -> str:
    return "<text:s/>" if count == 1 else f'<text:s text:c="{count}"/>'


def _paragraph(line: Line, style: str) -> str:
    spans = "".join(
        f'<text:span text:style-name="{_SPAN_STYLES[span.mark]}">{_text(span.text)}</text:span>'
        if span.mark
        else _text(span.text)
        for span in line
    )
    return f'<text:p text:style-name="{style}">{spans}</text:p>'


def _cell(content: Cell, *, style: str = "Report.Cell", paragraph_style: str = "TableContents") -> str:
    paragraphs = "".join(_paragraph(line, paragraph_style) for line in content or ((),))
    return f'<table:table-cell table:style-name="{style}" office:value-type="string">{paragraphs}</table:table-cell>'


def _row(cells: list[str]) -> str:
    return f'<table:table-row table:style-name="Report.Row">{"".join(cells)}</table:table-row>'


def _table(data: ReportData) -> bytes:
    """The table as XML text: odfdo builds each element by parsing a fragment and moves it between
    documents, which for 2,000 rows took most of the rendering time; this text goes into content.xml
    as it is written (see _with_table)."""
    columns = "".join(f'<table:table-column table:style-name="Report.C{i}"/>' for i in range(len(HEADERS)))
    header = _row([_cell(((TextSpan(text),),), style="Report.Head", paragraph_style="TableHeading")
                   for text in HEADERS])
    # Each row encoded as it is made: the whole table as one str took twice the memory of its bytes.
    rows = (_row([_cell(content) for content in row_cells(row)]).encode() for row in data.rows)
    # table:table-header-rows: LibreOffice and Word repeat these rows at the top of every page.
    return b"".join((
        f'<table:table table:name="列管事項" table:style-name="Report">{columns}'
        f"<table:table-header-rows>{header}</table:table-header-rows>".encode(),
        *rows,
        b"</table:table>",
    ))


def _with_table(name: str, part: bytes, table: bytes) -> bytes:
    """content.xml with the table in place of its placeholder paragraph; other parts as they are."""
    if name != "content.xml" or not table:
        return part
    part, found = _PLACEHOLDER.subn(lambda _: table, part, count=1)
    if found != 1:
        raise RuntimeError("the table's placeholder is missing from content.xml")
    return part


def _meta(doc: Document, data: ReportData) -> None:
    meta = doc.meta
    meta.title = data.title()
    meta.subject = subtitle(data)
    meta.language = "zh-TW"
    meta.creation_date = meta.date = datetime.combine(data.cutoff, time())
    meta.generator = "lieguan"
    # the template's statistics and thumbnail describe an empty page, not this report
    for stale in meta.get_elements("//meta:document-statistic"):
        if stale.parent is not None:
            stale.parent.delete(stale)
    doc.del_part("Thumbnails/thumbnail.png")
    doc.manifest.del_full_path("Thumbnails/thumbnail.png")


def render(data: ReportData) -> bytes:
    doc = Document("text")
    _styles(doc)
    _meta(doc, data)
    body = doc.body
    body.clear()
    body.append(Paragraph(data.title(), style="ReportTitle"))
    body.append(Paragraph(subtitle(data), style="ReportSubtitle"))
    if data.rows:
        body.append(Paragraph(_TABLE_MARK, style="TableContents"))
        body.append(Paragraph(data.summary_line(), style="ReportSummary"))
    else:
        body.append(Paragraph(NOTHING, style="TableContents"))
    buffer = io.BytesIO()
    doc.save(buffer)
    table = _table(data) if data.rows else b""
    return steady(buffer.getvalue(), data.cutoff, lambda name, part: _with_table(name, part, table))
