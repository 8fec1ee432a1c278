"""What the chair gets on paper: LibreOffice prints the .docx and the .odt of a 60-item report.

LibreOffice is a test dependency (`make system-deps` installs it), so its absence fails these tests.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.reports import ReportError, pdf, render, write_report
from bot.reports.cells import subtitle
from bot.reports.model import AgencyStatus, ReportData, ReportReply
from tests.reports.samples import BODY, long_report

ROWS = 60
SOURCES = {"docx": "from_word.docx", "odt": "from_odf.odt"}


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail("找不到 LibreOffice（soffice），報告的 PDF 檢查需要它：請先執行 make system-deps。")
    return found


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PdfReader]:
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("pdf")
    report = long_report(ROWS)
    files = [str(write_report(report, fmt, folder / name)) for fmt, name in SOURCES.items()]
    # A private HOME and profile: no lock or first-run state shared with anyone else's LibreOffice.
    env = {**os.environ, "HOME": str(folder / "home")}
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    done = subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), *files],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    readers = {}
    for fmt, name in SOURCES.items():
        pdf = folder / Path(name).with_suffix(".pdf")
        assert pdf.exists(), f"LibreOffice did not convert {name}: {done.stdout}{done.stderr}"
        readers[fmt] = PdfReader(pdf)
    return readers


def _pages(reader: PdfReader) -> list[str]:
    """The text of each page without whitespace: PDF extraction spaces CJK and digits at will."""
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def test_libreoffice_is_installed_for_the_pdf_checks() -> None:
    assert _soffice()


@pytest.mark.parametrize("fmt", SOURCES)
def test_a_long_report_prints_on_several_a4_landscape_pages(pdfs: dict[str, PdfReader], fmt: str) -> None:
    pages = pdfs[fmt].pages
    assert len(pages) > 1
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595), "A4 landscape is 297 × 210 mm"


@pytest.mark.parametrize("fmt", SOURCES)
def test_the_header_row_is_repeated_on_every_page(pdfs: dict[str, PdfReader], fmt: str) -> None:
    for number, text in enumerate(_pages(pdfs[fmt]), start=1):
        assert "案由及決議（定）事項" in text and "主辦／協辦機關" in text, f"page {number} has no header row"


@pytest.mark.parametrize("fmt", SOURCES)
def test_every_page_is_numbered_in_the_footer(pdfs: dict[str, PdfReader], fmt: str) -> None:
    pages = _pages(pdfs[fmt])
    for number, text in enumerate(pages, start=1):
        assert f"第{number}頁，共{len(pages)}頁" in text


@pytest.mark.parametrize("fmt", SOURCES)
def test_the_chinese_text_survives_printing(pdfs: dict[str, PdfReader], fmt: str) -> None:
    text = "".join(_pages(pdfs[fmt]))
    assert f"{BODY}第6次會議" in text
    assert re.sub(r"\s+", "", subtitle(long_report(ROWS))) in text and "資料截至115年6月3日" in text
    assert "未回報" in text and "逾期回報" in text
    assert "教育部（115/5/18）" in text
    assert f"共{ROWS}案：擬解除列管15案、擬繼續列管30案、尚未決定15案；未回報30案。" in text


def _font_families(reader: PdfReader) -> set[str]:
    """Each font's family as LibreOffice embedded it: /BAAAAA+UKaiCN → UKaiCN, bold or not."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            base = str(font.get_object()["/BaseFont"]).lstrip("/")
            names.add(base.split("+", 1)[-1].split("-", 1)[0])
    return names


@pytest.mark.parametrize("fmt", SOURCES)
def test_one_font_family_prints_the_chinese_the_digits_and_the_latin_letters(
    pdfs: dict[str, PdfReader], fmt: str
) -> None:
    """The .odt printed its 案號 and dates in DejaVu Serif beside Kai Chinese."""
    assert len(_font_families(pdfs[fmt])) == 1, _font_families(pdfs[fmt])


# The first and the last words of a row of each kind in samples.long_report (its 案由 cell opens it,
# its 辦理情形 cell closes it): a page holding one of them holds the other as often.
ROW_ENDS = (
    ("重大兒虐案件網絡合作之精進作為", "轉介機制等執行方式提出完整報告"),
    ("連結未升學未就業青少年與就業服務體系", "另已函請各縣市提供名冊"),
    ("請教育部訂定家庭教育中心轉介工作流程", "轉介流程與指標已函頒各縣市"),
)


@pytest.mark.parametrize("fmt", SOURCES)
def test_no_row_is_split_across_two_pages(pdfs: dict[str, PdfReader], fmt: str) -> None:
    for number, text in enumerate(_pages(pdfs[fmt]), start=1):
        for first, last in ROW_ENDS:
            assert text.count(first) == text.count(last), f"page {number} holds part of a row ({first}…)"


# `--format pdf`: the report's own PDF, made by LibreOffice from the .odt.


def test_the_pdf_format_is_the_odt_printed_by_libreoffice(report: ReportData) -> None:
    reader = PdfReader(io.BytesIO(render(report, "pdf")))
    text = "".join(_pages(reader))
    assert f"{BODY}第6次會議" in text and "未回報" in text and "教育部（115/5/18）" in text
    assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (842, 595) for p in reader.pages)
    assert len(_font_families(reader)) == 1


def test_a_longer_report_is_given_longer_to_convert() -> None:
    assert pdf.timeout_for(long_report(2000)) > pdf.timeout_for(long_report(20)) >= pdf.CONVERT_TIMEOUT


def test_two_pdfs_made_at_once_do_not_share_a_libreoffice_profile(report: ReportData) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        made = list(pool.map(lambda _: render(report, "pdf"), range(2)))
    assert all(pdf.startswith(b"%PDF-") for pdf in made)


def test_without_libreoffice_the_pdf_format_names_the_package_to_install(
    report: ReportData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no soffice on it
    with pytest.raises(ReportError) as caught:
        render(report, "pdf")
    assert "沒有安裝 LibreOffice" in str(caught.value) and "libreoffice-writer-nogui" in str(caught.value)


def test_a_libreoffice_that_hangs_is_stopped_with_a_clear_message(
    report: ReportData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in soffice that never finishes, with its own child: both are gone after the timeout."""
    pids = tmp_path / "pids"
    hanging = tmp_path / "soffice"
    hanging.write_text(f"#!/bin/sh\nsleep 60 &\necho $$ $! > {pids}\nwait\n")
    hanging.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ["PATH"])
    monkeypatch.setattr(pdf, "CONVERT_TIMEOUT", 1)
    monkeypatch.setattr(pdf, "SECONDS_PER_ROW", 0)
    started = time.monotonic()
    with pytest.raises(ReportError, match="LibreOffice 轉檔超過 1 秒仍未完成"):
        render(report, "pdf")
    assert time.monotonic() - started < 10
    assert not [pid for pid in pids.read_text().split() if _running(int(pid))]


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed orphan waits for PID 1 to reap it, which a container may never do)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.parametrize("fmt", SOURCES)
def test_a_row_taller_than_a_page_still_prints_in_full(fmt: str, tmp_path: Path) -> None:
    """Rows are kept whole, but one that cannot fit on any page must break rather than be cut off."""
    text = "".join(f"第{i}點：辦理情形說明，含數字{i}與英文ABC。" for i in range(1, 90))  # about 2,000 characters
    replies = tuple(ReportReply("教育部", text, date(2026, 5, day)) for day in (1, 2, 3))
    tall = replace(long_report(2).rows[1], statuses=(AgencyStatus("教育部", replies),))
    report = replace(long_report(1), rows=(*long_report(1).rows, tall))
    source = write_report(report, fmt, tmp_path / f"tall.{fmt}")
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    subprocess.run([_soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   env=env, capture_output=True, timeout=300, check=False)
    pages = _pages(PdfReader(tmp_path / "tall.pdf"))
    assert len(pages) > 2
    text_of_all = "".join(pages)
    assert text_of_all.count("第1點：") == 3 and text_of_all.count("第89點：") == 3
