"""What an uploaded file is, told by its bytes (magic numbers, zip members, OLE streams), not its name.

file_kind() answers txt, docx, odt, pdf (readable), csv, xlsx, ods, xls, pptx, odp, ppt, doc, rtf, zip,
png, jpeg, gif, heic, webp, tiff, bmp, video (refused with a message by reader.py) or binary.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import PurePath

ZIP_KINDS = {
    "word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx",
}
ODF_KINDS = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


def file_kind(filename: str, content: bytes) -> str:
    """By what the bytes are first, by the extension second."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    head = content[:64]
    if content.lstrip()[:5] == b"%PDF-" or head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return zip_kind(content) or ("zip" if suffix not in ("docx", "odt") else suffix)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return ole_kind(content)
    picture = picture_kind(head)
    if picture:
        return picture
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if suffix in ("docx", "odt", "pdf"):
        return suffix  # claims to be one but is not: reported as corrupt by its reader
    if suffix in ("xlsx", "xls", "ods"):
        return suffix
    if not looks_like_text(content):
        return "binary"
    return "csv" if suffix in ("csv", "tsv") else "txt"


def zip_kind(content: bytes) -> str | None:
    """An Office Open XML package by its main part (beside [Content_Types].xml), an ODF one by its
    mimetype member; None for any other zip, or a damaged one. Shared with 佐證 (bot/evidence/sniff.py)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                for member, kind in ZIP_KINDS.items():
                    if member in names:
                        return kind
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return ODF_KINDS.get(mimetype)
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError, NotImplementedError):
        return None
    return None


def ole_kind(content: bytes) -> str:
    """An old Office file: its stream names tell Word from Excel from PowerPoint."""
    for name, kind in (("WordDocument", "doc"), ("Workbook", "xls"), ("Book", "xls"),
                       ("PowerPoint Document", "ppt")):
        if name.encode("utf-16-le") in content:
            return kind
    return "doc"


def picture_kind(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM") and len(head) > 14 and head[6:10] == b"\x00\x00\x00\x00":
        return "bmp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        heif = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")
        return "heic" if brand in heif else "video"
    if head.startswith((b"ID3", b"OggS", b"fLaC", b"\x1aE\xdf\xa3")):
        return "video"
    return None


def looks_like_text(content: bytes) -> bool:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_order(content):
        return True
    sample = content[:4096]
    if b"\x00" in sample:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls <= len(sample) // 100


def utf16_order(content: bytes) -> str | None:
    """UTF-16 without a byte-order mark: the zero bytes of its ASCII (digits, spaces, line ends) sit
    on one side of every pair, and the start decodes to text, not to control characters."""
    sample = content[:4096]
    zeros_even = sum(1 for b in sample[0::2] if b == 0)
    zeros_odd = sum(1 for b in sample[1::2] if b == 0)
    if zeros_even + zeros_odd < max(4, len(sample) // 40):
        return None
    order = "utf-16-le" if zeros_odd >= 9 * zeros_even else "utf-16-be" if zeros_even >= 9 * zeros_odd else None
    if order is None:
        return None
    start = sample[: len(sample) // 2 * 2].decode(order, errors="replace")
    controls = sum(1 for ch in start if (ch < " " and ch not in "\t\r\n\f") or ch == "\ufffd")
    return order if controls <= len(start) // 100 else None
