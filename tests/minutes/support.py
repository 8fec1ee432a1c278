"""Helpers for the minutes tests: where the minutes are, their gold files, and files to read."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from bot.minutes import Extraction, extract, read_minutes
from config.directory import AgencyDirectory

DATA = Path(__file__).resolve().parent.parent / "data" / "minutes"
SEEDS = sorted(p.stem for p in DATA.glob("0*.txt"))
OWN = sorted(p.stem for p in (DATA / "own").glob("*.txt"))
CASES_DIR = DATA / "cases"
CORPUS_DIR = DATA / "corpus"


def golds(folder: Path) -> list[Path]:
    """The gold files of a folder whose minutes are there too (a gold names its file)."""
    found = []
    for path in sorted(folder.glob("*.json")):
        name = json.loads(path.read_text(encoding="utf-8")).get("file") or ""
        if name and (folder / name).exists():
            found.append(path)
    return found


def extract_for(gold_path: Path, directory: AgencyDirectory) -> tuple[dict[str, Any], dict[str, Any]]:
    """(gold, extraction as JSON) for a gold file next to its minutes."""
    want = json.loads(gold_path.read_text(encoding="utf-8"))
    path = gold_path.parent / want["file"]
    return want, extract(read_minutes(path.name, path.read_bytes()), directory=directory).to_json()


def load_scorer() -> ModuleType:
    """The shared score_minutes.py, as copied next to the seeds."""
    spec = importlib.util.spec_from_file_location("score_minutes", DATA / "score_minutes.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def minutes_path(name: str) -> Path:
    seed = DATA / f"{name}.txt"
    return seed if seed.exists() else DATA / "own" / f"{name}.txt"


def gold(name: str) -> dict[str, Any]:
    return json.loads(minutes_path(name).with_suffix(".json").read_text(encoding="utf-8"))


def extraction(name: str, directory: AgencyDirectory) -> Extraction:
    path = minutes_path(name)
    return extract(read_minutes(path.name, path.read_bytes()), directory=directory)


def text_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF whose pages carry these lines as real text (a CID font with a ToUnicode map),
    the way a word processor's PDF export does; no glyphs are embedded, extraction needs none."""
    chars = sorted({ch for page in pages for line in page for ch in line})
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    cmap = "\n".join([
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
        f"{len(chars)} beginbfchar",
        *(f"<{cid[ch]:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for ch in chars),
        "endbfchar endcmap CMapName currentdict /CMap defineresource pop end end",
    ]).encode()
    font = [
        _stream(cmap),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Stub /DW 1000"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Stub /Encoding /Identity-H"
        b" /DescendantFonts [2 0 R] /ToUnicode 1 0 R >>",
    ]
    contents = []
    for page in pages:
        ops = ["BT /F1 12 Tf 14 TL 50 800 Td", *(f"<{''.join(f'{cid[c]:04X}' for c in line)}> Tj T*" for line in page), "ET"]
        contents.append(_stream("\n".join(ops).encode()))
    return _document(font, contents, b"/Font << /F1 3 0 R >>")


def image_pdf() -> bytes:
    """A scanned page: one image, no text at all."""
    image = b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray" \
            b" /BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream"
    content = _stream(b"q 500 0 0 700 50 50 cm /Im1 Do Q")
    return _document([image], [content], b"/XObject << /Im1 1 0 R >>")


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _document(shared: list[bytes], contents: list[bytes], resources: bytes) -> bytes:
    objects = list(shared)
    pages_id = len(shared) + 2 * len(contents) + 1
    kids = []
    for content in contents:
        objects.append(content)
        objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << %s >>"
                       b" /Contents %d 0 R >>" % (pages_id, resources, len(objects)))
        kids.append(b"%d 0 R" % len(objects))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids)))
    objects.append(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(objects), xref))
    return out.getvalue()
