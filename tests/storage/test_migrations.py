"""Migrations bring an empty database to the newest schema, and that schema is the models'."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.db import make_engine, migrate

SCHEDULER_TABLES = {"apscheduler_jobs"}  # APScheduler's own job store is not ours to migrate


def test_migrating_an_empty_database_gives_exactly_the_models(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                SQLModel.metadata)
    engine.dispose()
    meaningful = [d for d in diff if not (d[0] == "remove_table" and d[1].name in SCHEDULER_TABLES)]
    assert meaningful == []


def test_migrating_twice_changes_nothing(database_url: str) -> None:
    migrate(database_url)
    migrate(database_url)
