"""`lieguan report`: the 「前次會議決議辦理情形」 file, written whole or not at all.

-o without an extension gets the format's (報告 → 報告.docx); an extension of another format
(報告.txt for docx) is refused before anything is read or written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli import app, fail, ready_bot
from bot.reports import FORMATS, ReportError, with_extension, write_report

FORMAT_HELP = "報告格式：" + "｜".join(FORMATS) + "（pdf 需要安裝 LibreOffice）"
OUTPUT_HELP = "輸出檔案；沒寫副檔名時自動補上，例如 -o 第6次會議 → 第6次會議.docx"


@app.command()
def report(
    fmt: Annotated[str, typer.Option("--format", help=FORMAT_HELP)],
    output: Annotated[Path, typer.Option("-o", "--output", help=OUTPUT_HELP)],
    body: Annotated[str | None, typer.Option(help="會議名稱或代號（只有一個會議時可省略）")] = None,
    meeting: Annotated[str, typer.Option(help="next（下次會議，預設）或會議次數")] = "next",
) -> None:
    """產生「前次會議決議辦理情形」報告。"""
    from bot.router import UserError
    from handlers.common import pick_body
    from handlers.reports import build_report, summary_text

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        fail(f"不支援的報告格式「{fmt}」。可用的格式：{'、'.join(FORMATS)}。")
    try:
        output = with_extension(output, fmt)
    except ReportError as exc:
        fail(str(exc))
    bot = ready_bot()
    ctx = bot.context()
    try:
        found, _ = pick_body(ctx, body or "")
        if body and found.name != body and found.code != body:
            fail(f"找不到會議「{body}」。")
        data = build_report(ctx, found, meeting)
        path = write_report(data, fmt, output)
    except (UserError, ReportError) as exc:
        fail(str(exc))
    typer.echo(summary_text(data))
    typer.echo(str(path.resolve()))
