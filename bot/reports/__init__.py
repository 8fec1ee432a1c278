"""The 「前次會議決議辦理情形」 report in every format the secretariat asks for.

`render` turns ReportData into the bytes of one format; `write_report` puts them on disk atomically.
"""

from __future__ import annotations

import errno
import importlib
import os
import re
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import NoReturn

from bot.reports.errors import ReportError
from bot.reports.model import ReportData, ReportReply, ReportRow, ReportSummary

FORMATS = ("docx", "odt", "pdf", "xlsx", "md", "csv", "html")

MIME: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}

# The module of each format, imported when a report is rendered: python-docx, odfdo and openpyxl
# take most of a second to import, which `lieguan --help` and the webhooks should not pay for.
_RENDERERS: dict[str, str] = {
    "docx": "docx",
    "odt": "odt",
    "pdf": "pdf",
    "xlsx": "xlsx",
    "md": "markdown",
    "csv": "csv",
    "html": "html",
}

# Characters that Windows, macOS or a chat app would refuse in a file name.
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
# What reads as a file type after the last dot (「.txt」), as opposed to a dot inside a name (「115.12.7報告」).
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")
_SAME_FORMAT = {"htm": "html", "markdown": "md"}


def _format(fmt: str) -> str:
    name = fmt.strip().lower().lstrip(".")
    if name not in _RENDERERS:
        raise ReportError(f"不支援的報告格式「{fmt}」。可用的格式：{'、'.join(FORMATS)}。")
    return name


def render(data: ReportData, fmt: str) -> bytes:
    """The whole report in one format (one of FORMATS); pdf needs LibreOffice, else ReportError."""
    module = importlib.import_module(f"bot.reports.{_RENDERERS[_format(fmt)]}")
    content: bytes = module.render(data)
    return content


def default_filename(data: ReportData, fmt: str) -> str:
    """強化社會安全網中央跨部會平台第6次會議_前次會議決議辦理情形.docx"""
    stem = _UNSAFE_NAME.sub("_", f"{data.title()}_前次會議決議辦理情形")
    return f"{stem}.{_format(fmt)}"


def _extension(path: Path) -> str | None:
    found = _EXTENSION.search(path.name)
    return found.group()[1:].lower() if found and found.start() > 0 else None


def check_extension(path: Path, fmt: str) -> None:
    """A name ending in another format's extension (報告.txt for docx) is refused: the file would open
    in the wrong program, or not at all. A name without an extension is accepted as it is."""
    fmt, extension = _format(fmt), _extension(Path(path))
    if extension is None or _SAME_FORMAT.get(extension, extension) == fmt:
        return
    fixed = Path(path).with_suffix(f".{fmt}").name
    other = _SAME_FORMAT.get(extension, extension)
    instead = f"，或改用 {other} 格式" if other in _RENDERERS else ""
    raise ReportError(f"檔名「{Path(path).name}」的副檔名 .{extension} 與報告格式 {fmt} 不符："
                      f"請把檔名改成「{fixed}」{instead}。")


def with_extension(path: Path, fmt: str) -> Path:
    """報告 → 報告.docx: a name without an extension gets the format's; any other is checked."""
    path = Path(path)
    if _extension(path) is None and not path.is_dir():
        return path.with_name(f"{path.name}.{_format(fmt)}")
    check_extension(path, fmt)
    return path


def _explain(exc: OSError, path: Path, fmt: str) -> str:
    folder = path.parent
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return f"無法寫入報告：沒有寫入資料夾「{folder}」的權限，請改存到其他位置。"
    if isinstance(exc, IsADirectoryError):
        return f"無法寫入報告：「{path}」是一個資料夾，請在後面加上檔名，例如「{path / f'報告.{fmt}'}」。"
    if isinstance(exc, FileNotFoundError | NotADirectoryError) and folder.exists() and not folder.is_dir():
        return f"無法寫入報告：「{folder}」是檔案而不是資料夾，請改存到其他位置。"
    if isinstance(exc, FileNotFoundError | NotADirectoryError) and not folder.exists():
        return f"無法寫入報告：資料夾「{folder}」不存在，請先建立資料夾，或改存到其他位置。"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"無法寫入報告：「{folder}」所在的磁碟空間不足，請清出空間或改存到其他位置。"
    return f"無法寫入報告「{path}」（{exc.strerror or exc}），請確認路徑與權限後再試。"


def write_report(data: ReportData, fmt: str, path: Path) -> Path:
    """Render, write to a temporary file beside `path`, then rename: `path` is whole or untouched.
    A name whose extension is another format's is refused before anything is rendered."""
    fmt, path = _format(fmt), Path(path)
    check_extension(path, fmt)
    content = render(data, fmt)
    if path.is_dir():
        _fail(IsADirectoryError(errno.EISDIR, "is a directory"), path, fmt)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        _fail(exc, path, fmt)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is meant to be shared
        os.replace(tmp, path)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            _fail(exc, path, fmt)
        raise
    return path


def _fail(exc: OSError, path: Path, fmt: str) -> NoReturn:
    raise ReportError(_explain(exc, path, fmt)) from exc


__all__ = [
    "FORMATS",
    "MIME",
    "ReportData",
    "ReportError",
    "ReportReply",
    "ReportRow",
    "ReportSummary",
    "check_extension",
    "default_filename",
    "render",
    "with_extension",
    "write_report",
]
