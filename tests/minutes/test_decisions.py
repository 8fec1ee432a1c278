"""What counts as a tracked item, a review, an owner and a due — as rules, on small minutes."""

from __future__ import annotations

from bot.minutes import Extraction, extract
from config.directory import AgencyDirectory
from tests.minutes.support import extraction

HEAD = "臺南市社會福利推動委員會第3次會議紀錄\n時間：112年9月5日上午10時\n主席：○副市長○○  紀錄：○○○\n"


def run(body: str, directory: AgencyDirectory, head: str = HEAD) -> Extraction:
    return extract(head + body, directory=directory)


def test_released_case_given_new_work_is_warned(directory: AgencyDirectory) -> None:
    result = extraction("000_663eb93f7475aed5", directory)

    case3 = [i for i in result.items if i.case == "3"]
    assert case3 and ("3", "released") in [(r.case, r.decision) for r in result.reviews]
    assert any(w.startswith("第3案已決定解除列管") for w in result.warnings)


def test_lead_in_gives_its_due_to_points_that_have_none(directory: AgencyDirectory) -> None:
    result = extraction("000_663eb93f7475aed5", directory)

    case8 = next(i for i in result.items if i.case == "8")
    assert "下次會議" not in case8.text and case8.due == "next_meeting"


def test_lead_in_addressee_owns_points_that_name_nobody(directory: AgencyDirectory) -> None:
    result = extraction("000_663eb93f7475aed5", directory)

    point = next(i for i in result.items if i.text.startswith("請將法務部、內政部及教育部"))
    assert point.agencies == ["衛生福利部"] and not point.agencies_inferred


def test_request_naming_nobody_falls_to_the_reporting_unit_and_is_flagged(directory: AgencyDirectory) -> None:
    result = extraction("001_65155ff0e2c0828a", directory)

    point = next(i for i in result.items if "未來請側重社工輔導" in i.text)
    assert point.agencies == ["衛生福利部社會救助及社工司"] and point.agencies_inferred
    assert any("暫列衛生福利部社會救助及社工司" in w for w in result.warnings)


def test_speakers_summaries_and_replies_are_never_items(directory: AgencyDirectory) -> None:
    result = extraction("002_072728cf262c5630", directory)

    assert [i.source.split("、")[0] for i in result.items] == ["肆", "肆"]


def test_related_agencies_resolve_to_the_owners_in_the_case_title(directory: AgencyDirectory) -> None:
    result = extraction("003_fbf8b7683b8c3e1d", directory)

    case1 = next(i for i in result.items if i.case == "1")
    assert case1.agencies == ["桃園市政府教育局", "桃園市政府社會局", "桃園市政府勞動局"]
    assert case1.roles == ["lead", "assist", "assist"] and case1.agencies_inferred


def test_explanations_with_requests_are_not_items(directory: AgencyDirectory) -> None:
    result = run("壹、討論事項\n案由：兒少安置案。\n說明：\n一、請各局處協助轉介。\n決議：照案通過。\n", directory)

    assert result.items == []


def test_points_that_only_note_or_confirm_are_not_items(directory: AgencyDirectory) -> None:
    body = "壹、報告事項\n案由一：業務報告。\n決定：\n一、洽悉。\n二、同意備查。\n三、照案通過。\n四、請社會局於下次會議報告。\n"

    result = run(body, directory)

    assert [i.text for i in result.items] == ["請社會局於下次會議報告。"]
    assert result.items[0].agencies == ["臺南市政府社會局"]


def test_sub_points_that_ask_for_work_replace_their_lead_in(directory: AgencyDirectory) -> None:
    body = "決議：請衛生局依下列事項辦理：\n（一）盤點社區心理衛生中心人力。\n（二）請衛生局會同社會局於會後1個月內研提整合方案。\n"

    result = run(body, directory)

    assert [i.text for i in result.items] == ["請衛生局會同社會局於會後1個月內研提整合方案。"]
    assert result.items[0].due == "2023-10-05"


def test_lead_in_asking_for_work_is_one_item_when_its_points_ask_nothing(directory: AgencyDirectory) -> None:
    body = "決議：請社會局依下列原則修正計畫：\n（一）以家庭為中心。\n（二）以社區為基礎。\n"

    result = run(body, directory)

    assert [i.text for i in result.items] == ["請社會局依下列原則修正計畫：（一）以家庭為中心。（二）以社區為基礎。"]


def test_proposal_to_release_is_not_a_review(directory: AgencyDirectory) -> None:
    body = "壹、上次會議決議事項辦理情形\n第1案：社會局已完成，擬解除列管。\n辦理情形：建議解除列管。\n決定：洽悉。\n"

    assert run(body, directory).reviews == []


def test_talk_of_release_without_a_case_is_not_a_review(directory: AgencyDirectory) -> None:
    body = "壹、討論事項\n案由：列管機制檢討。\n決議：日後已完成事項得解除列管，請社會局研議。\n"

    result = run(body, directory)

    assert result.reviews == [] and len(result.items) == 1


def test_each_listed_case_gets_its_own_review(directory: AgencyDirectory) -> None:
    body = "壹、上次會議決議事項辦理情形\n決定：第2、3案及第5案解除列管，第4案併案辦理，其餘繼續列管。\n"

    reviews = [(r.case, r.decision) for r in run(body, directory).reviews]

    assert reviews == [("2", "released"), ("3", "released"), ("5", "released"), ("4", "other")]


def test_review_listed_case_by_case_with_its_own_decision(directory: AgencyDirectory) -> None:
    body = (
        "參、歷次會議列管案件執行情形\n案號1\n案由：兒少保護網絡合作\n主辦單位：社會局\n辦理情形：已完成，建議解除列管。\n"
        "決定：同意解除列管。\n案號2\n案由：長照服務\n主辦單位：衛生局\n協辦單位：社會局\n辦理情形：辦理中。\n"
        "決定：賡續列管，請於下次會議報告。\n"
    )

    result = run(body, directory)

    assert [(r.case, r.decision) for r in result.reviews] == [("1", "released"), ("2", "continued")]
    (item,) = result.items
    assert (item.case, item.agencies, item.roles, item.agencies_inferred, item.due) == (
        "2", ["臺南市政府衛生局", "臺南市政府社會局"], ["lead", "assist"], True, "next_meeting")


def test_review_decided_right_after_the_section_title(directory: AgencyDirectory) -> None:
    body = "報告事項\n一、上次會議紀錄確認：確認。\n二、前次會議決議事項辦理情形：第1案解除列管；第2案自行列管。\n"

    reviews = [(r.case, r.decision) for r in run(body, directory).reviews]

    assert reviews == [("1", "released"), ("2", "other")]


def test_each_report_owns_the_decision_that_follows_it(directory: AgencyDirectory) -> None:
    body = "二、業務報告\n（一）社會局：\n決定：請社會局持續辦理。\n（二）衛生局：\n決定：請衛生局於會後一週內提出計畫。\n三、散會\n"

    items = run(body, directory).items

    assert [(i.text, i.source) for i in items] == [
        ("請社會局持續辦理。", "二、（一）、決定"), ("請衛生局於會後一週內提出計畫。", "二、（二）、決定")]


def test_a_division_of_work_table_gives_one_item_per_row(directory: AgencyDirectory) -> None:
    body = (
        "貳、討論事項\n案由：兒少失蹤協尋機制。\n決議：依下表分工辦理。\n｜項次｜決議事項｜主辦單位｜協辦單位｜完成期限｜\n"
        "｜1｜建立失蹤兒少協尋通報流程｜警察局｜社會局｜112年12月31日｜\n｜2｜修正協尋作業手冊｜警察局｜｜下次會議｜\n"
    )

    items = run(body, directory).items

    assert [(i.text, i.agencies, i.roles, i.due, i.case) for i in items] == [
        ("建立失蹤兒少協尋通報流程", ["臺南市政府警察局", "臺南市政府社會局"], ["lead", "assist"], "2023-12-31", None),
        ("修正協尋作業手冊", ["臺南市政府警察局"], ["lead"], "next_meeting", None),
    ]


def test_roles_the_minutes_state_win(directory: AgencyDirectory) -> None:
    result = run("決議：請衛生局研議，社會局協辦；由警察局主政辦理宣導。\n", directory)

    assert (result.items[0].agencies, result.items[0].roles) == (
        ["臺南市政府衛生局", "臺南市政府警察局", "臺南市政府社會局"], ["lead", "lead", "assist"])


def test_bare_unit_names_resolve_in_the_body_s_own_government(directory: AgencyDirectory) -> None:
    result = run("決議：請社會局、衛生局及本府教育局於下次會議報告。\n", directory)

    assert result.items[0].agencies == ["臺南市政府社會局", "臺南市政府衛生局", "臺南市政府教育局"]


def test_collective_addressees_stay_as_written(directory: AgencyDirectory) -> None:
    result = run("決議：\n一、請各部會配合辦理。\n二、請各地方政府落實執行。\n三、請各局處配合。\n", directory)

    assert [i.agencies for i in result.items] == [["各部會"], ["各地方政府"], ["各局處"]]


def test_unknown_unit_is_placed_in_the_body_s_government_and_warned(directory: AgencyDirectory) -> None:
    result = run("決議：請文化資產處會同觀光旅遊局研議古蹟活化方案。\n", directory)

    assert result.items[0].agencies == ["臺南市政府文化資產處", "臺南市政府觀光旅遊局"]
    assert result.items[0].roles == ["lead", "assist"]
    assert sum("不在機關名錄中" in w for w in result.warnings) == 2


def test_point_without_any_owner_is_kept_and_warned(directory: AgencyDirectory) -> None:
    result = run("決議：請於下次會議提出具體作法。\n", directory)

    assert result.items[0].agencies == [] and result.items[0].due == "next_meeting"
    assert any("沒有寫明主辦機關" in w for w in result.warnings)


def test_date_that_does_not_exist_is_warned_and_left_empty(directory: AgencyDirectory) -> None:
    result = run("決議：請社會局於112年2月30日前完成盤點。\n", directory)

    assert result.items[0].due is None
    assert any("「112年2月30日」不是有效日期" in w for w in result.warnings)


def test_relative_due_without_a_meeting_date_is_warned(directory: AgencyDirectory) -> None:
    result = run("決議：請社會局於會後2週內完成盤點。\n", directory, head="某委員會會議紀錄\n")

    assert result.items[0].due is None
    assert any("找不到會議日期" in w for w in result.warnings)


def test_ministry_minutes_mean_that_ministry_by_本部(directory: AgencyDirectory) -> None:
    head = "勞動部職業安全衛生諮詢會第2次會議紀錄\n時間：113年3月1日\n"
    result = run("決議：請本部職安署會同本部勞發署研議。\n", directory, head=head)

    assert result.items[0].agencies == ["勞動部職業安全衛生署", "勞動部勞動力發展署"]


def test_items_carry_their_subject_and_source_for_saving(directory: AgencyDirectory) -> None:
    body = "參、討論事項\n案由一：老人共餐據點擴點案。（提案單位：社會局）\n決議：\n一、請民政局協助盤點空間。\n"

    result = run(body, directory)
    item = result.items[0]

    assert item.subject == "老人共餐據點擴點案"
    assert item.source == "參、案由一、決議一"
    assert result.to_json(with_subject=True)["items"][0]["subject"] == "老人共餐據點擴點案"
    assert "subject" not in result.to_json()["items"][0]


def test_body_given_by_the_secretariat_wins_over_the_title(directory: AgencyDirectory) -> None:
    result = extract(HEAD + "決議：請社會局辦理。\n", directory=directory, body="臺南市社福委員會")

    assert result.meeting.body == "臺南市社福委員會"


def test_the_next_meeting_announced_is_no_item(directory: AgencyDirectory) -> None:
    result = run("決議：\n一、本會決定下次會議於10月召開。\n二、請社會局於下次會議報告辦理情形。\n", directory)

    assert [i.text for i in result.items] == ["請社會局於下次會議報告辦理情形。"]


def test_a_bill_handed_on_for_review_gives_nobody_work(directory: AgencyDirectory) -> None:
    head = "行政院第3925次會議紀錄\n時間：113年10月31日上午10時\n主席：卓院長\n"
    result = run("院長提示：各部會應於年底前檢視防護計畫，由國家安全會議統籌。\n"
                 "討論事項\n一、法務部擬具刑法修正草案案。\n決定：通過，函請立法院審議。\n", directory, head)

    assert [i.agencies for i in result.items] == [["各部會", "國家安全會議"]]
