"""The public entry: every format renders, an unknown one is refused, files appear whole or not at all."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot.reports import FORMATS, MIME, ReportError, default_filename, render, with_extension, write_report
from bot.reports.model import ReportData

SIGNATURES = {
    "docx": b"PK",
    "odt": b"PK",
    "pdf": b"%PDF-",
    "xlsx": b"PK",
    "md": "強化".encode(),
    "csv": b"\xef\xbb\xbf",
    "html": b"<!DOCTYPE html>",
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_its_own_kind_of_file(report: ReportData, fmt: str) -> None:
    assert render(report, fmt).startswith(SIGNATURES[fmt])


def test_every_format_has_a_media_type() -> None:
    assert set(MIME) == set(FORMATS)
    assert MIME["docx"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert MIME["odt"] == "application/vnd.oasis.opendocument.text"
    assert MIME["pdf"] == "application/pdf"
    assert MIME["xlsx"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_format_names_forgive_case_and_a_leading_dot(report: ReportData) -> None:
    assert render(report, ".MD") == render(report, "md")


def test_an_unknown_format_is_refused_with_the_list_of_formats(report: ReportData) -> None:
    with pytest.raises(ReportError) as caught:
        render(report, "rtf")
    assert str(caught.value) == "不支援的報告格式「rtf」。可用的格式：docx、odt、pdf、xlsx、md、csv、html。"


def test_default_filename_is_the_title_and_the_format(report: ReportData) -> None:
    assert default_filename(report, "odt") == "強化社會安全網中央跨部會平台第6次會議_前次會議決議辦理情形.odt"


# A PDF carries the moment LibreOffice made it, so two renderings differ; every other format is steady.
STEADY = [fmt for fmt in FORMATS if fmt != "pdf"]


@pytest.mark.parametrize("fmt", STEADY)
def test_write_report_writes_exactly_what_render_returns(
    report: ReportData, fmt: str, tmp_path: Path
) -> None:
    target = tmp_path / f"報告.{fmt}"
    assert write_report(report, fmt, target) == target
    assert target.read_bytes() == render(report, fmt)
    assert os.listdir(tmp_path) == [target.name], "no temporary file is left behind"


def test_office_files_are_the_same_bytes_a_second_later(report: ReportData) -> None:
    """Zip entries carry a date: it is the report's data date, not the moment of writing."""
    first = {fmt: render(report, fmt) for fmt in ("docx", "odt", "xlsx")}
    time.sleep(2.1)  # zip dates count in two-second steps
    assert {fmt: render(report, fmt) for fmt in first} == first


def test_write_report_writes_a_whole_pdf(report: ReportData, tmp_path: Path) -> None:
    target = write_report(report, "pdf", tmp_path / "報告.pdf")
    assert target.read_bytes().startswith(b"%PDF-") and target.read_bytes().rstrip().endswith(b"%%EOF")
    assert os.listdir(tmp_path) == ["報告.pdf"], "no temporary file is left behind"


def test_a_name_with_another_formats_extension_is_refused_and_nothing_is_written(
    report: ReportData, tmp_path: Path
) -> None:
    with pytest.raises(ReportError) as caught:
        write_report(report, "docx", tmp_path / "r.txt")
    assert str(caught.value) == "檔名「r.txt」的副檔名 .txt 與報告格式 docx 不符：請把檔名改成「r.docx」。"
    with pytest.raises(ReportError, match=r"請把檔名改成「r\.docx」，或改用 odt 格式"):
        write_report(report, "docx", tmp_path / "r.odt")
    assert os.listdir(tmp_path) == []


def test_the_formats_own_extension_in_any_case_is_accepted(report: ReportData, tmp_path: Path) -> None:
    write_report(report, "docx", tmp_path / "R.DOCX")
    write_report(report, "html", tmp_path / "r.htm")
    write_report(report, "md", tmp_path / "r.markdown")
    assert sorted(os.listdir(tmp_path)) == ["R.DOCX", "r.htm", "r.markdown"]


def test_a_name_without_an_extension_gets_the_formats() -> None:
    assert with_extension(Path("第6次會議"), "xlsx") == Path("第6次會議.xlsx")
    assert with_extension(Path("out/115.12.7報告"), "odt") == Path("out/115.12.7報告.odt"), "a dot is not an extension"
    assert with_extension(Path("r.csv"), "csv") == Path("r.csv")
    with pytest.raises(ReportError):
        with_extension(Path("r.txt"), "csv")


def test_write_report_replaces_an_older_report_whole(report: ReportData, tmp_path: Path) -> None:
    target = tmp_path / "報告.md"
    target.write_text("舊的報告")
    write_report(report, "md", target)
    assert target.read_bytes() == render(report, "md")


def test_a_missing_folder_is_a_clear_error(report: ReportData, tmp_path: Path) -> None:
    target = tmp_path / "沒有這個資料夾" / "報告.docx"
    with pytest.raises(ReportError, match=r"資料夾「.*沒有這個資料夾」不存在，請先建立資料夾"):
        write_report(report, "docx", target)
    assert os.listdir(tmp_path) == []


def test_a_file_in_place_of_the_folder_is_a_clear_error(report: ReportData, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ReportError, match=r"「.*notes\.txt」是檔案而不是資料夾，請改存到其他位置"):
        write_report(report, "odt", tmp_path / "notes.txt" / "報告.odt")
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_a_folder_given_as_the_file_is_a_clear_error(report: ReportData, tmp_path: Path) -> None:
    (tmp_path / "報告").mkdir()
    with pytest.raises(ReportError, match=r"是一個資料夾，請在後面加上檔名，例如「.*報告/報告\.md」"):
        write_report(report, "md", tmp_path / "報告")
    assert sorted(os.listdir(tmp_path)) == ["報告"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway; the /sys test below covers root")
def test_an_unwritable_folder_is_a_clear_error_and_leaves_nothing(report: ReportData, tmp_path: Path) -> None:
    folder = tmp_path / "唯讀"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ReportError, match=r"沒有寫入資料夾「.*唯讀」的權限，請改存到其他位置"):
            write_report(report, "docx", folder / "報告.docx")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.isdir("/sys"), reason="only root needs /sys (which refuses new files even to root); the chmod test above covers everyone else"
)
def test_a_folder_nobody_may_write_is_a_clear_error(report: ReportData) -> None:
    with pytest.raises(ReportError, match="沒有寫入資料夾「/sys」的權限，請改存到其他位置"):
        write_report(report, "docx", Path("/sys/報告.docx"))


def test_a_failure_after_writing_leaves_no_partial_file(
    report: ReportData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rename fails: the target became a non-empty folder after the check (another program).
    target = tmp_path / "報告.docx"
    temporaries: list[str] = []
    real_replace = os.replace

    def replace_onto_a_folder(src: str, dst: str) -> None:
        temporaries.append(src)
        Path(dst).mkdir()
        (Path(dst) / "x").write_text("x")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_onto_a_folder)
    with pytest.raises(ReportError, match="無法寫入報告"):
        write_report(report, "docx", target)
    assert temporaries and not Path(temporaries[0]).exists()
    assert os.listdir(tmp_path) == ["報告.docx"] and target.is_dir()


def test_an_unknown_format_writes_nothing(report: ReportData, tmp_path: Path) -> None:
    with pytest.raises(ReportError):
        write_report(report, "xls", tmp_path / "報告.xls")
    assert os.listdir(tmp_path) == []
