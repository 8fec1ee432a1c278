"""The databases a webhook bench runs on: a fresh SQLite file, a throwaway PostgreSQL 15, or a URL.

The PostgreSQL cluster is the tests' (tests/fakes/postgres.py), restarted with PostgreSQL's durable
defaults (fsync, synchronous_commit and full_page_writes on, wal_level replica) because a bench of
commits per event means nothing on a server that does not flush them; pg_stat_statements is loaded so
the load generator can count, from the server's side, every statement the bot sends (BEGIN, COMMIT,
the pool's pings included) and the cluster's CPU is read from /proc.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.postgres import PostgresServer

DURABLE = {
    "listen_addresses": "127.0.0.1",
    "max_connections": "100",
    "shared_preload_libraries": "pg_stat_statements",
    "pg_stat_statements.track": "top",  # what clients send, not the foreign-key checks
    "pg_stat_statements.max": "10000",
}
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class DurablePostgres(PostgresServer):
    """The tests' throwaway cluster, restarted with every durability setting at its default."""

    def _start_on_a_free_port(self) -> None:
        super()._start_on_a_free_port()
        assert self.directory is not None
        options = " ".join(f"-c {k}={v}" for k, v in DURABLE.items())
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-l", str(self.directory / "server.log"),
                  "-o", f"{options} -p {self.port} -k {self.directory}", "-w", "-t", "60", "restart")

    def durability(self) -> dict[str, str]:
        names = ("fsync", "synchronous_commit", "full_page_writes", "wal_level")
        with self._connect() as conn:
            return {name: str(conn.execute(f"SHOW {name}").fetchone()[0]) for name in names}  # type: ignore[index]

    def cpu_seconds(self) -> float:
        """CPU of the postmaster, its live children and the children it has reaped (all backends)."""
        assert self.directory is not None
        master = int((self.directory / "data" / "postmaster.pid").read_text().split()[0])
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            pid, ppid = int(entry.name), int(fields[1])
            if pid == master:
                total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            elif ppid == master:
                total += int(fields[11]) + int(fields[12])
        return total / tick


@dataclass
class Database:
    label: str  # SQLite, PostgreSQL, or the URL's backend
    url: str
    server: DurablePostgres | None = None  # when this bench started the cluster

    def statement_counts(self) -> dict[str, int]:
        """pg_stat_statements calls by query text for the bench database (empty without the cluster)."""
        if self.server is None:
            return {}
        with self.server._connect() as conn:
            rows = conn.execute(
                "SELECT s.query, sum(s.calls)::bigint FROM pg_stat_statements s "
                "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'lieguan_bench' GROUP BY s.query"
            ).fetchall()
        return {str(query): int(str(calls)) for query, calls in rows}

    def cpu_seconds(self) -> float | None:
        return self.server.cpu_seconds() if self.server is not None else None


def chosen(choice: str) -> list[str]:
    """--database: both (the default), sqlite, postgresql, or a SQLAlchemy URL."""
    return ["sqlite", "postgresql"] if choice == "both" else [choice]


@contextmanager
def database(kind: str) -> Iterator[Database]:
    """A fresh, empty database of that kind, removed afterwards (a URL is used as it is)."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="lieguan-bench-") as folder:
            yield Database("SQLite", f"sqlite:///{folder}/bench.db")
    elif kind == "postgresql":
        with DurablePostgres() as server:
            with server._connect() as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            yield Database("PostgreSQL", server.create_database("lieguan_bench"), server)
    else:
        yield Database(LABELS.get(kind.split(":")[0].split("+")[0], kind.split(":")[0]), kind)
