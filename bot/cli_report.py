"""`lieguan report`: the 「前次會議決議辦理情形」 file, written whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli import app, fail, ready_bot
from bot.reports import FORMATS, ReportError, write_report
from bot.router import UserError


@app.command()
def report(
    fmt: Annotated[str, typer.Option("--format", help="docx｜odt｜md｜csv｜html")],
    output: Annotated[Path, typer.Option("-o", "--output", help="輸出檔案")],
    body: Annotated[str | None, typer.Option(help="會議名稱或代號（只有一個會議時可省略）")] = None,
    meeting: Annotated[str, typer.Option(help="next（下次會議，預設）或會議次數")] = "next",
) -> None:
    """產生「前次會議決議辦理情形」報告。"""
    from handlers.common import pick_body
    from handlers.reports import build_report, summary_text

    if fmt.lower().lstrip(".") not in FORMATS:
        fail(f"不支援的報告格式「{fmt}」。可用的格式：{'、'.join(FORMATS)}。")
    bot = ready_bot()
    ctx = bot.context()
    try:
        found, _ = pick_body(ctx, body or "")
        if body and found.name != body and found.code != body:
            fail(f"找不到會議「{body}」。")
        data = build_report(ctx, found, meeting)
        path = write_report(data, fmt.lower().lstrip("."), output)
    except (UserError, ReportError) as exc:
        fail(str(exc))
    typer.echo(summary_text(data))
    typer.echo(str(path.resolve()))
