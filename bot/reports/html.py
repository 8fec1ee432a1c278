"""A complete standalone HTML page: opens in any browser, prints as A4 landscape."""

from __future__ import annotations

from html import escape

from bot.reports.cells import HEADERS, NOTHING, WIDTHS_MM, Cell, Line, row_cells, subtitle
from bot.reports.model import ReportData

_STYLE = """
@page { size: A4 landscape; margin: 2cm; }
body { font-family: "標楷體", "DFKai-SB", "BiauKai", "AR PL UKai TW", serif; margin: 1.5em; }
h1 { font-size: 1.4em; text-align: center; margin: 0; }
p.subtitle { text-align: center; margin: 0.3em 0 1em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; padding: 0.3em 0.4em; vertical-align: top; text-align: left; }
th { background: #eee; text-align: center; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
.missing { color: #c00; font-weight: bold; }
.late { color: #a60; font-weight: bold; }
"""


def _line(line: Line) -> str:
    return "".join(
        f'<a href="{escape(span.link)}">{escape(span.text)}</a>' if span.link
        else f'<span class="{span.mark}">{escape(span.text)}</span>' if span.mark else escape(span.text)
        for span in line
    )


def _cell(cell: Cell) -> str:
    return "<td>" + "<br>".join(_line(line) for line in cell) + "</td>"


def render(data: ReportData) -> bytes:
    total = sum(WIDTHS_MM)
    cols = "".join(f'<col style="width:{w * 100 / total:.1f}%">' for w in WIDTHS_MM)
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADERS)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-Hant-TW">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(data.title())} {escape(subtitle(data))}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(data.title())}</h1>",
        f'<p class="subtitle">{escape(subtitle(data))}</p>',
    ]
    if data.rows:
        out.append(f"<table>\n<colgroup>{cols}</colgroup>\n<thead><tr>{head}</tr></thead>\n<tbody>")
        out.extend("<tr>" + "".join(_cell(c) for c in row_cells(row)) + "</tr>" for row in data.rows)
        out.append("</tbody>\n</table>")
        out.append(f'<p class="summary">{escape(data.summary_line())}</p>')
    else:
        out.append(f'<p class="empty">{escape(NOTHING)}</p>')
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")
