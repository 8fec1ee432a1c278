"""Backups that restore: one zip file holding manifest.json and the database itself.

- SQLite: the online backup API copies the file page by page while `serve` keeps writing. The copy
  holds one read transaction on the source for its whole length, so in WAL mode it is one consistent
  snapshot and never restarts however busy the bot is.
- PostgreSQL: pg_dump's custom format, taken on a snapshot exported from a transaction that also
  counts the rows and reads the schema revision, so the manifest describes exactly what was dumped.
- manifest.json: format, engine, alembic revision, time (UTC), row count per table, and the payload's
  name, size and SHA-256, so a truncated or foreign file is refused before anything is touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from storage.db import make_engine, normalise_url
from storage.pgtools import BackupError, finish, run_tool

FORMAT = "lieguan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOAD = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
STEPS = 100  # progress updates over a whole SQLite copy
Progress = Callable[[int, int], None]  # bytes done, bytes in all (0: unknown)


@dataclass
class Manifest:
    engine: str
    schema_revision: str | None
    created_at: str
    tables: dict[str, int]
    payload: str
    payload_bytes: int = 0
    sha256: str = ""
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    path: str = field(default="", compare=False)
    bytes: int = field(default=0, compare=False)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def engine_name(url: str) -> str:
    return make_url(normalise_url(url)).get_backend_name()


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("記憶體中的 SQLite 資料庫沒有檔案可以備份或還原。")
    return Path(database)


def revision_of(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows per table, every table of the database (ours, alembic's, APScheduler's)."""
    names = sorted(inspect(conn).get_table_names())
    quote = conn.dialect.identifier_preparer.quote
    return {n: int(conn.execute(text(f"SELECT COUNT(*) FROM {quote(n)}")).scalar() or 0) for n in names}


def create_backup(url: str, output: Path, *, progress: Progress | None = None,
                  now: datetime | None = None) -> Manifest:
    """Write a backup of the database at `url` to `output`, whole or not at all."""
    engine = engine_name(url)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    output = output.expanduser().resolve()
    if output.is_dir():
        raise BackupError(f"{output} 是資料夾；請用 -o 指定備份檔的檔名，例如 -o {output / 'lieguan.zip'}")
    output.parent.mkdir(parents=True, exist_ok=True)
    with scratch(output.parent) as payload:
        if engine == "sqlite":
            manifest = _snapshot_sqlite(url, payload, progress, stamp)
        elif engine == "postgresql":
            manifest = _dump_postgresql(url, payload, progress, stamp)
        else:
            raise BackupError(f"不支援備份這種資料庫：{engine}（只支援 SQLite 與 PostgreSQL）。")
        manifest.payload_bytes, manifest.sha256 = payload.stat().st_size, _sha256(payload)
        with scratch(output.parent) as packed:
            with zipfile.ZipFile(packed, "w") as zf:
                zf.writestr(MANIFEST, json.dumps(_stored(manifest), ensure_ascii=False, indent=1))
                method = zipfile.ZIP_DEFLATED if engine == "sqlite" else zipfile.ZIP_STORED  # a dump is compressed
                zf.write(payload, manifest.payload, compress_type=method, compresslevel=1)
            os.replace(packed, output)
    manifest.path, manifest.bytes = str(output), output.stat().st_size
    return manifest


def _stored(manifest: Manifest) -> dict[str, object]:
    data = manifest.to_json()
    data.pop("path"), data.pop("bytes")
    return data


@contextmanager
def scratch(folder: Path) -> Iterator[Path]:
    """A temporary file beside the destination (same disk, so the final rename is atomic)."""
    handle, name = tempfile.mkstemp(prefix=".lieguan-", suffix=".tmp", dir=folder)
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _snapshot_sqlite(url: str, target: Path, progress: Progress | None, stamp: str) -> Manifest:
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"找不到資料庫檔案 {source_path}；請確認 LIEGUAN_DATABASE_URL，或先執行 lieguan init。")
    source = sqlite3.connect(source_path, timeout=30, isolation_level=None)
    copy = sqlite3.connect(target)
    try:
        source.execute("BEGIN")  # the read transaction the whole copy happens in (see the module doc)
        source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        pages = int(source.execute("PRAGMA page_count").fetchone()[0])
        size = int(source.execute("PRAGMA page_size").fetchone()[0])
        step = max(pages // STEPS, 64)

        def report(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress((total - remaining) * size, total * size)

        source.backup(copy, pages=step, progress=report)
        source.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"無法讀取資料庫檔案 {source_path}：{exc}") from None
    finally:
        copy.close()
        source.close()
    copied = make_engine(f"sqlite:///{target}")
    try:
        with copied.connect() as conn:
            return Manifest(engine="sqlite", schema_revision=revision_of(conn), created_at=stamp,
                            tables=row_counts(conn), payload=PAYLOAD["sqlite"])
    finally:
        copied.dispose()


def _dump_postgresql(url: str, target: Path, progress: Progress | None, stamp: str) -> Manifest:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            manifest = Manifest(engine="postgresql", schema_revision=revision_of(conn), created_at=stamp,
                                tables=row_counts(conn), payload=PAYLOAD["postgresql"])
            process = run_tool("pg_dump", ["--format=custom", f"--snapshot={snapshot}", f"--file={target}"], url)
            _watch(process, target, progress)
            finish(process, "pg_dump 備份")
            conn.rollback()
    except OperationalError:
        where = make_url(normalise_url(url)).render_as_string(hide_password=True)
        raise BackupError(f"連不上資料庫 {where}：請確認 LIEGUAN_DATABASE_URL，以及 PostgreSQL 正在執行。"
                          "沒有寫出備份檔。") from None
    finally:
        engine.dispose()
    return manifest


def _watch(process: subprocess.Popen[bytes], target: Path, progress: Progress | None) -> None:
    """pg_dump says nothing of its progress: the dump's size as it grows is shown instead."""
    while process.poll() is None:
        if progress is not None and target.exists():
            progress(target.stat().st_size, 0)
        time.sleep(0.2)


def read_manifest(path: Path) -> Manifest:
    """The manifest of a backup file, or a BackupError when the file is not one of ours or is damaged."""
    if not path.is_file():
        raise BackupError(f"找不到備份檔 {path}。")
    try:
        with zipfile.ZipFile(path) as zf:
            raw = json.loads(zf.read(MANIFEST).decode("utf-8"))
            names = set(zf.namelist())
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise (_damaged(path) if _starts_like_ours(path) else _not_a_backup(path)) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise _not_a_backup(path)
    if int(raw.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError(f"{path} 是較新版本的列管所做的備份，請先升級列管再還原。")
    try:
        manifest = Manifest(**{k: v for k, v in raw.items() if k in Manifest.__dataclass_fields__})
    except TypeError:
        raise _not_a_backup(path) from None
    if manifest.payload not in names:
        raise _damaged(path)
    manifest.path, manifest.bytes = str(path), path.stat().st_size
    return manifest


def extract_payload(path: Path, manifest: Manifest, into: Path) -> None:
    """The database inside the backup, checked against the manifest's size and SHA-256."""
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(path) as zf, zf.open(manifest.payload) as src, into.open("wb") as out:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise _damaged(path) from None
    if digest.hexdigest() != manifest.sha256 or into.stat().st_size != manifest.payload_bytes:
        raise _damaged(path)


def _starts_like_ours(path: Path) -> bool:
    """A zip whose first entry is our manifest, cut short (its index is at the end of the file)."""
    with path.open("rb") as f:
        head = f.read(4096)
    return head.startswith(b"PK\x03\x04") and FORMAT.encode() in head


def _not_a_backup(path: Path) -> BackupError:
    return BackupError(f"{path} 不是列管的備份檔（應為 lieguan backup 產生的 .zip，內含 manifest.json）。"
                       "資料庫沒有任何變動。")


def _damaged(path: Path) -> BackupError:
    return BackupError(f"備份檔 {path} 不完整或已損毀（可能只複製了一部分），無法還原。資料庫沒有任何變動；"
                       "請改用另一份備份。")


def scheduled_backup(url: str, folder: Path, *, keep: int, now: datetime | None = None) -> Manifest:
    """The daily backup: a dated file in `folder`, and only the newest `keep` of them kept."""
    at = (now or datetime.now(UTC)).astimezone(UTC)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = create_backup(url, folder / f"lieguan-{at:%Y%m%d-%H%M%S}.zip", now=at)
    dated = sorted(folder.glob("lieguan-[0-9]*-[0-9]*.zip"))
    for old in dated[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return manifest
