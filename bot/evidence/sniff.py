"""What a file is, read from its content, never from its name: an .exe renamed .pdf is no PDF.

Accepted as 佐證: JPEG, PNG, HEIC (iPhone photos), PDF, and the office documents DOCX, XLSX, ODT, ODS
(zip packages, told apart by their members).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.minutes.filekind import zip_kind

MAX_BYTES = 20 * 1024 * 1024  # what Telegram lets a bot fetch; LINE's files are kept to the same
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_PACKAGES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "odt": "application/vnd.oasis.opendocument.text",
             "ods": "application/vnd.oasis.opendocument.spreadsheet"}


@dataclass(frozen=True)
class Kind:
    ext: str  # the extension the file is saved with, whatever name it came with
    mime: str

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


def sniff(content: bytes) -> Kind | None:
    """The kind of an accepted file, or None for anything else (or a damaged package)."""
    head = content[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return Kind("jpg", "image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind("png", "image/png")
    if head[4:8] == b"ftyp" and _is_heif(head):
        return Kind("heic", "image/heic")
    if b"%PDF-" in content[:1024]:  # the header may follow a few bytes of junk; readers allow 1 KB
        return Kind("pdf", "application/pdf")
    if head.startswith(b"PK\x03\x04"):
        return _package(content)
    return None


def _is_heif(head: bytes) -> bool:
    brands = {head[8:12]} | {head[n:n + 4] for n in range(16, min(len(head), 40), 4)}
    return bool(brands & _HEIF_BRANDS)


def _package(content: bytes) -> Kind | None:
    """An office document among the accepted ones, told by its members as the import tells them."""
    kind = zip_kind(content)
    return Kind(kind, _PACKAGES[kind]) if kind in _PACKAGES else None


def safe_name(name: str, kind: Kind) -> str:
    """The name as sent, for display and downloads, with the extension its content has."""
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '/\\:*?"<>|').strip(" .") or "檔案"
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in (kind.ext, "jpeg" if kind.ext == "jpg" else kind.ext):
        return name[:200]
    return f"{(stem if dot else name)[:190]}.{kind.ext}"
