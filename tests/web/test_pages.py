"""What the secretariat sees and does on the desk: 總覽's 燈號, the items, one item's page, the report."""

from __future__ import annotations

import io
import re

from aiohttp.test_utils import TestClient

from bot.reports import FORMATS
from tests.driver import Chat
from tests.web.conftest import Desk, sign_in


async def say(chat: Chat, text: str) -> str:
    return "\n".join(o.text for o in await chat.send(text))


def cell(html: str, agency: str, case: str) -> str | None:
    """The 燈號 class of one matrix cell."""
    found = re.search(rf'<td class="l-(\w+)"><a href="/items/{case}#r-{agency}"', html)
    return found.group(1) if found else None


async def test_overview_shows_each_agencys_light_on_each_item(seeded: Desk, client: TestClient) -> None:
    await sign_in(client, seeded.bot)
    html = await (await client.get("/")).text()
    assert cell(html, "教育部", "1") == "green"
    assert cell(html, "教育部", "2") == "yellow"  # an assisting agency answers too
    assert cell(html, "衛生福利部", "2") == "yellow"
    assert cell(html, "教育部", "3") == "red"  # its own due date 115/11/20 has passed
    assert cell(html, "衛生福利部", "4") == "blue"
    assert cell(html, "衛生福利部", "1") is None  # not its item
    assert "/items/5" not in html  # released: hidden by default
    assert "內政部（1 案）" in html  # nobody reminds it
    assert "回報截止 115年11月25日（還有 2 個辦公日）" in html
    counts = re.sub(r"\s+", " ", html[html.index('<ul class="counts">'):html.index("</ul>")])
    assert "<b>5</b>列管中" in counts and "<b>2 / 6</b>本輪已回報 / 應回報" in counts
    assert "<b>1</b>逾期" in counts and "<b>1</b>建議解除待決定" in counts


async def test_overview_sorts_agencies_with_red_first_and_can_show_released(seeded: Desk, client: TestClient) -> None:
    await sign_in(client, seeded.bot)
    html = await (await client.get("/")).text()
    assert html.index('id="m-教育部"') < html.index('id="m-衛生福利部"')
    shown = await (await client.get("/?released=1")).text()
    assert cell(shown, "衛生福利部", "5") == "grey"


async def test_a_late_reply_turns_red_and_an_early_one_stays_green(seeded: Desk, client: TestClient) -> None:
    seeded.bot.clock.advance(days=3)  # type: ignore[attr-defined]  # Thursday 115/11/26: past the deadline
    assert "已記錄" in await say(seeded.health, "#2 已完成人力盤點")
    await sign_in(client, seeded.bot)
    html = await (await client.get("/")).text()
    assert cell(html, "衛生福利部", "2") == "red"  # replied after the deadline (逾期回報)
    assert cell(html, "教育部", "2") == "red"  # still silent after the deadline
    assert cell(html, "教育部", "1") == "green"


async def test_items_filter_by_light_agency_status_and_words_in_replies(seeded: Desk, client: TestClient) -> None:
    await sign_in(client, seeded.bot)

    async def cases(query: str) -> list[str]:
        html = await (await client.get(f"/items?{query}")).text()
        return re.findall(r'<td><a href="/items/(\d+)">', html)

    assert await cases("") == ["1", "2", "3", "4", "6"]
    assert await cases("light=red") == ["3"]
    assert await cases("agency=衛福部") == ["2", "4"]  # open ones, by its short name
    assert await cases("status=released") == ["5"]
    assert await cases("q=轉介流程草案") == ["1"]  # words of a reply
    assert await cases("q=校園 通報") == ["3"]
    assert "找不到機關" in await (await client.get("/items?agency=火星部")).text()


async def test_the_item_page_shows_replies_by_agency_decisions_and_the_audit(seeded: Desk, client: TestClient) -> None:
    assert "已記錄" in await say(seeded.education, "#2 已提供學校輔導人力資料")
    await sign_in(client, seeded.bot)
    html = await (await client.get("/items/2")).text()
    assert 'id="r-衛生福利部"' in html and 'id="r-教育部"' in html
    assert "已提供學校輔導人力資料" in html and "line:Cedu" in html
    assert "主辦：衛生福利部" in html and "協辦：教育部" in html
    assert "異動紀錄" in html and "item.create" in html
    assert (await client.get("/items/99")).status == 404


async def test_editing_from_the_desk_uses_the_chats_store_operations_and_audit(seeded: Desk, client: TestClient) -> None:
    csrf = await sign_in(client, seeded.bot)
    edited = await client.post("/items/2/edit", data={"csrf": csrf, "subject": "高風險家庭",
                                                      "text": "請衛福部於12月底前盤點訪視人力，並提出補足方案。"})
    assert edited.status == 200 and "已修改內容" in await edited.text()
    assert seeded.bot.store.item(item_id=2).text == "請衛福部於12月底前盤點訪視人力，並提出補足方案。"
    await client.post("/items/2/assign", data={"csrf": csrf, "leads": "衛福部、教育部", "assists": "勞動部"})
    await client.post("/items/2/due", data={"csrf": csrf, "due": "115/12/31"})
    await client.post("/items/2/propose", data={"csrf": csrf, "proposal": "keep", "reason": "人力仍不足"})
    item = seeded.bot.store.item(item_id=2)
    assert item.agencies == (("衛生福利部", "lead"), ("教育部", "lead"), ("勞動部", "assist"))
    assert item.due_date is not None and item.due_date.isoformat() == "2026-12-31"
    assert (item.proposal, item.proposal_reason) == ("keep", "人力仍不足")
    await client.post("/items/2/decide", data={"csrf": csrf, "status": "released"})
    assert seeded.bot.store.item(item_id=2).status == "released"
    trail = seeded.bot.store.item_audit(item_id=2, case="2")
    assert [a.action for a in trail][-5:] == ["item.edit", "item.assign", "item.due", "item.propose", "item.decide"]
    assert {a.actor for a in trail[-5:]} == {"web:line:Usec"}
    assert "請衛福部於12月底前盤點訪視人力" in await say(seeded.secretariat, "案 2")


async def test_a_bad_form_value_is_explained_and_changes_nothing(seeded: Desk, client: TestClient) -> None:
    csrf = await sign_in(client, seeded.bot)
    before = seeded.bot.store.item(item_id=2)
    for path, data, said in [("/items/2/due", {"due": "115/13/40"}, "不是有效日期"),
                             ("/items/2/assign", {"leads": "火星部"}, "找不到機關「火星部」"),
                             ("/items/2/edit", {"text": "  "}, "內容不能空白"),
                             ("/items/2/decide", {"status": "gone"}, "請選擇")]:
        answer = await client.post(path, data={"csrf": csrf, **data})
        assert answer.status == 400 and said in await answer.text()
    assert seeded.bot.store.item(item_id=2) == before


async def test_report_preview_has_the_documents_rows_and_every_format_downloads(seeded: Desk, client: TestClient) -> None:
    from docx import Document

    await sign_in(client, seeded.bot)
    html = await (await client.get("/report")).text()
    for fmt in FORMATS:
        assert f"format={fmt}" in html
    assert "已於11月20日函送轉介流程草案" in html and "未回報" in html
    docx = await client.get("/report/download?meeting=next&format=docx")
    assert docx.status == 200 and "attachment" in docx.headers["Content-Disposition"]
    table = Document(io.BytesIO(await docx.read())).tables[0]
    progress = [row.cells[progress_column(table)].text for row in table.rows[1:]]
    assert any("已於11月20日函送轉介流程草案" in text for text in progress)
    refused = await client.get("/report/download?format=exe")
    assert refused.status == 400 and "不支援的報告格式" in await refused.text()


def progress_column(table: object) -> int:
    headers = [c.text for c in table.rows[0].cells]  # type: ignore[attr-defined]
    return headers.index("辦理情形")


async def test_agencies_page_makes_and_revokes_bind_codes(seeded: Desk, client: TestClient) -> None:
    csrf = await sign_in(client, seeded.bot)
    html = await (await client.get("/agencies")).text()
    assert "line:Cedu" in html and "內政部：1 案" in html
    made = await (await client.post("/agencies/bindcode", data={"csrf": csrf, "agency": "內政部"})).text()
    code = re.search(r"內政部的綁定碼：(\w{3}-\w{3})", made)
    assert code is not None
    revoked = await client.post("/agencies/revoke", data={"csrf": csrf, "code": code.group(1)})
    assert "已作廢" in await revoked.text()
    assert seeded.bot.store.open_bind_codes() == []
    interior = Chat(seeded.bot, "line:Cmoi")
    assert "已綁定" not in await say(interior, f"綁定 {code.group(1)}")


async def test_the_secretariat_sets_the_progress_text_the_report_prints(seeded: Desk, client: TestClient) -> None:
    csrf = await sign_in(client, seeded.bot)
    page = await (await client.get("/items/1")).text()
    assert "已於11月20日函送轉介流程草案" in page[page.index('id="r-教育部"'):]
    answer = await client.post("/items/1/progress", data={"csrf": csrf, "agency": "教育部",
                                                          "text": "教育部已函頒學生輔導轉介流程（秘書處彙整）。"})
    assert answer.status == 200 and "秘書處修改" in await answer.text()
    report = await (await client.get("/report")).text()
    assert "教育部已函頒學生輔導轉介流程（秘書處彙整）。" in report
    restored = await client.post("/items/1/progress", data={"csrf": csrf, "agency": "教育部", "restore": "1"})
    assert restored.status == 200
    assert "教育部已函頒學生輔導轉介流程（秘書處彙整）。" not in await (await client.get("/report")).text()
    refused = await client.post("/items/1/progress", data={"csrf": csrf, "agency": "法務部", "text": "x"})
    assert refused.status == 400 and "不是 #1 的機關" in await refused.text()
    trail = seeded.bot.store.item_audit(item_id=1, case="1")
    assert [a.action for a in trail if a.action.startswith("progress")] == ["progress.edit", "progress.restore"]


async def test_a_collectives_cell_opens_the_item_at_its_members(seeded: Desk, client: TestClient) -> None:
    assert "已新增" in await say(seeded.secretariat, "新增 請各部會盤點相關資源 主辦：各部會")
    await sign_in(client, seeded.bot)
    html = await (await client.get("/")).text()
    found = re.search(r'<td class="l-(\w+)"><a href="/items/7#r-各部會" title="[^"]*">(\d+/\d+)</a>', html)
    assert found is not None and found.group(2) == "0/2"  # 教育部 and 衛生福利部 are bound members
    item = await (await client.get("/items/7")).text()
    assert 'id="r-各部會"' in item and 'id="r-教育部"' in item and 'id="r-衛生福利部"' in item


async def test_with_several_bodies_the_header_chooses_which_one(seeded: Desk, client: TestClient) -> None:
    assert "已建立" in await say(seeded.secretariat, "會議 新增 臺北市社會福利政策推動委員會")
    await sign_in(client, seeded.bot)
    html = await (await client.get("/")).text()
    assert '<select id="body" name="body">' in html and "強化社會安全網中央跨部會平台</h1>" in html
    other = next(b for b in seeded.bot.store.bodies() if b.name.startswith("臺北市"))
    chosen = await (await client.get(f"/?body={other.id}")).text()
    assert "還沒有" not in chosen and "臺北市社會福利政策推動委員會</h1>" in chosen
    assert f'href="/items?body={other.id}"' in chosen  # links keep the chosen body


async def test_a_text_longer_than_a_chat_message_is_refused(seeded: Desk, client: TestClient) -> None:
    csrf = await sign_in(client, seeded.bot)
    answer = await client.post("/items/1/edit", data={"csrf": csrf, "text": "字" * 5001})
    assert answer.status == 400 and "內容太長" in await answer.text()
