"""Benchmark: how well the import finds the decisions, and how fast.

    .venv/bin/python bench/bench_minutes_quality.py [--verbose] [--seconds 2]

Scores `extract()` with the shared score_minutes.py on every minutes the project holds with a gold
file: the four seeds, the own fixtures, the written cases (tests/data/minutes/cases/) and the
collected corpus of real minutes (tests/data/minutes/corpus/, c2xx central and l3xx local). Prints
micro-averaged precision, recall and agency accuracy per set (judgment calls cost nothing), then
parse speed: documents per second over all of them, and milliseconds for a 20-page record (the best
of several rounds, as the machine is shared).
`--verbose` adds one line per document with what it missed and what it took wrongly.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from bot.minutes import extract, read_minutes
from config.directory import AgencyDirectory

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "minutes"


def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_minutes", DATA / "score_minutes.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documents(folder: Path, pattern: str = "*.json") -> list[tuple[Path, dict[str, Any]]]:
    """(minutes file, gold) pairs: the gold names its file; a gold without its minutes is skipped."""
    found = []
    for gold_path in sorted(folder.glob(pattern)):
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(gold, dict) or "items" not in gold:
            continue
        name = gold.get("file") or ""
        path = folder / name if name else None
        if path is None or not path.exists():
            path = next((p for p in folder.glob(gold_path.stem + ".*") if p.suffix != ".json"), None)
        if path is not None and path.exists():
            found.append((path, gold))
    return found


@dataclass
class Totals:
    docs: int = 0
    tp: int = 0
    fp: int = 0
    required: int = 0
    agencies_right: int = 0
    agencies_scored: int = 0
    reviews_exact: int = 0
    lines: list[str] = field(default_factory=list)

    def add(self, result: dict[str, Any]) -> None:
        self.docs += 1
        self.tp += result["tp"]
        self.fp += result["fp"]
        self.required += result["required"]
        self.agencies_right += result["agencies_right"]
        self.agencies_scored += result["agencies_scored"]
        self.reviews_exact += bool(result["reviews_exact"])

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.required if self.required else 1.0

    @property
    def agency(self) -> float:
        return self.agencies_right / self.agencies_scored if self.agencies_scored else 1.0

    def summary(self, name: str) -> str:
        return (f"{name:<16} {self.docs:>3} docs  precision {self.precision:.3f}  recall {self.recall:.3f}  "
                f"agencies {self.agency:.3f}  (tp {self.tp}, fp {self.fp}, required {self.required}; "
                f"reviews exact {self.reviews_exact}/{self.docs})")


def score_set(pairs: list[tuple[Path, dict[str, Any]]], directory: AgencyDirectory, module: ModuleType) -> Totals:
    totals = Totals()
    for path, gold in pairs:
        got = extract(read_minutes(path.name, path.read_bytes()), directory=directory).to_json()
        result = module.score(gold, got)
        totals.add(result)
        totals.lines.append(
            f"  {path.name}: P={result['precision']} R={result['recall']} A={result['agency_accuracy']} "
            f"reviews={'ok' if result['reviews_exact'] else 'WRONG'} meeting={result['meeting_fields']}"
            + (f"\n      missed: {result['missed']}" if result["missed"] else "")
            + (f"\n      wrong: {result['false_positives']}" if result["false_positives"] else "")
            + (f"\n      agencies: {result['wrong_agencies']}" if result["wrong_agencies"] else "")
        )
    return totals


def twenty_pages() -> str:
    """A 20-page record: seed 000 (about 8 pages) two and a half times over."""
    text = (DATA / "000_663eb93f7475aed5.txt").read_text(encoding="utf-8")
    body = text.split("參、 報告案", 1)[1]
    return text + "\n" + body + "\n" + body[: len(body) // 2]


def speed(all_pairs: list[tuple[Path, dict[str, Any]]], directory: AgencyDirectory, seconds: float) -> tuple[float, float]:
    """The best of several rounds: the machine is shared, the fastest round is the parser's own cost."""
    files = [(p.name, p.read_bytes()) for p, _ in all_pairs]
    rounds, best_round, started = 0, float("inf"), time.perf_counter()
    while rounds < 3 or time.perf_counter() - started < seconds:
        start = time.perf_counter()
        for name, content in files:
            extract(read_minutes(name, content), directory=directory)
        best_round, rounds = min(best_round, time.perf_counter() - start), rounds + 1
    big, best_big = twenty_pages(), float("inf")
    for _ in range(10):
        start = time.perf_counter()
        extract(big, directory=directory)
        best_big = min(best_big, time.perf_counter() - start)
    return len(files) / best_round, 1000 * best_big


def main() -> int:
    parser = argparse.ArgumentParser(description="會議紀錄匯入品質與效能")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    directory, module = AgencyDirectory.load_default(), scorer()
    sets = {
        "seeds": documents(DATA, "0*.json"),
        "own fixtures": documents(DATA / "own"),
        "written cases": documents(DATA / "cases"),
        "corpus central": documents(DATA / "corpus", "c*.json"),
        "corpus local": documents(DATA / "corpus", "l*.json"),
    }
    corpus = Totals()
    for name, pairs in sets.items():
        totals = score_set(pairs, directory, module)
        print(totals.summary(name))
        if args.verbose:
            print("\n".join(totals.lines))
        if name.startswith("corpus"):
            for key in ("docs", "tp", "fp", "required", "agencies_right", "agencies_scored", "reviews_exact"):
                setattr(corpus, key, getattr(corpus, key) + getattr(totals, key))
    print(corpus.summary("corpus (all)"))
    every = [pair for pairs in sets.values() for pair in pairs]
    per_second, big_ms = speed(every, directory, args.seconds)
    print(f"parse speed: {per_second:.0f} documents/s over {len(every)} documents; "
          f"a 20-page record in {big_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
