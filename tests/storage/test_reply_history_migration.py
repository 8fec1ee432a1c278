"""Migration 0004 links an edit stored before it to the version it replaced, so the report shows one."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import text

from storage.db import alembic_config, make_engine, migrate


def test_edits_stored_before_0004_become_corrections_of_what_they_replaced(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "0003")
    engine = make_engine(database_url)
    at = datetime(2026, 11, 23, 1, 30)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO body (id, name, code, reminder_weekday, reminder_time, "
                          "deadline_office_days, created_at) VALUES (1, '平台', '平台', 0, '09:30', 5, :at)"),
                     {"at": at})
        conn.execute(text("INSERT INTO item (id, body_id, \"case\", subject, text, status, due_next_meeting, "
                          "created_at, updated_at) VALUES (1, 1, '1', '', '請教育部辦理', 'tracking', false, :at, :at)"),
                     {"at": at})
        for reply_id, words, superseded in ((1, "初稿", 2), (2, "定稿", None), (3, "另一則", None)):
            conn.execute(text("INSERT INTO reply (id, item_id, agency, kind, text, author, chat, at, late, "
                              "superseded_by, withdrawn) VALUES (:id, 1, '教育部', 'progress', :t, 'u', 'c', :at, "
                              "false, :s, false)"), {"id": reply_id, "t": words, "at": at, "s": superseded})
    migrate(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, corrects, on_behalf FROM reply ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(1, None, False), (2, 1, False), (3, None, False)]
