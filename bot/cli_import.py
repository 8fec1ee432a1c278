"""`lieguan import FILE`: the extraction as a readable table, saved only after confirmation."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from bot.cli import app, fail, ready_bot
from bot.dates import roc, roc_short
from bot.minutes import MinutesReadError, extract, read_minutes
from bot.router import UserError
from config.directory import AgencyDirectory

ROLE = {"lead": "主辦", "assist": "協辦"}
DECISION = {"released": "解除列管", "continued": "繼續列管", "other": "另案處理"}


def due_label(due: str | None) -> str:
    if due == "next_meeting":
        return "下次會議"
    return roc_short(date.fromisoformat(due)) if due else ""


def show(extraction: dict[str, Any]) -> None:
    console = Console()
    meeting = extraction["meeting"]
    when = roc(date.fromisoformat(meeting["date"])) if meeting.get("date") else "（未寫明）"
    console.print(f"[bold]{meeting.get('title') or meeting.get('body')}[/bold]")
    console.print(f"會議：{meeting.get('body')}　第 {meeting.get('number') or '?'} 次　日期：{when}　"
                  f"主持人：{meeting.get('chair') or '—'}　紀錄：{meeting.get('recorder') or '—'}")
    if extraction["reviews"]:
        reviews = Table(title="前次列管案的決定")
        reviews.add_column("案號")
        reviews.add_column("決定")
        for r in extraction["reviews"]:
            reviews.add_row(r["case"], DECISION.get(r["decision"], r["decision"]))
        console.print(reviews)
    items = Table(title=f"列管事項 {len(extraction['items'])} 案", show_lines=True)
    for column in ("續案", "內容", "機關", "期限", "出處"):
        items.add_column(column)
    for i in extraction["items"]:
        agencies = "\n".join(f"{ROLE.get(r, r)}：{a}" for a, r in zip(i["agencies"], i["roles"], strict=False))
        inferred = "（推定）" if i.get("agencies_inferred") else ""
        items.add_row(i.get("case") or "", i["text"][:80] + ("…" if len(i["text"]) > 80 else ""),
                      agencies + inferred, due_label(i.get("due")), i.get("source") or "")
    console.print(items)
    for w in extraction["warnings"]:
        console.print(f"[yellow]需要確認：{w}[/yellow]")


@app.command("import")
def import_minutes(
    file: Annotated[Path, typer.Argument(help="會議紀錄檔（.txt、.docx、.odt、.pdf）")],
    body: Annotated[str | None, typer.Option(help="會議名稱（預設取自紀錄標題）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只顯示擷取結果，不存檔、不需資料庫")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="輸出 JSON（spec/minutes-import.md）")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="不詢問，直接存檔")] = False,
) -> None:
    """匯入會議紀錄：顯示擷取的列管事項，確認後存檔。"""
    from handlers.imports import body_name, save, saved_text

    if not file.is_file():
        fail(f"找不到檔案：{file}")
    try:
        text = read_minutes(file.name, file.read_bytes())
    except MinutesReadError as exc:
        fail(str(exc))
    if dry_run:
        extraction = extract(text, directory=AgencyDirectory.load_default(), body=body).to_json()
        if as_json:
            typer.echo(json.dumps(extraction, ensure_ascii=False, indent=1))
        else:
            show(extraction)
        return
    bot = ready_bot()
    extraction = extract(text, directory=bot.directory, body=body).to_json()
    if not as_json:
        show(extraction)
    try:
        name = body_name(extraction, body)
        if not yes and (not sys.stdin.isatty() or not typer.confirm(f"存入「{name}」？", default=False)):
            fail("未確認，沒有存檔。（加 --yes 可直接存檔）")
        result = save(bot.context(), text, body, actor="cli", chat=None)
    except UserError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps({"body": result.body, "already": result.already, "created": result.created,
                               "updated": result.updated}, ensure_ascii=False))
    else:
        typer.echo(saved_text(result, bot.store))
