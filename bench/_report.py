"""The side-by-side table a webhook bench prints: one column a database, each figure with its aim."""

from __future__ import annotations

from collections.abc import Callable

from bench._load import Phase, Result, Sizes

AIM_RATIO = {"SQLite": 0.3, "PostgreSQL": 0.15}
AIM_P99_MS = 50.0
AIM_STATEMENTS = 3.0
AIM_COMMITS = 0.2
WIDTH = 20


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def mark(ok: bool) -> str:
    return "✔" if ok else "✘"


def p50_p99(values: list[float]) -> str:
    return f"{fmt(pct(values, .5))} / {fmt(pct(values, .99))}"


def fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def per_event(value: float | None, aim: float | None = None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" + (f" {mark(value <= aim)}" if aim is not None else "")


Row = tuple[str, Callable[[Result], str], str]


def rows(sizes: Sizes) -> list[Row]:
    rate = f"{sizes.rate} ev/s"
    return [
        ("events measured, full / steady", lambda r: f"{r.full.events} / {r.steady.events}", ""),
        ("bare route, req/s", lambda r: f"{r.bare_rate:,.0f}", ""),
        ("webhook 200s/s", lambda r: f"{r.hook_rate:,.0f}", ""),
        ("processed ev/s", lambda r: f"{r.processed_rate:,.0f}", ""),
        ("ratio processed/bare", lambda r: f"{r.ratio:.3f} {mark(r.ratio >= AIM_RATIO.get(r.database, 0.3))}",
         "≥ 0.3 SQLite, ≥ 0.15 PostgreSQL"),
        ("ratio by server CPU, bare/event", lambda r: f"{r.bare_cpu_ms / r.full.cpu_ms:.3f}",
         "steadier on a busy machine"),
        ("p50/p99 ms processed, full", lambda r: p50_p99(r.full.done_ms), ""),
        ("p50/p99 ms the 200, full", lambda r: p50_p99(r.full.hook_ms), ""),
        (f"p50/p99 ms processed, {rate}",
         lambda r: f"{p50_p99(r.steady.done_ms)} {mark(pct(r.steady.done_ms, .99) < AIM_P99_MS)}",
         f"p99 < {AIM_P99_MS:.0f} ms"),
        (f"p50/p99 ms the 200, {rate}", lambda r: p50_p99(r.steady.hook_ms), ""),
        (f"p50/p99 ms bare, {rate}", lambda r: p50_p99(r.bare_steady_ms), ""),
        ("statements/event, full", lambda r: per_event(r.full.statements, AIM_STATEMENTS), f"≤ {AIM_STATEMENTS:.0f}"),
        (f"statements/event, {rate}", lambda r: per_event(r.steady.statements, AIM_STATEMENTS),
         f"≤ {AIM_STATEMENTS:.0f}"),
        ("commits/event, full", lambda r: per_event(r.full.commits, AIM_COMMITS), f"≤ {AIM_COMMITS}"),
        (f"commits/event, {rate}", lambda r: per_event(r.steady.commits, AIM_COMMITS), f"≤ {AIM_COMMITS}"),
        ("server CPU ms/event, full", lambda r: per_event(r.full.cpu_ms), ""),
        (f"server CPU ms/event, {rate}", lambda r: per_event(r.steady.cpu_ms), ""),
        ("bare route CPU ms/request", lambda r: per_event(r.bare_cpu_ms), ""),
        ("PostgreSQL CPU ms/event, full", lambda r: per_event(r.full.db_cpu_ms), ""),
        ("driver: statements/event, full", lambda r: per_event(r.full.wire_statements), "BEGIN, COMMIT, pings too"),
        ("driver: commits/event, full", lambda r: per_event(r.full.wire_commits), ""),
        ("rollbacks/event, full", lambda r: per_event(r.full.rollbacks), "SQLAlchemy's"),
        ("pool checkouts/event, full", lambda r: per_event(r.full.checkouts), "PostgreSQL: a ping each"),
    ]


def table(title: str, results: list[Result], sizes: Sizes) -> None:
    print(f"\n{title}")
    print(f"{'':34}" + "".join(f"{r.database:>{WIDTH}}" for r in results) + "   aim")
    for name, cell, aim in rows(sizes):
        print(f"{name:34}" + "".join(f"{cell(r):>{WIDTH}}" for r in results) + (f"   {aim}" if aim else ""))
    for r in results:
        for note in r.notes:
            print(f"{r.database}: {note}")


def breakdown(title: str, figures: dict[str, float], examples: dict[str, str] | None = None,
              top: int = 10) -> None:
    print(f"  {title}: {sum(figures.values()):.2f} per event")
    for shape, count in sorted(figures.items(), key=lambda kv: -kv[1])[:top]:
        print(f"    {count:6.2f}  {shape}")
        if examples and shape in examples:
            print(f"            {examples[shape]}")


def detail(results: list[Result]) -> None:
    for r in results:
        for name, p in (("full load", r.full), ("steady", r.steady)):
            print(f"\n{r.database}, {name} ({p.events} events in {p.seconds:.1f} s): top statements by shape")
            breakdown("SQLAlchemy's cursor executes", p.by_kind, p.examples)
            if p.wire:
                source = "pg_stat_statements" if p.db_cpu_ms is not None else "SQLite's trace callback"
                breakdown(f"what the database ran ({source})", p.wire, top=15)
            show_phase(p)


def show_phase(p: Phase) -> None:
    print(f"  commits {p.commits:.2f}, rollbacks {p.rollbacks:.2f}, pool checkouts {p.checkouts:.2f}, "
          f"server CPU {p.cpu_ms:.2f} ms per event")
