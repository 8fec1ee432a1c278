"""read_minutes(): the text of an uploaded minutes file (.txt, .docx, .odt, text-bearing .pdf).

Whatever goes wrong becomes a MinutesReadError whose message tells the secretary, in zh-TW,
what to upload instead; nothing here raises anything else.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

SUPPORTED = "請上傳 .txt、.docx、.odt 或可選取文字的 .pdf 檔。"
_MIN_PDF_TEXT = 20  # fewer characters than this across all pages: a scan, not a text PDF


class MinutesReadError(Exception):
    """str() is a polite zh-TW message for the user."""


def read_minutes(filename: str, content: bytes) -> str:
    if not content or not content.strip():
        raise MinutesReadError(f"「{filename}」是空的檔案，請確認後重新上傳。")
    kind = _kind(filename, content)
    readers = {"txt": _text, "docx": _docx, "odt": _odt, "pdf": _pdf}
    if kind == "doc":
        raise MinutesReadError(f"不支援舊版 Word（.doc）檔「{filename}」，請另存為 .docx 後再上傳。")
    if kind not in readers:
        raise MinutesReadError(f"看不懂「{filename}」的檔案格式。{SUPPORTED}")
    text = readers[kind](filename, content)
    if not text.strip():
        raise MinutesReadError(f"「{filename}」裡沒有文字，請確認後重新上傳。")
    return text


def _kind(filename: str, content: bytes) -> str:
    """By what the bytes are first (a renamed file is common), by the extension second."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if content.startswith(b"%PDF"):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content) or suffix
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if suffix in ("docx", "odt", "pdf"):
        return suffix  # claims to be one but is not: reported as corrupt by its reader
    return "txt" if _looks_like_text(content) else "binary"


def _zip_kind(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument.text"):
                return "odt"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def _looks_like_text(content: bytes) -> bool:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = content[:4096]
    if b"\x00" in sample:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls <= len(sample) // 100


def _text(filename: str, content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    for encoding in ("utf-8-sig", "cp950", "big5hkscs"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MinutesReadError(f"「{filename}」的文字編碼無法辨識，請另存為 UTF-8 純文字檔後再上傳。")


def _corrupt(filename: str, what: str) -> MinutesReadError:
    return MinutesReadError(f"「{filename}」似乎已損毀，或不是有效的 {what} 檔，請重新存檔後再上傳。")


def _docx(filename: str, content: bytes) -> str:
    import docx  # python-docx: imported here, only imports pay for it

    try:
        document = docx.Document(io.BytesIO(content))
        return "\n".join(_docx_blocks(document))
    except Exception as exc:  # python-docx raises many kinds on a bad package
        raise _corrupt(filename, "Word（.docx）") from exc


def _docx_blocks(document: Any) -> Iterator[str]:
    """Paragraphs and table rows in document order; a row is its cells joined by tabs."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[Any] = []
                for cell in row.cells:
                    if not cells or cell._tc is not cells[-1]._tc:  # a merged cell repeats
                        cells.append(cell)
                yield "\t".join("".join(p.text.strip() for p in c.paragraphs) for c in cells)


def _odt(filename: str, content: bytes) -> str:
    from odfdo import Document

    try:
        document = Document(io.BytesIO(content))
        return "\n".join(_odf_blocks(document.body))
    except Exception as exc:  # odfdo and lxml raise many kinds on a bad package
        raise _corrupt(filename, "ODF 文字（.odt）") from exc


def _odf_blocks(element: Any) -> Iterator[str]:
    for child in element.children:
        tag = child.tag
        if tag in ("text:p", "text:h"):
            yield child.text_recursive
        elif tag == "table:table":
            for row in child.traverse():
                cells = ["".join(p.text_recursive.strip() for p in cell.children) for cell in row.traverse()]
                yield "\t".join(cells).rstrip("\t")
        elif tag in ("text:list", "text:list-item", "text:section", "text:list-header"):
            yield from _odf_blocks(child)


def _pdf(filename: str, content: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise MinutesReadError(f"「{filename}」有密碼保護，請解除密碼後再上傳。")
        pages = [page.extract_text() or "" for page in reader.pages]
    except MinutesReadError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise _corrupt(filename, "PDF") from exc
    text = "\n".join(pages)
    if len("".join(text.split())) < _MIN_PDF_TEXT:
        raise MinutesReadError(
            f"「{filename}」是掃描影像，沒有可讀取的文字。請改傳 Word、ODT 或文字檔，"
            "或先以文字辨識（OCR）轉成可選取文字的 PDF 後再上傳。"
        )
    return text
