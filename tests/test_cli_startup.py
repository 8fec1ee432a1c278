"""`lieguan --help` and `lieguan import --dry-run` load only what they use: no database layer, no chat SDK,
no scheduler, no report library (each costs a noticeable part of a second at start-up)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MINUTES = ROOT / "tests" / "data" / "minutes" / "000_663eb93f7475aed5.txt"
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "telegram", "linebot", "apscheduler", "docx", "odfdo", "openpyxl")

# Runs the real entry point in a fresh interpreter, then lists which heavy packages got imported.
PROBE = """
import contextlib, io, json, sys
args, watched = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
sys.argv = ["lieguan", *args]
import bot.cli
out, code = io.StringIO(), None
try:
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        bot.cli.main()
except SystemExit as exc:
    code = exc.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & watched)
print(json.dumps({"code": code, "out": out.getvalue(), "heavy": heavy}))
"""


def _run(*args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_help_builds_without_database_sdks_or_report_libraries() -> None:
    result = _run("--help")
    assert result["code"] == 0
    assert "import" in str(result["out"]) and "report" in str(result["out"])
    assert result["heavy"] == []


def test_a_command_help_loads_nothing_heavy_either() -> None:
    result = _run("report", "--help")
    assert result["code"] == 0 and "docx" in str(result["out"])
    assert result["heavy"] == []


def test_import_dry_run_json_reads_minutes_without_database_or_reports() -> None:
    result = _run("import", str(MINUTES), "--dry-run", "--json")
    assert result["code"] == 0
    assert json.loads(str(result["out"]))["items"]
    assert result["heavy"] == []


def test_the_secretariat_name_the_cli_spells_out_is_the_stored_one() -> None:
    from bot.cli import SECRETARIAT
    from storage.models import SECRETARIAT as STORED

    assert SECRETARIAT == STORED
