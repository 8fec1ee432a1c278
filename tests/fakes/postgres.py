"""A real, throwaway PostgreSQL 15 for the tests.

``initdb`` on a fresh temporary directory, ``pg_ctl start`` on a free port of 127.0.0.1
(unix sockets in the same directory), trust authentication, durability switched off
since the data dies with the test run. PostgreSQL refuses to run as root, so when the tests
run as root (CI, containers) the server runs as ``nobody``.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Self

import psycopg
from psycopg import sql

DEFAULT_BIN = "/usr/lib/postgresql/15/bin"
RUN_AS = "nobody"
# Speed over safety: nothing here needs to survive a crash.
FAST_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "shared_buffers": "32MB",
    "max_connections": "100",
}


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL binaries are missing or the server would not start."""


class PostgresServer:
    def __init__(self, bin_dir: str | None = None, *, settings: dict[str, str] | None = None) -> None:
        self.bin_dir = Path(bin_dir or os.environ.get("LIEGUAN_PG_BIN") or DEFAULT_BIN)
        self.settings = FAST_SETTINGS | (settings or {})  # e.g. fsync on, for the crash tests
        self.port = 0
        self._dir: Path | None = None

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the ``postgres`` database (user ``postgres``, no password)."""
        return self.database_url("postgres")

    @property
    def directory(self) -> Path | None:
        """The temporary directory holding the data, the log and the sockets, while running."""
        return self._dir

    def database_url(self, name: str) -> str:
        if not self.port:
            raise RuntimeError("the PostgreSQL server is not started")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> Self:
        if self._dir is not None:
            return self
        for tool in ("initdb", "pg_ctl"):
            if not os.access(self.bin_dir / tool, os.X_OK):
                raise PostgresUnavailable(
                    f"PostgreSQL 15 is not installed ({self.bin_dir / tool} is missing; "
                    "LIEGUAN_PG_BIN can point elsewhere). Run `make test`, which installs postgresql-15."
                )
        self._dir = Path(tempfile.mkdtemp(prefix="lieguan-pg-"))
        atexit.register(self.stop)
        try:
            self._prepare_dir(self._dir)
            self._run(
                "initdb",
                "-D",
                str(self._dir / "data"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            )
            self._start_on_a_free_port()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory; safe to call twice."""
        if self._dir is None:
            return
        directory, self._dir = self._dir, None
        atexit.unregister(self.stop)
        if (directory / "data" / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(directory / "data"), "-m", "fast", "-w", "stop")
            except PostgresUnavailable:
                self._run("pg_ctl", "-D", str(directory / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(directory, ignore_errors=True)
        self.port = 0

    def create_database(self, name: str) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        with self._connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        with self._connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---- internals ---------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def _start_on_a_free_port(self) -> None:
        assert self._dir is not None
        # Another process may take the port between our probe and the server's bind: retry.
        for attempt in range(3):
            self.port = _free_port()
            options = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
            options += f" -p {self.port} -k {self._dir}"
            try:
                self._run(
                    "pg_ctl",
                    "-D",
                    str(self._dir / "data"),
                    "-l",
                    str(self._dir / "server.log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                )
                return
            except PostgresUnavailable:
                if attempt == 2:
                    log = (self._dir / "server.log").read_text(errors="replace")[-2000:]
                    raise PostgresUnavailable(
                        f"PostgreSQL did not start; its log ends with:\n{log}"
                    ) from None

    def _prepare_dir(self, directory: Path) -> None:
        if os.geteuid() != 0:
            return
        user = pwd.getpwnam(RUN_AS)
        os.chown(directory, user.pw_uid, user.pw_gid)
        # The server user must be able to walk down to its directory.
        for parent in directory.parents:
            if not parent.stat().st_mode & stat.S_IXOTH:
                raise PostgresUnavailable(
                    f"{parent} is not traversable by {RUN_AS}; set TMPDIR to a directory that is "
                    "(e.g. /tmp), or run the tests as an ordinary user"
                )

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:
            command = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", RUN_AS, "--", *command]
        result = subprocess.run(
            command,
            cwd=self._dir or "/",
            capture_output=True,
            text=True,
            check=False,
            env=os.environ | {"LC_ALL": "C.UTF-8"},
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"{tool} failed ({result.returncode}): {result.stderr.strip()}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
