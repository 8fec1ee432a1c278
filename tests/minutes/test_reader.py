"""Reading uploaded minutes: every format the secretariat has, and a polite answer for the rest."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from odfdo import Document, List, Paragraph, Table

from bot.minutes import MinutesReadError, extract, read_minutes
from bot.minutes.reader import read_document
from config.directory import AgencyDirectory
from tests.minutes import bad_files
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
        read_minutes("data.bin", b"\x07\x01\x00\x02" + bytes(range(256)))


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

    with pytest.raises(MinutesReadError, match=r"是壓縮檔.*解壓縮後上傳"):
        read_minutes("archive.zip", out.getvalue())


def test_old_word_file_asks_for_docx() -> None:
    with pytest.raises(MinutesReadError, match=r"另存為 \.docx"):
        read_minutes("紀錄.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


def test_docx_without_decisions_gives_no_items_and_says_so(directory: AgencyDirectory) -> None:
    content = _docx([*HEADER, "壹、主席致詞：感謝各位委員出席。", "貳、業務報告：詳如書面資料。", "參、散會：中午12時。"])

    result = extract(read_minutes("紀錄.docx", content), directory=directory)

    assert result.items == [] and result.reviews == []
    assert any("沒有找到需要列管的決議事項" in w for w in result.warnings)


# ---- files that are not minutes: what each is, what to send instead, never read as text -----

@pytest.mark.parametrize("filename", ["列管表.xlsx", "列管表.txt", "紀錄.docx"])
def test_an_excel_workbook_is_named_a_spreadsheet_whatever_its_name(filename: str) -> None:
    with pytest.raises(MinutesReadError) as refused:
        read_minutes(filename, bad_files.xlsx())

    message = str(refused.value)
    assert f"「{filename}」是試算表（Excel .xlsx）" in message and "試算表不會被當成文字讀取" in message
    assert "Word（.docx）" in message and "請社會局" not in message


def test_an_ods_spreadsheet_is_named_a_spreadsheet() -> None:
    with pytest.raises(MinutesReadError, match=r"是試算表（ODF 試算表 \.ods）.*請改傳會議紀錄的 Word"):
        read_minutes("列管表.ods", bad_files.ods())


@pytest.mark.parametrize("filename", ["列管表.csv", "列管表.txt"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "big5"])  # Excel in Taiwan saves CSV as Big5
def test_csv_rows_are_a_spreadsheet_not_minutes_even_named_txt(filename: str, encoding: str) -> None:
    with pytest.raises(MinutesReadError, match=r"是試算表（CSV）"):
        read_minutes(filename, bad_files.csv(encoding))


def test_an_old_excel_file_is_named_a_spreadsheet() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "Workbook".encode("utf-16-le") + bytes(100)
    with pytest.raises(MinutesReadError, match=r"是試算表（舊版 Excel \.xls）"):
        read_minutes("列管表.xls", ole)


@pytest.mark.parametrize(("filename", "build", "what"), [
    ("截圖.png", bad_files.png, "圖片（PNG）"),
    ("紀錄.jpg", bad_files.jpeg, "圖片（JPEG）"),
    ("IMG_0001.HEIC", bad_files.heic, "圖片（HEIC，iPhone 相片）"),
    ("紀錄.txt", bad_files.png, "圖片（PNG）"),
])
def test_a_picture_is_named_and_ocr_suggested(filename: str, build: object, what: str) -> None:
    assert callable(build)
    with pytest.raises(MinutesReadError) as refused:
        read_minutes(filename, build())

    message = str(refused.value)
    assert f"「{filename}」是{what}，無法讀出文字" in message and "文字辨識（OCR）" in message


def test_a_pdf_without_a_text_layer_is_called_a_scan() -> None:
    with pytest.raises(MinutesReadError, match=r"「掃描.pdf」是掃描影像，沒有可讀取的文字.*OCR"):
        read_minutes("掃描.pdf", bad_files.blank_pdf())


@pytest.mark.parametrize("content", [b"", b"   \r\n", b"\xef\xbb\xbf", b"\xff\xfe", "\n \n".encode("utf-16")])
def test_an_empty_file_says_so_in_any_encoding(content: bytes) -> None:
    with pytest.raises(MinutesReadError, match=r"「紀錄.txt」是空的檔案.*請改傳"):
        read_minutes("紀錄.txt", content)


def test_big5_text_is_read_and_the_user_told_utf8_is_better() -> None:
    document = read_document("紀錄.txt", bad_files.MINUTES.encode("big5"))

    assert document.text == bad_files.MINUTES
    assert len(document.warnings) == 1
    assert "Big5 編碼" in document.warnings[0] and "UTF-8" in document.warnings[0]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_with_or_without_a_byte_order_mark_is_read_with_a_warning(encoding: str) -> None:
    document = read_document("紀錄.txt", bad_files.MINUTES.encode(encoding))

    assert document.text == bad_files.MINUTES
    assert "UTF-16 編碼" in document.warnings[0] and "UTF-8" in document.warnings[0]


def test_utf8_text_needs_no_warning() -> None:
    assert read_document("紀錄.txt", bad_files.MINUTES.encode("utf-8")).warnings == []
    assert read_document("紀錄.txt", bad_files.MINUTES.encode("utf-8-sig")).warnings == []


def test_big5_that_does_not_decode_cleanly_is_refused() -> None:
    broken = bad_files.MINUTES.encode("big5")[:120] + b"\xf9\xfe\xff\x81\x7f" + bad_files.MINUTES.encode("big5")[120:]
    with pytest.raises(MinutesReadError, match=r"文字編碼無法辨識.*UTF-8 純文字檔"):
        read_minutes("紀錄.txt", broken)


def test_text_in_another_chinese_encoding_is_not_passed_off_as_big5() -> None:
    with pytest.raises(MinutesReadError, match=r"文字編碼無法辨識"):
        read_minutes("纪录.txt", bad_files.MINUTES.encode("gb18030"))


def test_utf16_with_a_broken_tail_is_refused() -> None:
    content = bad_files.MINUTES.encode("utf-16") + b"\x00\xd8\x41"  # a lone surrogate, an odd byte
    with pytest.raises(MinutesReadError, match=r"是 UTF-16 編碼的文字檔，但有些內容無法正確轉換"):
        read_minutes("紀錄.txt", content)


def test_minutes_with_tables_in_text_are_not_taken_for_csv() -> None:
    text = bad_files.MINUTES + "\n" + "\n".join("\t".join(row) for row in bad_files.ROWS)
    assert read_minutes("紀錄.txt", text.encode("utf-8")) == text
