"""Reading uploaded minutes: every format the secretariat has, and a polite answer for the rest."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from odfdo import Document, List, Paragraph, Table

from bot.minutes import MinutesReadError, extract, read_minutes
from config.directory import AgencyDirectory
from tests.minutes.support import image_pdf, text_pdf

HEADER = [
    "臺北市政府家庭暴力及性侵害防治委員會113年第2次會議紀錄",
    "時間：113年6月4日（星期二）上午10時",
    "地點：市政大樓北區12樓劉銘傳廳",
    "主席：李副市長四川        紀錄：周小芳",
]
REVIEW_TABLE = [
    ["編號", "決議事項", "主辦單位", "辦理情形", "列管建議", "會議決定"],
    ["1", "加害人處遇執行率檢討", "衛生局", "已完成檢討報告。", "擬解除列管", "同意解除列管"],
    ["2", "校園性平事件通報時效", "教育局", "持續宣導中。", "擬繼續列管", "繼續列管，請教育局於下次會議報告通報時效統計"],
]


def _docx(paragraphs: list[str], table: list[list[str]] | None = None, after: tuple[str, ...] = ()) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    for text in after:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_paragraphs_and_table_cells_are_read_in_order(directory: AgencyDirectory) -> None:
    content = _docx(
        [*HEADER, "壹、上次會議決議事項辦理情形"],
        REVIEW_TABLE,
        ("貳、討論事項", "案由一：兒少保護責任通報教育訓練案。（提案單位：社會局）", "決議：請社會局於會後1週內函送訓練計畫。"),
    )

    text = read_minutes("紀錄.docx", content)
    result = extract(text, directory=directory)

    assert text.index("壹、上次會議") < text.index("加害人處遇") < text.index("貳、討論事項")
    assert "2\t校園性平事件通報時效\t教育局" in text
    assert result.meeting.date is not None and result.meeting.date.isoformat() == "2024-06-04"
    assert [(r.case, r.decision) for r in result.reviews] == [("1", "released"), ("2", "continued")]
    assert [(i.case, i.agencies, i.due) for i in result.items] == [
        ("2", ["臺北市政府教育局"], "next_meeting"),
        (None, ["臺北市政府社會局"], "2024-06-11"),
    ]


def test_odt_paragraphs_lists_and_tables_are_read(directory: AgencyDirectory) -> None:
    document = Document("text")
    for text in [*HEADER, "壹、上次會議決議事項辦理情形"]:
        document.body.append(Paragraph(text))
    table = Table("列管", width=len(REVIEW_TABLE[0]), height=len(REVIEW_TABLE))
    for r, row in enumerate(REVIEW_TABLE):
        for c, value in enumerate(row):
            table.set_value((c, r), value)
    document.body.append(table)
    document.body.append(Paragraph("貳、主席裁示："))
    document.body.append(List(["一、請衛生局會同社會局研議處遇資源整合。", "二、請警察局於下次會議報告。"]))
    out = io.BytesIO()
    document.save(out)

    result = extract(read_minutes("紀錄.odt", out.getvalue()), directory=directory)

    assert [(r.case, r.decision) for r in result.reviews] == [("1", "released"), ("2", "continued")]
    assert [(i.agencies, i.roles) for i in result.items[1:]] == [
        (["臺北市政府衛生局", "臺北市政府社會局"], ["lead", "assist"]),
        (["臺北市政府警察局"], ["lead"]),
    ]


def test_text_pdf_is_read_and_its_page_furniture_dropped(directory: AgencyDirectory) -> None:
    pages = [
        [*HEADER, "壹、討論事項", "案由一：目睹家暴兒少服務案。（提案單位：社會局）", "決議：", "一、請社會局會同教育局研議目睹兒少", "- 1 -"],
        [HEADER[0], "輔導資源整合方案，於下次會議提出報告。", "二、照案通過。", "- 2 -"],
    ]

    result = extract(read_minutes("紀錄.pdf", text_pdf(pages)), directory=directory)

    assert [i.text for i in result.items] == ["請社會局會同教育局研議目睹兒少輔導資源整合方案，於下次會議提出報告。"]
    assert result.items[0].due == "next_meeting"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp950"])
def test_plain_text_in_any_common_encoding_is_read(encoding: str) -> None:
    text = "\n".join([*HEADER, "決議：請社會局辦理。"])

    assert read_minutes("紀錄.txt", text.encode(encoding)) == text


def test_a_renamed_file_is_read_by_what_it_is() -> None:
    content = _docx(["決議：請社會局辦理。"])

    assert "請社會局辦理" in read_minutes("紀錄.txt", content)


def test_empty_file_is_refused_politely() -> None:
    with pytest.raises(MinutesReadError, match="空的檔案"):
        read_minutes("紀錄.txt", b"")
    with pytest.raises(MinutesReadError, match="空的檔案"):
        read_minutes("紀錄.txt", b"  \n\n ")


def test_binary_file_is_refused_with_what_to_upload_instead() -> None:
    with pytest.raises(MinutesReadError, match=r"看不懂.*\.docx、\.odt"):
        read_minutes("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))


def test_scanned_pdf_asks_for_a_text_version() -> None:
    with pytest.raises(MinutesReadError, match=r"掃描影像.*OCR"):
        read_minutes("掃描.pdf", image_pdf())


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("紀錄.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog" + b"\x00" * 40),
        ("紀錄.docx", b"PK\x03\x04" + b"\x00" * 60),
        ("紀錄.odt", b"not a zip at all"),
    ],
)
def test_corrupt_file_is_refused_politely(filename: str, content: bytes) -> None:
    with pytest.raises(MinutesReadError, match="損毀"):
        read_minutes(filename, content)


def test_zip_that_is_not_a_document_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")

    with pytest.raises(MinutesReadError, match="看不懂"):
        read_minutes("archive.zip", out.getvalue())


def test_old_word_file_asks_for_docx() -> None:
    with pytest.raises(MinutesReadError, match=r"另存為 \.docx"):
        read_minutes("紀錄.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


def test_docx_without_decisions_gives_no_items_and_says_so(directory: AgencyDirectory) -> None:
    content = _docx([*HEADER, "壹、主席致詞：感謝各位委員出席。", "貳、業務報告：詳如書面資料。", "參、散會：中午12時。"])

    result = extract(read_minutes("紀錄.docx", content), directory=directory)

    assert result.items == [] and result.reviews == []
    assert any("沒有找到需要列管的決議事項" in w for w in result.warnings)
