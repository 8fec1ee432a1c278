"""The body rows written as text are the very XML the libraries would have written for the same cells.

Text that needs care: leading and trailing spaces, a run of spaces only, markup characters, a carriage
return, a tab, characters beyond the Basic Multilingual Plane, and a formula-looking 「=」.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Border, Font, NamedStyle, Side
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.functions import tostring

from bot.reports import render
from bot.reports.docx import _rows
from bot.reports.xlsx_rows import Run, Value, row_xml
from tests.reports.samples import HOSTILE, make_report

TEXTS = (
    "已召開會議。",
    "  前後空白  ",
    "   ",
    "a & b < c > d \"e\" 'f'",
    "第一行\n第二行",
    "回車\r換行\r\n",
    "定位\t字元",
    "\t開頭定位",
    "😀 𠮷野家",
    "=HYPERLINK(\"http://evil\",\"點我\")",
    "",
)
FONTS = (InlineFont(rFont="標楷體", sz=12), InlineFont(rFont="標楷體", sz=12, b=True, color="FF0000"))


def _font(font: InlineFont) -> str:
    return tostring(font.to_tree(tagname="rPr"), encoding="unicode")


def _openpyxl_row(values: list[str | CellRichText]) -> tuple[bytes, int]:
    """What openpyxl itself writes for these cells in row 4, styled as the report's body, and the style."""
    book = Workbook()
    thin = Side(style="thin")
    book.add_named_style(NamedStyle("內文", font=Font(name="標楷體", size=12), border=Border(left=thin, right=thin)))
    sheet = book.active
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=4, column=column)
        cell.value = value
        cell.data_type = "s"
        cell.style = "內文"
    writer = WorksheetWriter(sheet, out=io.BytesIO())
    writer.write()
    found = re.search(rb'<row r="4">.*?</row>', writer.read(), re.S)
    assert found is not None
    return found.group(), sheet["A4"].style_id


@pytest.mark.parametrize("text", TEXTS)
def test_a_plain_cell_is_the_inline_string_openpyxl_writes(text: str) -> None:
    expected, style = _openpyxl_row([text, "案號"])
    assert row_xml(4, style, [text, "案號"]) == expected


def test_rich_text_runs_are_the_ones_openpyxl_writes() -> None:
    blocks = [(FONTS[i % 2], text) for i, text in enumerate(TEXTS)]
    runs: tuple[Run, ...] = tuple((_font(font), text) for font, text in blocks)
    rich = CellRichText([TextBlock(font, text) for font, text in blocks])
    values: list[Value] = [runs, "勞動部：", (runs[1],)]
    expected, style = _openpyxl_row([rich, "勞動部：", CellRichText([TextBlock(*blocks[1])])])
    assert row_xml(4, style, values) == expected


def test_word_rows_are_already_in_the_form_python_docx_would_write() -> None:
    """Parsed and written again by lxml (as python-docx saves a document), each row comes out unchanged."""
    items = [replace(HOSTILE, subject=text, decision=f"決議：{text}", proposal=text) for text in TEXTS]
    for row in _rows(make_report(tuple(items))):
        table = f"<w:tbl {nsdecls('w')}>{row}</w:tbl>"
        assert etree.tostring(parse_xml(table), encoding="unicode") == table


@pytest.mark.parametrize("fmt", ["docx", "odt", "xlsx", "md", "csv", "html"])
def test_half_a_character_pasted_into_a_reply_is_left_out_and_the_report_still_renders(fmt: str) -> None:
    item = replace(HOSTILE, decision="請內政部\ud800研議 😀 安置流程。")
    assert "請內政部研議 😀 安置流程。" in _text(render(make_report((item,)), fmt), fmt)


def _text(content: bytes, fmt: str) -> str:
    if fmt == "docx":
        return "\n".join(cell.text for cell in docx.Document(io.BytesIO(content)).tables[0].rows[1].cells)
    if fmt == "xlsx":
        return str(load_workbook(io.BytesIO(content))["辦理情形"]["B4"].value)
    if fmt == "odt":
        return zipfile.ZipFile(io.BytesIO(content)).read("content.xml").decode("utf-8")
    return content.decode("utf-8")
