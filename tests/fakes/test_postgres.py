"""PostgresServer gives the tests a real, disposable PostgreSQL."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.fakes.postgres import PostgresServer, PostgresUnavailable


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with PostgresServer() as server:
        yield server


def query(url: str, statement: str) -> object:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return conn.execute(text(statement)).scalar()
    finally:
        engine.dispose()


def test_it_runs_postgresql_15_on_loopback(postgres: PostgresServer) -> None:
    assert postgres.url == f"postgresql+psycopg://postgres@127.0.0.1:{postgres.port}/postgres"
    assert str(query(postgres.url, "SHOW server_version")).startswith("15.")
    assert query(postgres.url, "SHOW fsync") == "off"


def test_each_test_can_have_a_fresh_database(postgres: PostgresServer) -> None:
    url = postgres.create_database("fresh_one")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE items (id serial PRIMARY KEY, text text NOT NULL)"))
            conn.execute(text("INSERT INTO items (text) VALUES ('請各機關回報辦理情形')"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT text FROM items")).scalar() == "請各機關回報辦理情形"
    finally:
        engine.dispose()
    postgres.drop_database("fresh_one")
    assert query(postgres.url, "SELECT count(*) FROM pg_database WHERE datname = 'fresh_one'") == 0


def test_stop_shuts_the_server_and_removes_its_files() -> None:
    server = PostgresServer().start()
    port, directory = server.port, server.directory
    assert directory is not None and directory.exists()

    server.stop()
    server.stop()  # twice is harmless

    assert not Path(directory).exists()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_missing_binaries_say_how_to_get_them(tmp_path: Path) -> None:
    with pytest.raises(PostgresUnavailable, match="make test"):
        PostgresServer(bin_dir=str(tmp_path)).start()
