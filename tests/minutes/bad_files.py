"""Real files that are not minutes a parser can read, built the way the programs people use write them."""

from __future__ import annotations

import io
import struct
import zlib

import openpyxl
from odfdo import Document, Table
from pypdf import PdfWriter

MINUTES = "\n".join([
    "臺北市政府社會福利委員會113年第2次會議紀錄",
    "時間：113年6月4日（星期二）上午10時",
    "地點：市政大樓北區12樓劉銘傳廳",
    "主席：李副市長四川        紀錄：周小芳",
    "壹、討論事項",
    "案由一：兒少保護責任通報教育訓練案。（提案單位：社會局）",
    "決議：請社會局於會後1週內函送訓練計畫，並請教育局協助各級學校辦理通報研習。",
])
ROWS = [["編號", "決議事項", "主辦機關", "辦理情形"],
        ["1", "請社會局函送訓練計畫", "社會局", "辦理中"],
        ["2", "請教育局辦理通報研習", "教育局", "已完成"],
        ["3", "請衛生局研議處遇資源", "衛生局", "辦理中"]]


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in ROWS:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods() -> bytes:
    document = Document("spreadsheet")
    table = Table("列管", width=len(ROWS[0]), height=len(ROWS))
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            table.set_value((c, r), value)
    document.body.append(table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def csv(encoding: str = "utf-8-sig") -> bytes:
    return "\n".join(",".join(row) for row in ROWS).encode(encoding)


def png() -> bytes:
    """A 2×2 grey picture, as any screenshot tool writes one (signature, IHDR, IDAT, IEND)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"\x00\x80\x80\x00\x80\x80")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) + b"\xff\xd9"


def heic() -> bytes:
    """The start of an iPhone photo: an ISO box 'ftyp' with brand heic."""
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x01\x00meta" + bytes(300)


def blank_pdf(pages: int = 2) -> bytes:
    """A PDF without a text layer, as a scanner without OCR leaves one (blank pages here)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
