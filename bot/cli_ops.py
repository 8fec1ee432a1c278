"""`lieguan backup`, `lieguan restore`, `lieguan move-to`: keeping the data safe and moving it (docs/operations.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.cli import app, fail
from bot.dates import roc_datetime

ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _when(stamp: str, timezone: str) -> str:
    return roc_datetime(datetime.fromisoformat(stamp).astimezone(ZoneInfo(timezone)))


@contextmanager
def _bar(label: str, shown: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on a terminal (total 0: a byte count that grows); nothing otherwise."""
    if not shown:
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(label), BarColumn(), DownloadColumn(), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update


@app.command()
def backup(
    output: Annotated[Path, typer.Option("-o", "--output", help="備份檔（.zip），例如 -o /var/backups/lieguan.zip")],
    as_json: Annotated[bool, typer.Option("--json", help="只輸出寫了什麼（JSON）")] = False,
) -> None:
    """備份資料庫（機器人執行中也可以）：SQLite 用線上備份，PostgreSQL 用 pg_dump。"""
    from config.settings import load_settings
    from storage.backup import create_backup
    from storage.pgtools import BackupError

    settings = load_settings()
    with _bar("備份中", sys.stdout.isatty() and not as_json) as progress:
        try:
            manifest = create_backup(settings.database_url, output, progress=progress)
        except BackupError as exc:
            fail(str(exc))
    if as_json:
        shown = {k: manifest.to_json()[k] for k in ("path", "bytes", "engine", "schema_revision", "created_at",
                                                    "tables")}
        typer.echo(json.dumps(shown, ensure_ascii=False, indent=1))
        return
    rows = manifest.tables
    typer.echo(f"已備份到 {manifest.path}（{manifest.bytes:,} 位元組，{ENGINES[manifest.engine]}，"
               f"結構版本 {manifest.schema_revision}，{_when(manifest.created_at, settings.timezone)}）")
    typer.echo(f"列管案 {rows.get('item', 0)} 筆、辦理情形回覆 {rows.get('reply', 0)} 筆、"
               f"群組綁定 {rows.get('chatbinding', 0)} 筆。還原：lieguan restore {manifest.path}")


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="lieguan backup 產生的備份檔")],
    force: Annotated[bool, typer.Option("--force", help="資料庫已有資料時仍然覆蓋（會失去現有資料）")] = False,
) -> None:
    """把備份還原到空的資料庫，並更新到目前的結構版本。請先停止 lieguan serve。"""
    from config.settings import load_settings
    from storage.pgtools import BackupError
    from storage.restore import restore_backup

    settings = load_settings()
    try:
        restored = restore_backup(settings.database_url, file, force=force)
    except BackupError as exc:
        fail(str(exc))
    m = restored.manifest
    migrated = (f"，結構版本已由 {m.schema_revision} 更新為 {restored.revision}"
                if m.schema_revision != restored.revision else f"，結構版本 {restored.revision}")
    typer.echo(f"已還原 {_when(m.created_at, settings.timezone)} 的備份：列管案 {m.tables.get('item', 0)} 筆、"
               f"辦理情形回覆 {m.tables.get('reply', 0)} 筆{migrated}。")
    typer.echo(f"資料庫：{settings.database_url}。可以啟動 lieguan serve 了。")


@app.command("move-to")
def move_to(
    url: Annotated[str, typer.Argument(help="空的 PostgreSQL 資料庫，例如 postgresql://lieguan:密碼@localhost/lieguan")],
) -> None:
    """把目前的 SQLite 資料庫整個搬到空的 PostgreSQL（請先停止 lieguan serve）。"""
    from config.settings import load_settings
    from storage.move import move_to as move
    from storage.pgtools import BackupError

    settings = load_settings()
    shown = sys.stdout.isatty()
    current: dict[str, str] = {}

    def progress(table: str, done: int, total: int) -> None:
        if shown and current.get("table") != table:
            current["table"] = table
            typer.echo(f"搬移 {table}（{total} 筆）…")

    try:
        moved = move(settings.database_url, url, progress=progress)
    except BackupError as exc:
        fail(str(exc))
    width = max(len(t.name) for t in moved.tables)
    typer.echo("資料表　筆數　檢查碼（兩邊相同）")
    for t in moved.tables:
        typer.echo(f"{t.name:<{width}}  {t.rows:>8}  {t.checksum}")
    typer.echo(f"搬移完成，每個資料表的筆數與檢查碼都相符（結構版本 {moved.revision}）。")
    typer.echo("把設定改成下面這一行，再啟動 lieguan serve：")
    typer.echo(f"LIEGUAN_DATABASE_URL={url}")
