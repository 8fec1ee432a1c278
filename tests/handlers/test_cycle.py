"""A whole cycle as a new secretariat lives it: the 5th meeting's minutes imported, two agencies
bound, replies, a release request, a correction, a withdrawal, a reply entered on an agency's
behalf, the secretariat's proposals, the meeting's decisions, and the report read back from the
.docx, .odt and .xlsx files it hands in."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import docx
import openpyxl
from odfdo import Document

from bot.core import Bot
from tests.conftest import Clock, bind_agency
from tests.driver import Chat

SEED_000 = (Path(__file__).parents[1] / "data" / "minutes" / "000_663eb93f7475aed5.txt").read_text(encoding="utf-8")
Rows = dict[str, dict[str, str]]


def _by_case(table: list[list[str]]) -> Rows:
    at = next(n for n, row in enumerate(table) if row and row[0] == "案號")
    header = table[at]
    return {row[0]: dict(zip(header, row, strict=False)) for row in table[at + 1:] if row and row[0]}


def docx_rows(content: bytes) -> Rows:
    table = docx.Document(io.BytesIO(content)).tables[0]
    return _by_case([[cell.text for cell in row.cells] for row in table.rows])


def odt_rows(content: bytes, tmp: Path) -> Rows:
    path = tmp / "report.odt"
    path.write_bytes(content)
    table = Document(str(path)).body.get_tables()[0]
    return _by_case([["\n".join(p.text_recursive for p in cell.get_paragraphs()) for cell in row.get_cells()]
                     for row in table.get_rows()])


def xlsx_rows(content: bytes) -> tuple[Rows, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    rows = _by_case([["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)])
    return rows, list(book.worksheets[1].iter_rows(values_only=True))


def report(chat: Chat, fmt: str) -> bytes:
    answer = asyncio.run(chat.send(f"報告 {fmt}"))[0]
    assert answer.document is not None, answer.text
    return answer.document.content


def every_format(chat: Chat, tmp: Path) -> list[Rows]:
    xlsx, _ = xlsx_rows(report(chat, "xlsx"))
    return [docx_rows(report(chat, "docx")), odt_rows(report(chat, "odt"), tmp), xlsx]


def test_a_whole_cycle_reads_back_the_same_from_every_file(secretariat: Chat, bot: Bot, clock: Clock,
                                                          tmp_path: Path) -> None:
    secretariat.run("匯入\n" + SEED_000)
    secretariat.run("匯入 繼續 3")
    assert secretariat.run("確認匯入").startswith("已存檔")
    secretariat.run("下次會議 115/12/14 上午9時30分")
    moe = bind_agency(secretariat, "教育部", "line:Cmoe", name="李先生")
    mohw = bind_agency(secretariat, "衛生福利部", "line:Cmohw", name="陳小姐")

    moe.run("#8 已於11/20召開研商會議，轉介流程草案完成。")
    clock.advance(days=2)
    moe.run("#8 轉介流程草案已送各縣市表示意見。")
    moe.run("#6 已於5/12召開跨部會研商會議。")
    moe.run("更正 #6 已於11/24召開跨部會研商會議，銜接流程草案如附。")
    clock.advance(days=1)
    assert moe.run("建議解除 8 轉介流程與指標已函頒各縣市。").startswith("已送秘書處")
    mohw.run("#1 測試")
    assert mohw.run("撤回 #1").startswith("已撤回 #1 衛生福利部")
    mohw.run("#1 高風險孕產婦試辦計畫成效報告已完成（附件）。")
    clock.advance(days=1)
    assert secretariat.run("#1 另以電話補充：追蹤個案 120 案。").startswith("已代為登錄 #1 衛生福利部")
    secretariat.run("擬解除 8 教育部已函頒轉介流程與指標")
    secretariat.run("擬繼續 6")

    for rows in every_format(secretariat, tmp_path):
        assert rows["8"]["辦理情形"] == (
            "教育部（115/11/23）：已於11/20召開研商會議，轉介流程草案完成。\n"
            "教育部（115/11/25）：轉介流程草案已送各縣市表示意見。\n"
            "教育部建議解除列管：轉介流程與指標已函頒各縣市。")
        assert rows["8"]["列管建議"] == "擬解除列管\n理由：教育部已函頒轉介流程與指標"
        assert rows["6"]["辦理情形"].startswith("教育部（115/11/25）：已於11/24召開跨部會研商會議，銜接流程草案如附。")
        assert "5/12" not in rows["6"]["辦理情形"] and rows["6"]["列管建議"] == "擬繼續列管"
        assert rows["1"]["辦理情形"] == (
            "衛生福利部（115/11/26）：高風險孕產婦試辦計畫成效報告已完成（附件）。\n"
            "衛生福利部（115/11/27，秘書處代為登錄）：另以電話補充：追蹤個案 120 案。")
        assert all(row["會議決定"] == "" for row in rows.values())

    _, history = xlsx_rows(report(secretariat, "xlsx"))
    written = [cell for row in history for cell in row if isinstance(cell, str)]
    assert "測試" in written and "已於5/12召開跨部會研商會議。" in written  # the sheet keeps every reply

    clock.advance(days=17)  # 115/12/14: the meeting decides
    secretariat.run("解除列管 8")
    secretariat.run("繼續列管 6")
    for rows in every_format(secretariat, tmp_path):
        assert rows["8"]["會議決定"] == "解除列管" and rows["6"]["會議決定"] == "繼續列管"
        assert rows["8"]["辦理情形"].endswith("教育部建議解除列管：轉介流程與指標已函頒各縣市。")
