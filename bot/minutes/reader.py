"""read_document(): the text of an uploaded minutes file (.txt, .docx, .odt, text-bearing .pdf).

What a file is, is told by its bytes (magic numbers, zip members), not by its name: a renamed file
is common. Whatever cannot be read as minutes (a spreadsheet, an image, a scan, an empty file, text
in an encoding that does not decode cleanly) becomes a MinutesReadError whose message tells the
secretary, in zh-TW, what the file is and what to send instead; nothing here raises anything else.
Big5 and UTF-16 text is read, with a warning that says so.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.minutes.filekind import file_kind, utf16_order

SUPPORTED = "請上傳 .txt、.docx、.odt 或可選取文字的 .pdf 檔。"
INSTEAD = "請改傳會議紀錄的 Word（.docx）、ODT、純文字（.txt）或可選取文字的 PDF 檔。"
_MIN_PDF_TEXT = 20  # fewer characters than this across all pages: a scan, not a text PDF
_SPREADSHEET = ("是試算表（{what}），不是會議紀錄。試算表不會被當成文字讀取。" + INSTEAD
                + "若列管事項只在試算表裡，請把內容貼到 Word 另存為 .docx 後再上傳。")
_PICTURE = "是{what}，無法讀出文字。" + INSTEAD + "只有紙本或照片的話，請先以文字辨識（OCR）轉成文字。"
_REFUSED = {
    "xlsx": _SPREADSHEET.format(what="Excel .xlsx"), "ods": _SPREADSHEET.format(what="ODF 試算表 .ods"),
    "xls": _SPREADSHEET.format(what="舊版 Excel .xls"), "csv": _SPREADSHEET.format(what="CSV"),
    "pptx": "是簡報（PowerPoint .pptx），不是會議紀錄。" + INSTEAD,
    "odp": "是簡報（ODF 簡報 .odp），不是會議紀錄。" + INSTEAD,
    "ppt": "是簡報（舊版 PowerPoint .ppt），不是會議紀錄。" + INSTEAD,
    "doc": "是舊版 Word（.doc）檔，無法直接讀取。請在 Word 另存為 .docx 後再上傳。",
    "rtf": "是 RTF 格式的文件，無法直接讀取。請在 Word 另存為 .docx 後再上傳。",
    "zip": "是壓縮檔（.zip），請解壓縮後上傳其中的會議紀錄檔。",
    "png": _PICTURE.format(what="圖片（PNG）"), "jpeg": _PICTURE.format(what="圖片（JPEG）"),
    "gif": _PICTURE.format(what="圖片（GIF）"), "heic": _PICTURE.format(what="圖片（HEIC，iPhone 相片）"),
    "webp": _PICTURE.format(what="圖片（WebP）"), "tiff": _PICTURE.format(what="圖片（TIFF）"),
    "bmp": _PICTURE.format(what="圖片（BMP）"), "video": "是影片或錄音檔，無法讀出文字。" + INSTEAD,
}


class MinutesReadError(Exception):
    """str() is a polite zh-TW message for the user."""


@dataclass(frozen=True)
class Document:
    text: str
    warnings: list[str] = field(default_factory=list)  # for the review: e.g. the file was Big5


def read_minutes(filename: str, content: bytes) -> str:
    return read_document(filename, content).text


def read_document(filename: str, content: bytes) -> Document:
    if not content or not content.strip() or not content.strip(b"\x00\xff\xfe\xef\xbb\xbf \t\r\n"):
        raise MinutesReadError(f"「{filename}」是空的檔案，沒有任何內容。{INSTEAD}")
    kind = file_kind(filename, content)
    if kind in _REFUSED:
        raise MinutesReadError(f"「{filename}」{_REFUSED[kind]}")
    if kind == "txt":
        document = _text(filename, content)
    elif kind in ("docx", "odt", "pdf"):
        document = Document({"docx": _docx, "odt": _odt, "pdf": _pdf}[kind](filename, content))
    else:
        raise MinutesReadError(f"看不懂「{filename}」的檔案格式。{SUPPORTED}")
    if not document.text.strip():
        raise MinutesReadError(f"「{filename}」裡沒有文字，請確認後重新上傳。{INSTEAD}")
    return document


# The most frequent characters of written Chinese, and of minutes: a file really in Big5 or UTF-16
# is mostly made of them; bytes of another encoding decoded as Big5 are not.
_COMMON = set(
    "的一是在不了有和人這中大為上個國我以要他時來用們生到作地於出就分對成會可主發年動同工也能下過子說產種面而"
    "方後多定行學法所民得經十三之進著等部度家電力裡如水化高自二理起小物現實加量都兩體制機當使點從業本去把性好應開"
    "合還因由其些然前外天政四日那社義事平形相全表間樣與關各重新線內數正心反明看原又麼利比或但質氣第向道此變條只"
    "沒結解問意建月公無系很情者最立代想已通並提直題程展五果料象員位入常文總次品式活設及管特件長求基資邊流路級少"
    "計別期根論運指幾九區強放決西被做必先回則任取據處府研究請辦理議案列局市縣委執報告紀錄席討務服衛福教育勞警"
    "署司科室組函送持續相關單位預算計畫推動協助檢視評估規劃修正確認說明備查通過召開權益")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _plausible(text: str) -> bool:
    cjk = _CJK.findall(text[:20000])
    if len(cjk) < 20:
        return "\ufffd" not in text
    return sum(1 for ch in cjk if ch in _COMMON) / len(cjk) >= 0.25


def _text(filename: str, content: bytes) -> Document:
    document = _decoded(filename, content)
    if _looks_like_csv(document.text):
        raise MinutesReadError(f"「{filename}」{_REFUSED['csv']}")
    return document


def _decoded(filename: str, content: bytes) -> Document:
    if content.startswith(codecs.BOM_UTF8):
        return Document(_decode(filename, content, "utf-8-sig", "UTF-8", plausible=False))
    order = "utf-16" if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else utf16_order(content)
    if order is not None:
        return Document(_decode(filename, content, order, "UTF-16"), [_converted(filename, "UTF-16")])
    try:
        return Document(content.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    for encoding in ("cp950", "big5hkscs"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return Document(text, [_converted(filename, "Big5")])
        break
    raise MinutesReadError(f"「{filename}」的文字編碼無法辨識（不是 UTF-8、Big5 或 UTF-16），"
                           "請另存為 UTF-8 純文字檔，或改傳 Word（.docx）檔後再上傳。")


def _decode(filename: str, content: bytes, encoding: str, name: str, *, plausible: bool = True) -> str:
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:
        text = ""
    controls = sum(1 for ch in text[:4096] if ch < " " and ch not in "\t\r\n\f")
    if not text.strip() or controls > len(text[:4096]) // 100 or (plausible and not _plausible(text)):
        raise MinutesReadError(f"「{filename}」看起來是 {name} 編碼的文字檔，但有些內容無法正確轉換"
                               "（可能混用了其他編碼或已損毀）。請另存為 UTF-8 純文字檔，或改傳 Word（.docx）檔後再上傳。")
    return text


def _looks_like_csv(text: str) -> bool:
    """Rows of one table: most lines carry the same number (two or more) of commas, or of tabs."""
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    if len(lines) < 3:
        return False
    for delimiter in (",", "\t", ";"):
        counts = [line.count(delimiter) for line in lines]
        common = max(set(counts), key=counts.count)
        if common >= 2 and counts.count(common) >= 0.8 * len(lines):
            return True
    return False


def _converted(filename: str, name: str) -> str:
    return (f"「{filename}」是 {name} 編碼的文字檔，已自動轉換讀取；請核對內容是否正確，"
            "日後建議存成 UTF-8 編碼，以免罕用字讀錯。")


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
