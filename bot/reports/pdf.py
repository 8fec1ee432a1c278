"""PDF: LibreOffice prints the .odt, so the PDF is exactly the page the .odt shows.

Each conversion runs in its own temporary folder with its own LibreOffice profile and HOME: two
reports converted at once (two chats, or the CLI beside the running bot) never share a profile lock,
and nothing is left behind. A conversion that hangs is stopped (timeout_for: longer for longer reports).
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

from bot.reports import odt
from bot.reports.errors import ReportError
from bot.reports.model import ReportData

log = logging.getLogger(__name__)

PACKAGE = "libreoffice-writer-nogui"
# LibreOffice's layout time grows faster than the rows (2,000 rows took over three minutes on a busy
# two-core machine): the limit only stops a conversion that hangs, so it grows with the report.
CONVERT_TIMEOUT = 120
SECONDS_PER_ROW = 0.2

MISSING = (
    "無法產生 PDF：這台主機沒有安裝 LibreOffice（PDF 由 LibreOffice 轉檔）。"
    f"請系統管理員安裝 {PACKAGE} 套件（Debian／Ubuntu：sudo apt-get install {PACKAGE}），"
    "或先改用 docx、odt 格式。"
)


def soffice() -> str | None:
    """The LibreOffice program on PATH, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def timeout_for(data: ReportData) -> int:
    return CONVERT_TIMEOUT + math.ceil(SECONDS_PER_ROW * len(data.rows))


def _convert(command: list[str], folder: Path, timeout: int) -> None:
    """Run soffice in a session of its own: on a timeout the whole group goes (the soffice script,
    oosplash and soffice.bin), not only the script."""
    with subprocess.Popen(command, env={**os.environ, "HOME": str(folder / "home")}, cwd=folder,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                          start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ReportError(f"無法產生 PDF：LibreOffice 轉檔超過 {timeout} 秒仍未完成，"
                              "請稍後再試，或先改用 docx、odt 格式。") from exc
    if proc.returncode != 0 or not (folder / "report.pdf").is_file():
        log.warning("soffice made no PDF (exit %s): %s %s", proc.returncode, out[-2000:], err[-2000:])


def render(data: ReportData) -> bytes:
    program = soffice()
    if program is None:
        raise ReportError(MISSING)
    with tempfile.TemporaryDirectory(prefix="lieguan-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "report.odt"
        source.write_bytes(odt.render(data))
        command = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        try:
            _convert(command, folder, timeout_for(data))
        except OSError as exc:
            log.warning("soffice could not start: %s", exc)
            raise ReportError(MISSING) from exc
        result = folder / "report.pdf"
        if not result.is_file():
            raise ReportError("無法產生 PDF：LibreOffice 轉檔失敗，請稍後再試，或先改用 docx、odt 格式。")
        return result.read_bytes()
