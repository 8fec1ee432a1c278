"""CSV for Excel: UTF-8 with a byte-order mark (otherwise Excel reads Big5), CRLF, one row per item."""

from __future__ import annotations

import csv
import io

from bot.reports.cells import HEADERS, plain, row_cells
from bot.reports.model import ReportData

# Excel runs a cell that starts with one of these as a formula (CSV injection); a leading
# apostrophe makes it text, as Excel itself does.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def render(data: ReportData) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in data.rows:
        writer.writerow([_safe(plain(cell)) for cell in row_cells(row)])
    return buffer.getvalue().encode("utf-8-sig")
