"""A file's kind is read from its content: real documents made by the locked libraries are accepted,
a renamed executable or a damaged package is not, and names keep the extension their content has."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from bot.evidence.sniff import safe_name, sniff


def docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_paragraph("轉介流程")
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    book = Workbook()
    book.active.append(["人力", 12])
    book.save(out)
    return out.getvalue()


def odf(kind: str, tmp_path: Path) -> bytes:
    from odfdo import Document

    path = tmp_path / f"x.{kind}"
    Document("text" if kind == "odt" else "spreadsheet").save(path)
    return path.read_bytes()


def test_office_and_odf_documents_are_told_apart_by_their_members(tmp_path: Path) -> None:
    assert sniff(docx()).ext == "docx"  # type: ignore[union-attr]
    assert sniff(xlsx()).ext == "xlsx"  # type: ignore[union-attr]
    assert sniff(odf("odt", tmp_path)).mime == "application/vnd.oasis.opendocument.text"  # type: ignore[union-attr]
    assert sniff(odf("ods", tmp_path)).ext == "ods"  # type: ignore[union-attr]


@pytest.mark.parametrize(("head", "ext"), [
    (b"\xff\xd8\xff\xe1\x00\x18Exif", "jpg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heic"),
    (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf", "heic"),
    (b"%PDF-1.7\n", "pdf"),
])
def test_images_and_pdfs_by_their_signatures(head: bytes, ext: str) -> None:
    assert sniff(head + b"\x00" * 100).ext == ext  # type: ignore[union-attr]


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100,  # a Windows program, whatever it is called
    b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42",  # a video
    b"PK\x03\x04" + b"\x00" * 100,  # a damaged zip
    b"<html><script>alert(1)</script></html>",
    b"",
])
def test_anything_else_is_refused(content: bytes) -> None:
    assert sniff(content) is None


def test_a_zip_that_is_no_office_document_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("setup.exe", b"MZ")
    assert sniff(out.getvalue()) is None


def test_a_name_keeps_the_extension_its_content_has() -> None:
    pdf = sniff(b"%PDF-1.4")
    assert pdf is not None
    assert safe_name("函文.pdf", pdf) == "函文.pdf"
    assert safe_name("函文.exe", pdf) == "函文.pdf"
    assert safe_name("../../etc/passwd", pdf) == "etcpasswd.pdf"  # never a path of the sender's choosing
