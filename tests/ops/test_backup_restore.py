"""`lieguan backup` and `lieguan restore` as an operator uses them, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.core import open_bot
from config.settings import Settings
from storage.backup import scheduled_backup
from storage.db import alembic_config, make_engine, migrate
from storage.pgtools import BackupError, find_tool
from tests.conftest import START, Clock
from tests.ops.helpers import another_database, lieguan, reply_texts, rows

BODY = "強化社會安全網中央跨部會平台"
REPLY = "已於１１５年１１月召開研商會議（第１次），並函送各縣市政府。"


def head(url: str) -> str:
    return str(ScriptDirectory.from_config(alembic_config(url)).get_current_head())


def fill_at_0003(url: str) -> None:
    """What a bot of schema 0003 held: a body, an item of 教育部 and its reply, written as it wrote them."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO body (id, name, code, reminder_weekday, reminder_time, "
                          "deadline_office_days, created_at) VALUES (1, :n, 'A', 0, '09:30', 5, :at)"),
                     {"n": BODY, "at": START.replace(tzinfo=None)})
        conn.execute(text("INSERT INTO item (id, body_id, \"case\", subject, text, status, due_next_meeting, "
                          "created_at, updated_at) VALUES (1, 1, '1', '', '請教育部提出轉介流程', 'tracking', "
                          "false, :at, :at)"), {"at": START.replace(tzinfo=None)})
        conn.execute(text("INSERT INTO itemagency (item_id, agency, role, position) VALUES (1, '教育部', 'lead', 0)"))
        conn.execute(text("INSERT INTO reply (item_id, agency, kind, text, author, chat, at, late, withdrawn) "
                          "VALUES (1, '教育部', 'progress', :t, 'line:U1', 'line:C1', :at, false, false)"),
                     {"t": REPLY, "at": START.replace(tzinfo=None)})
    engine.dispose()


def filled(url: str, clock: Clock) -> None:
    migrate(url)
    bot = open_bot(Settings(database_url=url), clock=clock)
    body = bot.store.ensure_body(name=BODY, actor="test", chat=None)
    bot.store.add_item(body_id=body.id, text="請教育部提出轉介流程", agencies=[("教育部", "lead")],
                       actor="test", chat=None)
    code = bot.store.create_bind_code(agency="教育部", actor="test", chat=None)
    bot.store.redeem_code(code=code, chat="line:Cmoe", actor="test")
    bot.store.engine.dispose()


def test_a_backup_of_an_older_schema_restores_into_this_version_and_is_migrated(
        database_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    command.upgrade(alembic_config(database_url), "0003")
    fill_at_0003(database_url)
    made = lieguan("backup", "-o", str(tmp_path / "old.zip"), "--json", url=database_url, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    written = json.loads(made.stdout)
    assert written["schema_revision"] == "0003" and written["tables"]["reply"] == 1
    assert written["bytes"] == (tmp_path / "old.zip").stat().st_size

    fresh = another_database(database_url, request, tmp_path, "restored")
    restored = lieguan("restore", str(tmp_path / "old.zip"), url=fresh, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert f"由 0003 更新為 {head(fresh)}" in restored.stdout
    bot = open_bot(Settings(database_url=fresh))
    [item] = bot.store.items(status="all")
    assert (item.body, item.text, [r.text for r in item.replies]) == (BODY, "請教育部提出轉介流程", [REPLY])
    bot.store.engine.dispose()


def test_restore_refuses_a_database_that_holds_data_and_says_what_would_be_lost(
        database_url: str, request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> None:
    filled(database_url, clock)
    assert lieguan("backup", "-o", str(tmp_path / "b.zip"), url=database_url, cwd=tmp_path).returncode == 0
    other = another_database(database_url, request, tmp_path, "other")
    filled(other, clock)
    bot = open_bot(Settings(database_url=other), clock=clock)
    bot.store.add_item(body_id=bot.store.bodies()[0].id, text="只在這個資料庫的案子", agencies=[("教育部", "lead")],
                       actor="test", chat=None)
    bot.store.engine.dispose()

    refused = lieguan("restore", str(tmp_path / "b.zip"), url=other, cwd=tmp_path)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "已經有資料（會議 1 筆、列管案 2 筆" in refused.stderr and "群組綁定 1 筆" in refused.stderr
    assert "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert rows(other, "item") == 2

    forced = lieguan("restore", str(tmp_path / "b.zip"), "--force", url=other, cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert rows(other, "item") == 1


@pytest.mark.parametrize("damage", ["truncated", "foreign", "tampered"])
def test_a_damaged_or_foreign_file_is_refused_and_changes_nothing(
        damage: str, database_url: str, tmp_path: Path, clock: Clock) -> None:
    filled(database_url, clock)
    good = tmp_path / "b.zip"
    assert lieguan("backup", "-o", str(good), url=database_url, cwd=tmp_path).returncode == 0
    bad = tmp_path / "bad.zip"
    if damage == "truncated":  # a copy that stopped half-way
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif damage == "foreign":  # somebody's zip of their own
        with zipfile.ZipFile(bad, "w") as zf:
            zf.writestr("報告.txt", "不是備份")
    else:  # whole zip, damaged database inside
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as zf:
            for name in src.namelist():
                data = src.read(name)
                mid = len(data) // 2
                flipped = data[:mid] + bytes(b ^ 0xFF for b in data[mid:mid + 64]) + data[mid + 64:]
                zf.writestr(name, data if name == "manifest.json" else flipped)
    migrate(database_url)
    before = reply_texts(database_url), rows(database_url, "item"), rows(database_url, "chatbinding")

    refused = lieguan("restore", str(bad), "--force", url=database_url, cwd=tmp_path)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    expected = "不是列管的備份檔" if damage == "foreign" else "不完整或已損毀"
    assert expected in refused.stderr and "資料庫沒有任何變動" in refused.stderr
    assert (reply_texts(database_url), rows(database_url, "item"), rows(database_url, "chatbinding")) == before


def test_restoring_across_engines_points_to_move_to(postgres: object, tmp_path: Path, clock: Clock) -> None:
    sqlite = f"sqlite:///{tmp_path}/lieguan.db"
    filled(sqlite, clock)
    assert lieguan("backup", "-o", str(tmp_path / "b.zip"), url=sqlite, cwd=tmp_path).returncode == 0
    target = str(postgres.create_database("cross_engine"))  # type: ignore[attr-defined]
    refused = lieguan("restore", str(tmp_path / "b.zip"), url=target, cwd=tmp_path)
    assert refused.returncode == 1
    assert "來自 SQLite，目前的資料庫是 PostgreSQL" in refused.stderr and "lieguan move-to" in refused.stderr


def test_without_the_postgresql_client_the_message_names_the_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="postgresql-client"):
        find_tool("pg_dump", places=(str(tmp_path / "postgresql/*/bin"),))


def test_the_daily_backup_writes_dated_files_and_keeps_the_newest(sqlite_url: str, tmp_path: Path,
                                                                 clock: Clock) -> None:
    filled(sqlite_url, clock)
    folder = tmp_path / "backups"
    for _day in range(5):
        clock.advance(days=1)
        scheduled_backup(sqlite_url, folder, keep=3, now=clock())
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == ["lieguan-20261126-013000.zip", "lieguan-20261127-013000.zip", "lieguan-20261128-013000.zip"]
