"""The body rows of the .xlsx sheets, written as text the way openpyxl's own cell writer writes them.

openpyxl spends tens of microseconds on each cell it styles and writes; a report of 2,000 items and its
replies has some 40,000 cells, which took over a second. The rows are therefore written here, with the
same inline strings, style index and rich-text runs openpyxl would write, and put into the sheet
openpyxl wrote for everything else (title, header row, page setup, merged lines, filters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

# A run of rich text: its <rPr> as openpyxl writes the run's font, and the run's text.
Run = tuple[str, str]
# What a cell holds: plain text, or rich text (未回報 in red) as runs.
Value = str | tuple[Run, ...]

_ROW = re.compile(rb'<row r="([0-9]+)">')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+[0-9]+):([A-Z]+)([0-9]+)"/>')


def _escape(text: str) -> str:
    # lxml writes a carriage return as a character reference, so that a reader keeps it.
    return escape(text).replace("\r", "&#13;")


def _plain(text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<is><t{space}>{_escape(text)}</t></is>"


def _run(font: str, text: str) -> str:
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and text != stripped else ""
    body = f"<t{space}>{_escape(text)}</t>" if text else "<t></t>"
    return f"<r>{font}{body}</r>"


def _cell(ref: str, style: int, value: Value) -> str:
    if isinstance(value, str):
        content = _plain(value) if value else ""
    else:
        content = f"<is>{''.join(_run(font, text) for font, text in value)}</is>"
    return f'<c r="{ref}" s="{style}" t="inlineStr">{content}</c>'


def cells_xml(number: int, style: int, values: Sequence[Value]) -> bytes:
    """The cells of row `number` from column A on, every one in the given style; text beyond ASCII as
    character references, as openpyxl writes it."""
    cells = "".join(
        _cell(f"{get_column_letter(column)}{number}", style, value) for column, value in enumerate(values, start=1)
    )
    return cells.encode("ascii", "xmlcharrefreplace")


def row_xml(number: int, style: int, values: Sequence[Value]) -> bytes:
    """<row r="4">…</row>."""
    return b'<row r="%d">%s</row>' % (number, cells_xml(number, style, values))


@dataclass(frozen=True)
class Body:
    """Rows numbered from `first` on, to go into the sheet stored as `part`."""

    part: str
    first: int
    rows: Sequence[bytes]

    def apply(self, sheet: bytes) -> bytes:
        return splice(sheet, self)


@dataclass(frozen=True)
class Leading:
    """The first cells of rows numbered from `first` on, whose last cells openpyxl wrote (those with a
    hyperlink, which openpyxl ties to the sheet's relationships)."""

    part: str
    first: int
    cells: Sequence[bytes]

    def apply(self, sheet: bytes) -> bytes:
        def lead(found: re.Match[bytes]) -> bytes:
            index = int(found.group(1)) - self.first
            return found.group() + self.cells[index] if 0 <= index < len(self.cells) else found.group()

        return _ROW.sub(lead, sheet)


def splice(sheet: bytes, body: Body) -> bytes:
    """The sheet with the body rows in their place (before the row that follows them, if any), and its
    dimension reaching the last of them."""
    if not body.rows:
        return sheet
    last = body.first + len(body.rows) - 1
    follows = sheet.find(f'<row r="{last + 1}"'.encode())
    at = follows if follows >= 0 else sheet.index(b"</sheetData>")
    sheet = b"".join((sheet[:at], *body.rows, sheet[at:]))

    def reach(found: re.Match[bytes]) -> bytes:
        end = max(int(found.group(3)), last)
        return b'<dimension ref="%s:%s%d"/>' % (found.group(1), found.group(2), end)

    return _DIMENSION.sub(reach, sheet, count=1)


def with_bodies(bodies: Iterable[Body | Leading]) -> Callable[[str, bytes], bytes]:
    """A change for zipped.steady that puts each body into its sheet."""
    by_part = {body.part: body for body in bodies}

    def change(name: str, part: bytes) -> bytes:
        body = by_part.get(name)
        return part if body is None else body.apply(part)

    return change
