"""`lieguan` speaks zh-TW in its help and in every error of the command-line framework.

Most cases run `bot.cli.main` in this process (exactly what the `lieguan` script runs, argv and all):
one process walks the help of every command in a second. Two run the installed script itself.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest
import typer
import typer.main

import bot.cli
from bot.cli_zh import run

LIEGUAN = str(Path(sys.executable).parent / "lieguan")
# What Typer and Click print in English when left alone.
FRAMEWORK_ENGLISH = re.compile(
    r"Usage|Options|Arguments|Commands|Missing|No such|Invalid value|Error|Try |for help|Show this message"
    r"|default|required|Aborted|Did you mean|Possible options|does not take|requires an"
    r"|unexpected extra|\[OPTIONS\]|COMMAND|\[ARGS\]|<str>|<path>|<bool>|<int>|\bTEXT\b|\bPATH\b|\bINTEGER\b"
)


def lieguan(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
            ) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["lieguan", *args])
    with pytest.raises(SystemExit) as ended:
        bot.cli.main()
    out, err = capsys.readouterr()
    code = ended.value.code
    return (code if isinstance(code, int) else 0), out, err


def command_paths() -> list[list[str]]:
    """Every command and group of the app, as the words a user types: [], ["report"], ["admin", "add"], …"""
    import bot.cli_import
    import bot.cli_ops
    import bot.cli_remind
    import bot.cli_report
    import bot.cli_web

    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(bot.cli.app), [])
    return paths


PATHS = command_paths()


def test_every_command_is_walked() -> None:
    names = {" ".join(path) for path in PATHS}
    assert {"", "report", "import", "items", "admin", "admin add", "agency alias", "calendar import"} <= names


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "lieguan")
def test_help_of_every_command_is_zh_tw(
    path: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = lieguan([*path, "--help"], capsys, monkeypatch)
    assert code == 0 and err == ""
    assert out.startswith(f"用法：{' '.join(['lieguan', *path])} [選項]")
    assert "  --help" in out and "顯示這份說明後結束。" in out
    assert not FRAMEWORK_ENGLISH.search(out), FRAMEWORK_ENGLISH.search(out)


def test_top_level_help_lists_the_commands_under_指令(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = lieguan(["--help"], capsys, monkeypatch)
    assert out.startswith("用法：lieguan [選項] 指令 [參數]…\n")
    assert "\n選項：\n" in out and "\n指令：\n" in out
    assert re.search(r"^  report +產生「前次會議決議辦理情形」報告。$", out, re.M)


def test_report_help_names_every_format_and_marks_what_is_required(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = lieguan(["report", "--help"], capsys, monkeypatch)
    assert "docx｜odt｜pdf｜xlsx｜md｜csv｜html" in out
    assert re.search(r"^  --format 文字 +.*〔必填〕$", out, re.M)
    assert re.search(r"^  -o, --output 路徑 +.*〔必填〕$", out, re.M)
    assert "〔預設：next〕" in out


def test_import_help_cites_nothing_that_is_not_in_the_repository(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = lieguan(["import", "--help"], capsys, monkeypatch)
    repository = Path(__file__).resolve().parents[1]
    for cited in re.findall(r"[\w./-]+\.(?:md|txt|json|toml)\b", out):
        assert (repository / cited).exists(), f"import --help cites {cited}, which does not exist"
    assert "用法：lieguan import [選項] 檔案" in out


ERRORS = [
    (["report"], "缺少選項「--format」。"),
    (["report", "--format", "docx"], "缺少選項「-o／--output」。"),
    (["bind-code"], "缺少參數「機關」。"),
    (["nosuch"], "沒有「nosuch」這個指令。"),
    (["reprot"], "沒有「reprot」這個指令。您是不是要找：report？"),
    (["report", "--bogus"], "沒有「--bogus」這個選項。您是不是要找：--body？"),
    (["report", "--zzz"], "沒有「--zzz」這個選項。"),
    (["report", "--formt", "docx"], "沒有「--formt」這個選項。您是不是要找：--format？"),
    (["report", "--format"], "選項「--format」後面要接一個值。"),
    (["items", "--json=yes"], "選項「--json」不接受值。"),
    (["items", "extra", "words"], "多了無法辨識的參數：extra words。"),
    (["admin", "nosuch"], "沒有「nosuch」這個指令。"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_framework_errors_are_zh_tw_on_stderr_with_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = lieguan(args, capsys, monkeypatch)
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == f"錯誤：{message}"
    assert not FRAMEWORK_ENGLISH.search(err), FRAMEWORK_ENGLISH.search(err)


def test_a_usage_error_shows_the_usage_line_and_where_help_is(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, err = lieguan(["report"], capsys, monkeypatch)
    assert err.splitlines() == [
        "用法：lieguan report [選項]",
        "執行「lieguan report --help」可看說明。",
        "錯誤：缺少選項「--format」。",
    ]


def test_a_group_without_its_command_shows_its_help_on_stderr(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = lieguan(["admin"], capsys, monkeypatch)
    assert code == 2 and out == ""
    assert err.startswith("用法：lieguan admin [選項] 指令 [參數]…") and "\n指令：\n" in err
    assert not FRAMEWORK_ENGLISH.search(err)


def test_a_value_of_the_wrong_type_is_explained_in_zh_tw(capsys: pytest.CaptureFixture[str]) -> None:
    """Our commands take text, so a small app of the same classes shows the number case."""
    app = typer.Typer(add_completion=False)

    @app.command()
    def count(times: Annotated[int, typer.Option(help="次數")] = 1) -> None:
        typer.echo(times)

    @app.command()
    def other() -> None:
        """另一個指令。"""

    with pytest.raises(SystemExit) as ended:
        run(app, ["count", "--times", "三"])
    err = capsys.readouterr().err
    assert ended.value.code == 2
    assert err.splitlines()[-1] == "錯誤：「--times」的值不正確：須為整數。"
    with pytest.raises(SystemExit):
        run(app, ["count", "--help"])
    assert "--times 整數  次數〔預設：1〕" in capsys.readouterr().out


def test_the_installed_script_speaks_zh_tw(tmp_path: Path) -> None:
    shown = subprocess.run([LIEGUAN, "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0 and shown.stdout.startswith("用法：lieguan [選項] 指令 [參數]…")
    wrong = subprocess.run([LIEGUAN, "report"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and wrong.stdout == ""
    assert wrong.stderr.splitlines()[-1] == "錯誤：缺少選項「--format」。"
    assert not FRAMEWORK_ENGLISH.search(shown.stdout + wrong.stderr)
