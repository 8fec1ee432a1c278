"""Issue 10: decisions found wherever and however minutes write them, each weighed into a confidence
and a reason; doubtful passages shown as candidates, clearly-not-work text neither."""

from __future__ import annotations

from bot.minutes import Extraction, extract
from config.directory import AgencyDirectory

HEAD = "臺南市政府社會局113年第2次主管會報紀錄\n時間：113年3月4日上午9時\n主席：王局長　　紀錄：李小明\n"


def run(body: str, directory: AgencyDirectory, head: str = HEAD) -> Extraction:
    return extract(head + body, directory=directory)


def texts(items: list) -> list[str]:  # type: ignore[type-arg]
    return [i.text for i in items]


def test_bullets_of_a_section_without_decision_labels_are_items(directory: AgencyDirectory) -> None:
    result = run("一、各科重大事項提報\n• 托育補助公告，請二科於3月底前完成。\n• 二科同仁辛苦了，值得嘉許。\n", directory)

    assert texts(result.items) == ["托育補助公告，請二科於3月底前完成。"]
    assert result.items[0].agencies == ["臺南市政府社會局二科"]
    assert result.items[0].due == "2024-03-31"
    assert result.items[0].confidence >= 0.6 and "條列" in result.items[0].reason
    assert result.candidates == []  # praise is neither


def test_explanations_petitions_and_speeches_are_candidates_not_items(directory: AgencyDirectory) -> None:
    body = (
        "一、主席致詞：歡迎各位，如有需要可以請衛生局協助說明。\n"
        "二、討論事項\n案由：長青食堂擴點案。\n說明：依上次會議結論，請民政局盤點閒置空間。\n"
        "陳情理由：請社會局增加補助。\n決議：請社會局於一個月內提出擴點計畫。\n"
    )
    result = run(body, directory)

    assert texts(result.items) == ["請社會局於一個月內提出擴點計畫。"]
    assert result.items[0].due == "2024-04-04"
    doubted = {i.text: i for i in result.candidates}
    assert any("民政局" in t for t in doubted) and any("增加補助" in t for t in doubted)
    assert all(i.confidence < 0.6 and i.reason for i in result.candidates)
    assert any("說明" in i.reason for i in result.candidates)


def test_an_earlier_record_copied_into_the_minutes_decides_nothing(directory: AgencyDirectory) -> None:
    body = (
        "壹、確認上次會議紀錄：確認。\n貳、附件\n第1次會議紀錄\n時間：113年1月8日上午9時\n"
        "決議：\n一、請一科辦理志工表揚。\n參、報告事項\n決定：請三科研擬志工保險方案。\n"
    )
    result = run(body, directory)

    assert texts(result.items) == ["請三科研擬志工保險方案。"]
    assert any("一科" in i.text and "前次" in i.reason for i in result.candidates)


def test_an_agenda_listing_its_end_does_not_end_the_minutes_after_it(directory: AgencyDirectory) -> None:
    body = "議程：\n壹、報告事項\n貳、散會\n壹、報告事項\n決定：請五科更新轉介流程。\n"

    assert texts(run(body, directory).items) == ["請五科更新轉介流程。"]


def test_the_chair_s_spoken_instructions_and_releases_count(directory: AgencyDirectory) -> None:
    body = (
        "主席：\n上次列管的第3案已經完成，那就解除列管。那這個部分請四科兩週內整理出來。\n"
        "林委員：\n我建議可以請衛生局提供資料。\n"
    )
    result = run(body, directory)

    assert [(r.case, r.decision) for r in result.reviews] == [("3", "released")]
    assert texts(result.items) == ["那這個部分請四科兩週內整理出來。"]
    assert result.items[0].due == "2024-03-18" and "主席" in result.items[0].reason
    assert any("衛生局" in i.text and "發言" in i.reason for i in result.candidates)


def test_owners_in_trailing_parentheses_and_lead_with_assistants(directory: AgencyDirectory) -> None:
    body = "主席裁示：（一）路平專案年底前完成。（工務局）（二）路燈汰換由工務局主辦，經發局、民政局協辦。\n"
    result = run(body, directory, head="臺南市政府第5次市政會議紀錄\n時間：113年3月4日\n")

    first, second = result.items
    assert first.agencies == ["臺南市政府工務局"] and first.due == "2024-12-31"
    assert second.agencies == ["臺南市政府工務局", "臺南市政府經發局", "臺南市政府民政局"]
    assert second.roles == ["lead", "assist", "assist"]


def test_a_bare_list_of_conclusions_pasted_from_mail(directory: AgencyDirectory) -> None:
    result = extract("1. 請各分局於月底前回報。\n2. 交通隊彙整後，請於下次會議提出報告。\n3. 洽悉。\n",
                     directory=directory)

    assert [i.agencies for i in result.items] == [["各分局"], ["交通隊"]]
    assert result.items[1].due == "next_meeting"
    assert result.meeting.title is None


def test_noting_alone_is_neither_and_a_point_asking_nobody_is_only_shown(directory: AgencyDirectory) -> None:
    body = "決定：\n一、洽悉。\n二、同意備查。\n三、各區社福中心可相互支援、分享資源。\n四、請三科於下次會議報告。\n"
    result = run(body, directory)

    assert texts(result.items) == ["請三科於下次會議報告。"]
    assert texts(result.candidates) == ["各區社福中心可相互支援、分享資源。"]
    assert "沒有請誰辦理" in result.candidates[0].reason


def test_a_markdown_session_heading_never_leaks_into_the_item_above(directory: AgencyDirectory) -> None:
    text = (
        "# 某工作坊紀錄\n## 第一次會議\n- 日期：113年3月4日\n**結論**\n- 請一科於兩週內彙整名單。\n"
        "## 第二次會議\n- 日期：113年4月1日\n**結論**\n- 請二科提供統計。\n"
    )
    result = extract(text, directory=directory)

    assert texts(result.items) == ["請一科於兩週內彙整名單。", "請二科提供統計。"]
    assert result.items[0].due == "2024-03-18" and result.meeting.date is not None
