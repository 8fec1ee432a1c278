"""Restoring a backup (storage/backup.py) into an empty database, then migrating it to the newest schema.

Everything that can be checked is checked before the database is touched: the file is ours and whole,
the engines match, the database holds no data (unless forced). SQLite is written with the backup API
in reverse, which rewrites the file page by page under a lock, WAL included; PostgreSQL loses its
tables and gets the dump's back through pg_restore in one transaction.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from storage.backup import (
    Manifest,
    engine_name,
    extract_payload,
    read_manifest,
    row_counts,
    scratch,
    sqlite_path,
)
from storage.db import make_engine, migrate
from storage.pgtools import BackupError, finish, run_tool

# state a fresh `serve` regenerates: a database holding only these counts as empty
NOT_DATA = {"alembic_version", "keyvalue", "apscheduler_jobs"}
SHOWN = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
LABELS = {"body": "會議", "meeting": "會議紀錄", "item": "列管案", "reply": "辦理情形回覆",
          "chatbinding": "群組綁定", "outbox": "送出的訊息", "audit": "稽核紀錄", "reminderround": "催辦輪次"}


@dataclass
class Restored:
    manifest: Manifest
    revision: str | None  # after migrating


def held_data(engine: Engine) -> dict[str, int]:
    """Rows per table that a restore would replace (empty when the database holds no data)."""
    with engine.connect() as conn:
        counts = row_counts(conn)
    return {name: n for name, n in counts.items() if n and name not in NOT_DATA}


def describe_loss(counts: dict[str, int]) -> str:
    """「列管案 12 筆、辦理情形回覆 40 筆…」: what a forced restore or a move would overwrite."""
    named = [f"{label} {counts[t]} 筆" for t, label in LABELS.items() if counts.get(t)]
    rest = sum(n for t, n in counts.items() if t not in LABELS)
    if rest:
        named.append(f"其他紀錄 {rest} 筆")
    return "、".join(named)


def restore_backup(url: str, path: Path, *, force: bool = False) -> Restored:
    manifest = read_manifest(path)
    engine = engine_name(url)
    if manifest.engine != engine:
        raise BackupError(
            f"這份備份來自 {SHOWN.get(manifest.engine, manifest.engine)}，目前的資料庫是 {SHOWN.get(engine, engine)}：還原只能回到同一種資料庫。"
            "要從 SQLite 換到 PostgreSQL，請把備份還原到 SQLite 後執行 lieguan move-to postgresql://…。"
            "資料庫沒有任何變動。")
    if engine == "sqlite":
        _restore_sqlite(url, path, manifest, force)
    else:
        _restore_postgresql(url, path, manifest, force)
    migrate(url)
    checked = make_engine(url)
    try:
        with checked.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        checked.dispose()
    return Restored(manifest=manifest, revision=revision)


def _refuse_data(url: str, force: bool) -> None:
    engine = make_engine(url)
    try:
        held = held_data(engine)
    except Exception as exc:
        raise BackupError(f"連不上要還原的資料庫：{exc.__class__.__name__}。資料庫沒有任何變動。") from None
    finally:
        engine.dispose()
    if held and not force:
        raise BackupError(
            f"這個資料庫已經有資料（{describe_loss(held)}），還原會全部覆蓋。"
            "請改用空的資料庫；確定要覆蓋時加上 --force（建議先 lieguan backup 留一份）。資料庫沒有任何變動。")


def _restore_sqlite(url: str, path: Path, manifest: Manifest, force: bool) -> None:
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    with scratch(target.parent) as copy:
        extract_payload(path, manifest, copy)
        try:
            check = sqlite3.connect(copy)
            ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            check.close()
        except sqlite3.DatabaseError:
            ok = False
        if not ok:
            raise BackupError(f"備份檔 {path} 裡的資料庫已損毀，無法還原。資料庫沒有任何變動。")
        if target.exists():
            _refuse_data(url, force)
        source = sqlite3.connect(copy)
        into = sqlite3.connect(target, timeout=30)
        try:
            source.backup(into)
        except sqlite3.OperationalError as exc:
            raise BackupError(f"無法寫入 {target}（{exc}）：還原前請先停止 lieguan serve。") from None
        finally:
            into.close()
            source.close()


def _restore_postgresql(url: str, path: Path, manifest: Manifest, force: bool) -> None:
    with scratch(Path(tempfile.gettempdir())) as dump:
        extract_payload(path, manifest, dump)
        finish(run_tool("pg_restore", ["--list", str(dump)], url), "檢查備份檔")
        _refuse_data(url, force)
        engine = make_engine(url)
        try:
            _drop_tables(engine)
        finally:
            engine.dispose()
        try:
            finish(run_tool("pg_restore", ["--no-owner", "--no-privileges", "--single-transaction",
                                           "--exit-on-error", str(dump)], url), "pg_restore 還原")
        except BackupError:
            migrate(url)  # the database was empty: leave it at least usable
            raise


def _drop_tables(engine: Engine) -> None:
    """The target's own (empty, or forced) tables go, so that the dump's schema comes back as it was."""
    with engine.begin() as conn:
        quote = conn.dialect.identifier_preparer.quote
        for name in inspect(conn).get_table_names():
            conn.execute(text(f"DROP TABLE IF EXISTS {quote(name)} CASCADE"))
