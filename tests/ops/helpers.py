"""What the operations tests share: the `lieguan` command as an operator runs it, and fresh databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import make_engine

LIEGUAN = str(Path(sys.executable).parent / "lieguan")


def environment(url: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("LIEGUAN_")} | {"LIEGUAN_DATABASE_URL": url}


def lieguan(*args: str, url: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LIEGUAN, *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          env=environment(url), timeout=300)


def another_database(like: str, request: pytest.FixtureRequest, tmp_path: Path, name: str) -> str:
    """An empty database on the same engine as `like`."""
    if like.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/{name}.db"
    server = request.getfixturevalue("postgres")
    return str(server.create_database(f"{name}_{abs(hash(tmp_path)) % 10**8}"))


def rows(url: str, table: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar() or 0)
    finally:
        engine.dispose()


def reply_texts(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT text FROM reply ORDER BY id"))]
    finally:
        engine.dispose()
