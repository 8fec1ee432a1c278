"""The report built through the bot's own commands: every format read back."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from pathlib import Path

import docx
import pytest
from odf import teletype
from odf.opendocument import load
from odf.table import TableCell

from bot.core import Bot
from tests.conftest import bind_agency
from tests.driver import Chat


@pytest.fixture
def tracked(secretariat: Chat, clock: object) -> Chat:
    """Three items for the next meeting: one answered and proposed for release, one late, one silent."""
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請教育部提出轉介流程 主辦：教育部 協辦：勞動部 期限：下次會議")
    secretariat.run("新增 請衛福部提出成效報告 主辦：衛福部")
    secretariat.run("新增 請勞動部提供統計 主辦：勞動部")
    secretariat.run("下次會議 115/12/14")  # deadline: 115/12/7
    moe = bind_agency(secretariat, "教育部", "line:Cmoe")
    mol = bind_agency(secretariat, "勞動部", "line:Cmol")
    moe.run("#1 轉介流程已函頒各縣市")
    secretariat.run("擬解除 1 已函頒")
    clock.advance(days=16)  # type: ignore[attr-defined]  # 115/12/9, after the deadline
    mol.run("#3 統計已彙整")
    return secretariat


def report_file(chat: Chat, fmt: str) -> tuple[str, bytes]:
    answers = asyncio.run(chat.send(f"報告 {fmt}"))
    assert answers[0].document is not None, answers[0].text
    return answers[0].text, answers[0].document.content


def test_summary_in_chat_counts_proposals_and_silence(tracked: Chat) -> None:
    text, _ = report_file(tracked, "md")
    assert text == ("下次會議「前次會議決議辦理情形」已產生（資料截至 115/12/9）：3 案，"
                    "擬解除列管 1、擬繼續列管 0、尚未決定 2（未回報 1）。")


def test_markdown_marks_late_and_missing(tracked: Chat) -> None:
    _, content = report_file(tracked, "md")
    md = content.decode("utf-8")
    assert "強化社會安全網中央跨部會平台" in md and "資料截至 115年12月9日" in md
    assert "教育部（115/11/23）" in md and "轉介流程已函頒各縣市" in md
    assert "勞動部：未回報" in md  # the assisting agency of #1 has not replied
    assert "逾期回報" in md and "擬解除列管" in md
    assert "共 3 案：擬解除列管 1 案、擬繼續列管 0 案、尚未決定 2 案；未回報 1 案。" in md


def test_docx_reads_back_with_python_docx(tracked: Chat) -> None:
    _, content = report_file(tracked, "docx")
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert any("請衛福部提出成效報告" in c for c in cells)
    assert any(c.strip() == "未回報" for c in cells)
    red = [r for p in document.tables[0]._cells for r in p.paragraphs[0].runs if r.text == "未回報"]
    assert red and str(red[0].font.color.rgb) == "FF0000"


def test_odt_reads_back_with_odfpy(tracked: Chat, tmp_path: Path) -> None:
    _, content = report_file(tracked, "odt")
    path = tmp_path / "r.odt"
    path.write_bytes(content)
    cells = [teletype.extractText(c) for c in load(str(path)).text.getElementsByType(TableCell)]
    assert any("請勞動部提供統計" in c for c in cells) and any("115/12/9" in c for c in cells)


def test_csv_has_a_bom_and_one_row_per_item(tracked: Chat) -> None:
    _, content = report_file(tracked, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]


def test_html_is_a_page(tracked: Chat) -> None:
    _, content = report_file(tracked, "html")
    assert b'lang="zh-Hant-TW"' in content and "未回報".encode() in content


def test_a_body_without_meetings_or_items_gets_a_clear_message(secretariat: Chat) -> None:
    secretariat.run("會議 新增 空的委員會")
    assert "還沒有任何會議或列管案" in secretariat.run("報告")


def test_unknown_format_and_meeting_are_refused(tracked: Chat) -> None:
    assert "不支援的格式「rtf」" in tracked.run("報告 rtf")
    assert "沒有第7次會議" in tracked.run("報告 7")


def test_contacts_cannot_make_the_report(tracked: Chat, bot: Bot) -> None:
    moe = Chat(bot, "line:Cmoe")
    assert "只有秘書處" in moe.run("報告")


def test_docx_is_a_real_zip(tracked: Chat) -> None:
    _, content = report_file(tracked, "docx")
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist()
