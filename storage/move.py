"""The move from SQLite to PostgreSQL: every table copied in batches, then checked table by table.

- The target is migrated to the newest schema first (so is the source), and must hold no rows.
- Tables go in foreign-key order (SQLModel.metadata.sorted_tables), APScheduler's job table too,
  佐證 files with their bytes, rows as they are: the outbox keeps its status and idempotency keys, so nothing is sent twice.
- The copy reads the source in one read transaction (a consistent snapshot) and writes the target in
  one transaction: a failure leaves the target empty. Memory is one batch, whatever the size.
- Each sequence is set past the highest id; then rows are counted and checksummed on both sides.
  The checksum is a sum of per-row SHA-256s, so it does not depend on the engines' sort orders.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from psycopg import sql
from sqlalchemy import (
    Column,
    Connection,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Unicode,
    func,
    inspect,
    select,
    text,
)
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.backup import engine_name, revision_of, row_counts
from storage.db import make_engine, migrate
from storage.pgtools import BackupError
from storage.restore import describe_loss

BATCH = 2000
FILE_BATCH = 8
JOBS = "apscheduler_jobs"
Progress = Callable[[str, int, int], None]  # table, rows copied, rows in it


@dataclass
class TableCheck:
    name: str
    rows: int
    checksum: str


@dataclass
class Moved:
    tables: list[TableCheck]
    revision: str | None


def job_table(metadata: MetaData) -> Table:
    """APScheduler 3's job table, as SQLAlchemyJobStore defines it."""
    return Table(JOBS, metadata, Column("id", Unicode(191), primary_key=True),
                 Column("next_run_time", Float(25), index=True),
                 Column("job_state", LargeBinary, nullable=False))


def move_to(source_url: str, target_url: str, *, batch: int = BATCH, progress: Progress | None = None) -> Moved:
    if engine_name(source_url) != "sqlite":
        raise BackupError("目前的資料庫不是 SQLite：move-to 只搬 SQLite 到 PostgreSQL。"
                          "PostgreSQL 之間請用 lieguan backup 與 lieguan restore。")
    if engine_name(target_url) != "postgresql":
        raise BackupError("move-to 的目的地必須是 PostgreSQL，例如 "
                          "lieguan move-to postgresql://lieguan:密碼@localhost/lieguan")
    migrate(source_url)
    try:
        migrate(target_url)
    except Exception as exc:
        raise BackupError(f"連不上目的地 PostgreSQL 資料庫（{exc.__class__.__name__}）；請確認網址、帳號密碼，"
                          "以及資料庫已建立（createdb）。沒有搬移任何資料。") from None
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        with target.connect() as conn:  # even a generated secret would collide with the copied one
            held = {t: n for t, n in row_counts(conn).items() if n and t not in ("alembic_version", JOBS)}
        if held:
            raise BackupError(f"目的地資料庫已經有資料（{describe_loss(held)}），move-to 只搬進空的資料庫。"
                              "請建立一個新的空資料庫再搬。沒有搬移任何資料。")
        with source.connect() as src:
            src.exec_driver_sql("BEGIN")  # one snapshot of the source for the whole copy
            tables = tables_of(src)
            with target.begin() as dst:
                if any(t.name == JOBS for t in tables):
                    dst.execute(text(f"DROP TABLE IF EXISTS {JOBS}"))  # a `serve` may have made an empty one
                    tables[-1].metadata.create_all(dst, tables=[t for t in tables if t.name == JOBS])
                for table in tables:
                    _copy(src, dst, table, batch, progress)
                    _continue_sequence(dst, table)
            src.rollback()
        with source.connect() as src, target.connect() as dst:
            checks = [_check(src, dst, table) for table in tables]
            revision = revision_of(src)
            if revision != revision_of(dst):
                raise BackupError(f"搬移後的結構版本不同（SQLite {revision}，PostgreSQL {revision_of(dst)}）。")
    finally:
        source.dispose()
        target.dispose()
    return Moved(tables=checks, revision=revision)


def tables_of(src: Connection) -> list[Table]:
    tables = list(SQLModel.metadata.sorted_tables)
    if inspect(src).has_table(JOBS):
        tables.append(job_table(MetaData()))
    return tables


def columns_of(conn: Connection, table: Table) -> list[Column[Any]]:
    """The table's columns that the database has (all of them, when the models and migrations agree)."""
    present = {c["name"] for c in inspect(conn).get_columns(table.name)}
    return [c for c in table.columns if c.name in present]


def _ordered(table: Table, columns: list[Column[Any]]) -> Any:
    return select(*columns).order_by(*table.primary_key.columns)


def batch_of(table: Table, batch: int) -> int:
    """Rows holding file contents (佐證, up to megabytes each) go a few at a time, so memory stays small."""
    return FILE_BATCH if any(isinstance(c.type, LargeBinary) for c in table.columns) else batch


def _copy(src: Connection, dst: Connection, table: Table, batch: int, progress: Progress | None) -> None:
    """Rows through PostgreSQL's COPY, each value bound as SQLAlchemy would bind it (UTC, JSON text)."""
    batch = batch_of(table, batch)
    total = int(src.execute(select(func.count()).select_from(table)).scalar() or 0)
    copied = columns_of(src, table)
    binders = [c.type.dialect_impl(dst.dialect).bind_processor(dst.dialect) for c in copied]
    names = sql.SQL(", ").join(sql.Identifier(c.name) for c in copied)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name), names)
    done = 0
    result = src.execution_options(yield_per=batch).execute(_ordered(table, copied))
    raw: Any = dst.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for rows in result.partitions(batch):
            for row in rows:
                copy.write_row([v if bind is None else bind(v) for bind, v in zip(binders, row, strict=True)])
            done += len(rows)
            if progress is not None:
                progress(table.name, done, total)
    if progress is not None and total == 0:
        progress(table.name, 0, 0)


def _continue_sequence(dst: Connection, table: Table) -> None:
    """New rows get ids after the highest copied one (PostgreSQL's sequences knew none of them)."""
    keys = list(table.primary_key.columns)
    if len(keys) != 1 or not isinstance(keys[0].type, Integer) or keys[0].autoincrement is False:
        return
    name, column = table.name, keys[0].name
    sequence = dst.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": name, "c": column}).scalar()
    if sequence is None:
        return
    highest = dst.execute(select(func.max(keys[0]))).scalar()
    dst.execute(text("SELECT setval(:s, :v, :called)"),
                {"s": sequence, "v": highest or 1, "called": highest is not None})


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(type(value).__name__)


def checksum(conn: Connection, table: Table, columns: list[Column[Any]]) -> tuple[int, str]:
    """Rows and an order-independent checksum of a table's values as the application reads them."""
    total, rows = 0, 0
    batch = batch_of(table, BATCH)
    result = conn.execution_options(yield_per=batch).execute(select(*columns))
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_canonical).encode
    for part in result.partitions(batch):
        for row in part:
            digest = hashlib.sha256(encode(tuple(row)).encode("utf-8")).digest()
            total += int.from_bytes(digest, "big")
            rows += 1
    return rows, f"{total % (1 << 256):064x}"


def _check(src: Connection, dst: Connection, table: Table) -> TableCheck:
    columns = columns_of(src, table)
    rows, digest = checksum(src, table, columns)
    copied, copied_digest = checksum(dst, table, columns)
    if (rows, digest) != (copied, copied_digest):
        raise BackupError(f"資料表 {table.name} 搬移後不一致（SQLite {rows} 筆，PostgreSQL {copied} 筆，"
                          "檢查碼不同）。請勿切換設定，並回報這個錯誤。")
    return TableCheck(name=table.name, rows=rows, checksum=digest[:16])
