"""A meeting's 佐證 as one .zip: a folder per case, one per agency inside, and an index (索引.csv).

Built streaming: the zip is written to a file on disk while the files' bytes are read from the
database a few rows at a time, so a meeting's evidence is never in memory at once. Files are stored
as they are (ZIP_STORED): photos, PDFs and office documents are compressed already.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from storage.evidence import EvidenceView

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
INDEX = "索引.csv"


@dataclass(frozen=True)
class Entry:
    case: str
    subject: str
    file: EvidenceView


def _part(text: str, limit: int = 40) -> str:
    return _UNSAFE.sub("_", text).strip(" .")[:limit] or "_"


def _unique(path: str, taken: set[str]) -> str:
    stem, dot, ext = path.rpartition(".")
    candidate, n = path, 2
    while candidate in taken:
        candidate = f"{stem}({n}).{ext}" if dot else f"{path}({n})"
        n += 1
    taken.add(candidate)
    return candidate


def write_zip(target: Path, entries: list[Entry], contents: Callable[[list[int]], Iterator[tuple[int, bytes]]],
              tz: tzinfo) -> int:
    """Write the zip to `target`; the number of files in it. `contents` yields (file id, bytes) in order."""
    taken: set[str] = set()
    paths = {e.file.id: _unique(f"{_part('#' + e.case + ' ' + e.subject)}/{_part(e.file.agency)}/"
                                f"{_part(e.file.name, 120)}", taken) for e in entries}
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(["案號", "案由", "機關", "檔名", "大小（位元組）", "SHA-256", "傳送時間", "傳送者", "壓縮檔內路徑"])
    for e in entries:
        f = e.file
        writer.writerow([e.case, e.subject, f.agency, f.name, f.size, f.sha256,
                         f.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), f.author_name or f.author, paths[f.id]])
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
        z.writestr(INDEX, "\ufeff" + index.getvalue())  # with a BOM, so that Excel reads the Chinese
        written = 0
        for file_id, content in contents([e.file.id for e in entries]):
            z.writestr(paths[file_id], content)
            written += 1
    return written


def entries_of(items: Iterable[tuple[str, str, list[EvidenceView]]]) -> list[Entry]:
    return [Entry(case, subject, f) for case, subject, files in items for f in files]
