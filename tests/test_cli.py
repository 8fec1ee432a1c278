"""The `lieguan` command as scripts use it (spec/contracts.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LIEGUAN = str(Path(sys.executable).parent / "lieguan")


def lieguan(*args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LIEGUAN_")} | (env or {})
    return subprocess.run([LIEGUAN, *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          env=environment, timeout=120)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


def test_init_creates_the_default_sqlite_database_under_data(workdir: Path) -> None:
    result = lieguan("init", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert (workdir / "data" / "lieguan.db").exists()
    assert "資料庫已就緒" in result.stdout


def test_a_script_sets_up_a_body_binds_and_lists_items_as_json(workdir: Path) -> None:
    code = lieguan("bind-code", "教育部", cwd=workdir).stdout.strip().splitlines()[-1]
    assert len(code) == 7 and code[3] == "-"
    script = "\n".join([
        "會議 新增 強化社會安全網中央跨部會平台",
        "新增 請教育部提出轉介流程 主辦：教育部 協辦：勞動部 期限：下次會議",
        "新增 請衛福部提出報告 主辦：衛福部 期限：116/1/15",
    ]) + "\n"
    chat = lieguan("chat", "--as", "秘書處", cwd=workdir, stdin=script)
    assert chat.returncode == 0, chat.stderr
    answers = chat.stdout.split("\n\n")
    assert answers[1].startswith("已新增 #1") and answers[2].startswith("已新增 #2")
    reply = lieguan("chat", "--as", "教育部", cwd=workdir, stdin="#1 已召開研商會議\n")
    assert "已記錄 #1" in reply.stdout
    items = json.loads(lieguan("items", "--json", cwd=workdir).stdout)
    old_fields = ("body", "case", "text", "status", "due", "agencies", "last_reply")
    assert {k: items[0][k] for k in old_fields} == {
        "body": "強化社會安全網中央跨部會平台", "case": "1", "text": "請教育部提出轉介流程",
        "status": "tracking", "due": "next_meeting",
        "agencies": [{"name": "教育部", "role": "lead"}, {"name": "勞動部", "role": "assist"}],
        "last_reply": {"agency": "教育部", "text": "已召開研商會議", "at": items[0]["last_reply"]["at"]},
    }
    assert items[0]["last_reply"]["at"].endswith("+08:00")
    assert items[1]["due"] == "2027-01-15" and items[1]["last_reply"] is None
    only_moe = json.loads(lieguan("items", "--agency", "衛福部", "--json", cwd=workdir).stdout)
    assert [i["case"] for i in only_moe] == ["2"]


def test_errors_go_to_stderr_without_a_traceback(workdir: Path) -> None:
    result = lieguan("items", "--status", "weird", cwd=workdir)
    assert result.returncode != 0 and "open、released 或 all" in result.stderr and result.stdout == ""
    result = lieguan("chat", "--as", "火星部", cwd=workdir, stdin="說明\n")
    assert result.returncode != 0 and "找不到機關" in result.stderr and "Traceback" not in result.stderr


def test_environment_wins_over_lieguan_toml(workdir: Path) -> None:
    (workdir / "lieguan.toml").write_text('database_url = "sqlite:///./from-toml.db"\n', encoding="utf-8")
    lieguan("init", cwd=workdir)
    assert (workdir / "from-toml.db").exists()
    lieguan("init", cwd=workdir, env={"LIEGUAN_DATABASE_URL": "sqlite:///./from-env.db"})
    assert (workdir / "from-env.db").exists()


def test_admins_are_managed_from_the_cli(workdir: Path) -> None:
    assert lieguan("admin", "add", "line:U123", cwd=workdir).returncode == 0
    assert "line:U123" in lieguan("admin", "list", cwd=workdir).stdout
    assert lieguan("admin", "remove", "line:U123", cwd=workdir).returncode == 0
    assert lieguan("admin", "remove", "line:U123", cwd=workdir).returncode == 1


SEED = Path(__file__).parent / "data" / "minutes" / "000_663eb93f7475aed5.txt"


def test_import_dry_run_json_needs_no_database_and_writes_nothing(workdir: Path) -> None:
    result = lieguan("import", str(SEED), "--dry-run", "--json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    extraction = json.loads(result.stdout)
    assert set(extraction) == {"meeting", "reviews", "items", "candidates", "warnings"}
    assert extraction["meeting"]["date"] == "2020-03-11" and extraction["meeting"]["number"] == 5
    assert not (workdir / "data").exists()


def test_import_yes_saves_and_a_second_import_changes_nothing(workdir: Path) -> None:
    first = lieguan("import", str(SEED), "--yes", "--resolve", "keep", cwd=workdir)
    assert first.returncode == 0 and "已存檔：新增 15 案" in first.stdout
    second = lieguan("import", str(SEED), "--yes", cwd=workdir)
    assert "已經匯入過了" in second.stdout
    assert len(json.loads(lieguan("items", "--json", "--status", "all", cwd=workdir).stdout)) == 26


def test_import_without_yes_from_a_script_saves_nothing(workdir: Path) -> None:
    result = lieguan("import", str(SEED), cwd=workdir, stdin="")
    assert result.returncode == 1 and "未確認" in result.stderr
    assert json.loads(lieguan("items", "--json", cwd=workdir).stdout) == []


def test_import_of_an_empty_file_is_refused(workdir: Path) -> None:
    empty = workdir / "empty.txt"
    empty.write_bytes(b"")
    result = lieguan("import", str(empty), "--dry-run", "--json", cwd=workdir)
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr


def test_report_command_writes_the_file_and_refuses_bad_paths(workdir: Path) -> None:
    lieguan("import", str(SEED), "--yes", "--resolve", "keep", cwd=workdir)
    out = workdir / "報告.docx"
    result = lieguan("report", "--format", "docx", "-o", str(out), cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert out.exists() and "擬解除列管 0" in result.stdout
    bad = lieguan("report", "--format", "docx", "-o", str(workdir / "no" / "such" / "r.docx"), cwd=workdir)
    assert bad.returncode == 1 and not (workdir / "no").exists()
    unknown = lieguan("report", "--format", "rtf", "-o", str(workdir / "r.rtf"), cwd=workdir)
    assert unknown.returncode == 1 and "docx、odt、pdf、xlsx、md、csv、html" in unknown.stderr


def test_report_to_a_file_named_for_another_format_is_refused_and_writes_nothing(workdir: Path) -> None:
    lieguan("import", str(SEED), "--yes", "--resolve", "keep", cwd=workdir)
    result = lieguan("report", "--format", "docx", "-o", "r.txt", cwd=workdir)
    assert result.returncode == 1 and result.stdout == ""
    assert "副檔名 .txt 與報告格式 docx 不符：請把檔名改成「r.docx」" in result.stderr
    assert not (workdir / "r.txt").exists() and not (workdir / "r.docx").exists()


def test_report_to_a_name_without_an_extension_gets_the_formats(workdir: Path) -> None:
    lieguan("import", str(SEED), "--yes", "--resolve", "keep", cwd=workdir)
    result = lieguan("report", "--format", "xlsx", "-o", "第6次會議", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == str((workdir / "第6次會議.xlsx").resolve())
    assert (workdir / "第6次會議.xlsx").read_bytes().startswith(b"PK")


def test_report_as_pdf_and_as_excel_from_the_cli(workdir: Path) -> None:
    lieguan("import", str(SEED), "--yes", "--resolve", "keep", cwd=workdir)
    for fmt in ("pdf", "xlsx"):
        result = lieguan("report", "--format", fmt, "-o", f"r.{fmt}", cwd=workdir)
        assert result.returncode == 0, result.stderr
    assert (workdir / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert (workdir / "r.xlsx").read_bytes().startswith(b"PK")


def test_report_as_pdf_without_libreoffice_names_the_package(workdir: Path) -> None:
    lieguan("import", str(SEED), "--yes", "--resolve", "keep", cwd=workdir)
    bare = workdir / "bin"  # a PATH on which there is no soffice
    bare.mkdir()
    result = lieguan("report", "--format", "pdf", "-o", "r.pdf", cwd=workdir, env={"PATH": str(bare)})
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr
    assert "沒有安裝 LibreOffice" in result.stderr and "libreoffice-writer-nogui" in result.stderr
    assert not (workdir / "r.pdf").exists()


def test_the_secretariat_asks_for_pdf_and_excel_reports_in_chat(workdir: Path) -> None:
    lieguan("import", str(SEED), "--yes", "--resolve", "keep", cwd=workdir)
    chat = lieguan("chat", "--as", "秘書處", cwd=workdir, stdin="報告 pdf\n報告 xlsx\n")
    assert chat.returncode == 0, chat.stderr
    files = [Path(line.removeprefix("檔案：")) for line in chat.stdout.splitlines() if line.startswith("檔案：")]
    assert [f.suffix for f in files] == [".pdf", ".xlsx"]
    assert files[0].read_bytes().startswith(b"%PDF-") and files[1].read_bytes().startswith(b"PK")
    bare = workdir / "bin"  # no LibreOffice on this PATH
    bare.mkdir()
    refused = lieguan("chat", "--as", "秘書處", cwd=workdir, stdin="報告 pdf\n", env={"PATH": str(bare)})
    assert refused.returncode == 0 and "請系統管理員安裝 libreoffice-writer-nogui 套件" in refused.stdout
