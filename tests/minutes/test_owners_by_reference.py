"""Owners as people write them beyond a plain 請X: a school's own 處室, an addressee named twice,
a committee deciding for itself, the chair speaking, an inspection's instructions — and text that
only tells what happened. Small minutes, one rule each (none of them a corpus document's wording)."""

from __future__ import annotations

from bot.minutes import Extraction, extract
from config.directory import AgencyDirectory


def run(text: str, directory: AgencyDirectory) -> Extraction:
    return extract(text, directory=directory)


def owners_of(result: Extraction, key: str) -> list[str]:
    return next(i.agencies for i in result.items if key in i.text)


SCHOOL = "高雄市立旗山國民中學113學年度校務會議紀錄\n時間：113年8月30日上午9時\n主席：林校長\n"


def test_a_schools_units_stay_its_own_not_the_citys(directory: AgencyDirectory) -> None:
    result = run(SCHOOL + "決議：\n一、請總務處會同家長委員代表辦理驗收。\n二、請教育局協助經費。\n", directory)

    assert owners_of(result, "請總務處") == ["總務處"]  # never 高雄市政府總務處, and 家長委員 is no agency
    assert owners_of(result, "請教育局") == ["高雄市政府教育局"]


def test_the_units_asked_by_name_own_work_announced_to_all(directory: AgencyDirectory) -> None:
    result = run(SCHOOL + "決議：\n一、請各處室製作處室牌，請教務處及學務處於9月底前完成。\n"
                 "二、請各處室提供評鑑資料，請教務處於9月底前彙整。\n", directory)

    assert owners_of(result, "處室牌") == ["教務處", "學務處"]
    assert owners_of(result, "評鑑資料") == ["各處室", "教務處"]  # who gathers works with all, not instead


CITY = "臺南市災害應變中心第2次工作會報紀錄\n時間：113年7月25日上午10時\n主席：黃市長\n"


def test_an_addressee_named_again_or_a_closing_exhortation_adds_no_owner(directory: AgencyDirectory) -> None:
    result = run(CITY + "主席裁示：\n一、請工務局及各區公所評估增加工班，並請區公所加強巡查，各單位務必加速復原。\n"
                 "二、各機關應落實公文時效管理，逾期案件由研考會每月通報。\n", directory)

    assert owners_of(result, "評估增加工班") == ["臺南市政府工務局", "各區公所"]
    assert owners_of(result, "公文時效")[0] == "各機關"  # a collective asked first stays


COMMITTEE = "松濤社區管理委員會第3屆第2次委員會議紀錄\n時間：113年3月3日下午7時\n主席：主任委員王大明\n"


def test_what_a_committee_decides_for_itself_is_its_own_work(directory: AgencyDirectory) -> None:
    result = run(COMMITTEE + "一、本社區決定於5月份辦理水塔清洗。\n二、請總幹事張貼公告。\n", directory)

    point = next(i for i in result.items if "水塔清洗" in i.text)
    assert point.agencies == ["松濤社區管理委員會"] and point.agencies_inferred
    assert owners_of(result, "張貼公告") == ["總幹事"]


def test_the_chair_speaking_to_staff_asks_without_please(directory: AgencyDirectory) -> None:
    head = "臺中市議會程序委員會議事錄\n時間：113年9月2日上午10時\n"
    result = run(head + "主席：好，你們議事組下次提早三天把資料送到委員研究室。\n林秘書：好的。\n"
                 "主席：你再跟總務組講一下，週五前把麥克風修好。\n李委員：謝謝主席。\n主席：謝謝大家，散會。\n", directory)

    assert owners_of(result, "提早三天") == ["議事組"]
    assert owners_of(result, "麥克風") == ["總務組"]
    assert not any("散會" in i.text for i in result.items)
    assert not any("先說明" in i.text for i in run(head + "主席：好，你先說明一下。\n林秘書：好。\n主席：謝謝。\n",
                                                   directory).items)


def test_an_inspections_instructions_go_to_the_unit_inspected(directory: AgencyDirectory) -> None:
    text = ("經濟部水利署署長視察第十河川局紀要\n113年5月2日\n署長赴第十河川局視察，聽取簡報後指示如下：\n"
            "堤防缺口務必於明年汛期前完成銜接。另署長亦指示該局持續盤點抽水機。\n")
    result = run(text, directory)

    assert any("堤防缺口" in i.text for i in result.items)  # a must with a deadline, though nobody is named
    assert not any(i.text.endswith("如下：") for i in result.items)  # the lead-in is not an item
    assert owners_of(result, "盤點抽水機") and "第十河川局" in owners_of(result, "盤點抽水機")[0]
    assert result.meeting.date is not None and result.meeting.date.isoformat() == "2024-05-02"


def test_a_timeline_and_encouragement_are_shown_not_ticked(directory: AgencyDirectory) -> None:
    text = ("某醫院年終檢討會紀要\n112年12月20日\n13:00 各科主任到場，須待院長到場才能決定如何開會。\n"
            "院長期勉同仁相互學習，各單位亦應藉此機會共同努力。\n")
    result = run(text, directory)

    assert not result.items
    assert len(result.candidates) >= 1


MINISTRY = "內政部戶政資料介接工作會議紀錄\n時間：113年4月1日上午10時\n主席：林次長\n"


def test_whose_request_it_is_does_not_make_an_owner(directory: AgencyDirectory) -> None:
    result = run(MINISTRY + "決定：\n一、主辦機關勞動部所提資料需求，請移民署洽勞動部確認欄位。\n", directory)

    assert owners_of(result, "確認欄位") == ["內政部移民署"]


def test_with_whom_counts_though_words_stand_before_it(directory: AgencyDirectory) -> None:
    head = "苗栗縣三義鄉民代表會第22屆第5次定期會第3次會議紀錄\n時間：113年5月1日上午9時\n主席：陳主席\n"
    result = run(head + "決議：請鄉公所建設課於一個月內會同苗栗縣政府工務處及相關單位會勘護岸。\n", directory)

    assert owners_of(result, "會勘護岸") == ["苗栗縣三義鄉公所建設課", "苗栗縣政府工務處"]


def test_all_of_the_bodys_units_and_a_property_manager_are_owners(directory: AgencyDirectory) -> None:
    result = run(SCHOOL + "決議：\n一、本校各單位應於10月底前完成個資盤點，由資訊組彙整。\n", directory)
    assert owners_of(result, "個資盤點") == ["各單位", "資訊組"]

    result = run(COMMITTEE + "一、垃圾車時段：決議維持現行時段，並請物業經理張貼公告。\n", directory)
    assert owners_of(result, "張貼公告") == ["物業經理"]


def test_a_bureaus_engineering_office_is_read_whole(directory: AgencyDirectory) -> None:
    head = "臺北市政府第2288次市政會議紀錄\n時間：113年9月24日上午9時\n主席：蔣市長\n"
    result = run(head + "主席裁示：請工務局新建工程處加強查核，並請各區公所協助通報坑洞。\n", directory)

    assert owners_of(result, "加強查核") == ["臺北市政府工務局新建工程處", "各區公所"]
