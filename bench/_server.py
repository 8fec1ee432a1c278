"""What a bench server counts about itself, and the routes the load generator reads it from.

Statements and commits are counted with SQLAlchemy's engine events on the bot's engine: every
cursor execute (an executemany counts once) and every commit and rollback of a connection. On SQLite
the driver's trace callback also counts what really runs (the implicit BEGIN and the COMMIT
included, and statements sent through the raw DB-API, which SQLAlchemy's events never see); on
PostgreSQL the load generator reads the same from pg_stat_statements.

    GET  /bench/cpu   JSON: this process's CPU seconds (all threads) and the counters so far
    POST /bench/bare  reads the body and answers 200: the floor a webhook is measured against
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections import Counter
from typing import Any

from aiohttp import web
from sqlalchemy import Engine, event

_VERB = re.compile(r"\s*(?:--\s*)?(\w+)")
_AFTER = {verb: re.compile(pattern, re.I) for verb, pattern in {
    "SELECT": r"\bFROM\s+([\w.\"]+)", "INSERT": r"\bINTO\s+([\w.\"]+)", "UPDATE": r"^\s*UPDATE\s+([\w.\"]+)",
    "DELETE": r"\bFROM\s+([\w.\"]+)", "PRAGMA": r"PRAGMA\s+(\w+)", "SET": r"SET\s+(\w+)"}.items()}
_WHERE = re.compile(r"\bWHERE\b(.*)", re.I | re.S)
_COLUMN = re.compile(r"([\w.\"]+)\s*(?:=|<|>|!=|\bIN\b|\bIS\b|\bLIKE\b)", re.I)


def kind(sql: str) -> str:
    """A statement's shape for a breakdown: verb, table, the columns its WHERE tests, and its tails.

    `SELECT agencies WHERE chat_bindings.chat`, `INSERT outbox … ON CONFLICT`, `UPDATE outbox WHERE
    id …RETURNING`: values and the select list left out, so one kind gathers every call.
    """
    verb_match = _VERB.match(sql)
    verb = verb_match.group(1).upper() if verb_match else "?"
    if sql.lstrip().startswith("--"):
        return " ".join(sql.split()[:3]).lower()  # SQLite's trace names a trigger's statements so
    parts = [verb]
    pattern = _AFTER.get(verb)
    table = pattern.search(sql) if pattern else None
    if table:
        parts.append(table.group(1).strip('"').split(".")[-1])
    where = _WHERE.search(sql) if verb in ("SELECT", "UPDATE", "DELETE") else None
    if where:
        columns = list(dict.fromkeys(c.replace('"', '') for c in _COLUMN.findall(where.group(1)[:400])))[:4]
        if columns:
            parts.append("WHERE " + ", ".join(columns))
    upper = sql.upper()
    for tail in ("ON CONFLICT", "RETURNING", "FOR UPDATE", "SKIP LOCKED"):
        if tail in upper:
            parts.append("…" + tail)
    return " ".join(parts)


class SqlCounters:
    """Statements, commits and rollbacks on one engine, from any thread."""

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self.statements: Counter[str] = Counter()  # SQL text as SQLAlchemy sends it → calls
        self.commits = 0
        self.rollbacks = 0
        self.checkouts = 0  # from the pool; with pool_pre_ping (PostgreSQL) each is a round trip
        self.traced: Counter[str] = Counter()  # SQLite only: kind of what the driver ran → count
        self._raw: list[str] = []  # traced and not yet sorted into kinds
        self._kinds: dict[str, str] = {}
        self._own_cpu = 0.0  # spent sorting statements into kinds: not the bot's work
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)
        event.listen(engine, "checkout", self._checkout)

    def _statement(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                   executemany: bool) -> None:
        with self._lock:
            self.statements[statement] += 1

    def _commit(self, conn: Any) -> None:
        with self._lock:
            self.commits += 1

    def _rollback(self, conn: Any) -> None:
        with self._lock:
            self.rollbacks += 1

    def _checkout(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        with self._lock:
            self.checkouts += 1
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(self._traced)

    def _traced(self, sql: str) -> None:
        self._raw.append(sql)  # atomic; sorted later, off the bot's clock

    def snapshot(self) -> dict[str, Any]:
        started = time.process_time()
        raw, self._raw = self._raw, []  # the bench reads once the server is quiet: no append races this
        self.traced.update(kind(sql) for sql in raw)
        with self._lock:
            statements = dict(self.statements)
            commits, rollbacks, checkouts = self.commits, self.rollbacks, self.checkouts
        traced = dict(self.traced)
        by_kind: Counter[str] = Counter()
        examples: dict[str, str] = {}
        for sql, calls in statements.items():
            shape = self._kinds.get(sql) or self._kinds.setdefault(sql, kind(sql))
            by_kind[shape] += calls
            examples.setdefault(shape, " ".join(sql.split())[:150])
        self._own_cpu += time.process_time() - started
        return {"cpu": time.process_time() - self._own_cpu, "statements": sum(statements.values()),
                "commits": commits, "rollbacks": rollbacks, "checkouts": checkouts, "by_kind": dict(by_kind),
                "examples": examples, "traced": traced}


def install(app: web.Application, engine: Engine) -> SqlCounters:
    """Count on the bot's engine from now on, and add /bench/cpu and /bench/bare to its app."""
    counters = SqlCounters(engine)

    async def bare(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="OK")

    async def cpu(request: web.Request) -> web.Response:
        return web.json_response(counters.snapshot())

    app.router.add_post("/bench/bare", bare)
    app.router.add_get("/bench/cpu", cpu)
    return counters
