"""Markdown, for a quick look in a chat or an editor; the layout of spec/report.md."""

from __future__ import annotations

import re

from bot.reports.cells import HEADERS, NOTHING, Cell, row_cells, subtitle
from bot.reports.model import ReportData

# Characters that would end a table cell, start formatting, or open raw HTML in a viewer.
_SPECIAL = re.compile(r"([\\|*_`\[\]])")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(cell: Cell) -> str:
    return "<br>".join("".join(f"[{escape(s.text)}]({s.link})" if s.link else escape(s.text) for s in line)
                       for line in cell)


def _table_line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(data: ReportData) -> bytes:
    out = [escape(data.title()), escape(subtitle(data)), ""]
    if data.rows:
        out.append(_table_line(list(HEADERS)))
        out.append("|" + "---|" * len(HEADERS))
        out.extend(_table_line([_cell(c) for c in row_cells(row)]) for row in data.rows)
        out += ["", escape(data.summary_line())]
    else:
        out.append(NOTHING)
    return ("\n".join(out) + "\n").encode("utf-8")
