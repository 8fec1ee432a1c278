"""The secretariat's item commands, through the neutral layer on a real database."""

from __future__ import annotations

from bot.core import Bot
from tests.conftest import bind_agency
from tests.driver import Chat

BODY = "強化社會安全網中央跨部會平台"


def setup_items(secretariat: Chat) -> None:
    secretariat.run(f"會議 新增 {BODY}")
    secretariat.run("新增 請教育部提出家庭教育中心轉介流程 主辦：教育部 協辦：勞動部 期限：下次會議")
    secretariat.run("新增 請衛福部提出高風險孕產婦試辦計畫成效報告 主辦：衛福部 期限：116/1/15")


def test_new_items_get_the_bodys_next_case_numbers(secretariat: Chat) -> None:
    secretariat.run(f"會議 新增 {BODY}")
    first = secretariat.run("新增 請教育部提出轉介流程 主辦：教育部 協辦：勞動部 期限：下次會議")
    second = secretariat.run("新增 請衛福部提出報告\n主辦：衛福部\n期限：116/1/15")
    assert first.startswith("已新增 #1") and "主辦：教育部；協辦：勞動部" in first and "下次會議" in first
    assert second.startswith("已新增 #2") and "主辦：衛生福利部" in second and "116/1/15" in second


def test_item_needs_text_and_lead_agency(secretariat: Chat, bot: Bot) -> None:
    secretariat.run(f"會議 新增 {BODY}")
    answer = secretariat.run("新增 主辦：教育部")
    assert "請寫明內容與主辦機關" in answer
    assert bot.store.items() == []


def test_unknown_agency_is_named_and_nothing_saved(secretariat: Chat, bot: Bot) -> None:
    secretariat.run(f"會議 新增 {BODY}")
    answer = secretariat.run("新增 請某某處提出報告 主辦：不存在處")
    assert "找不到機關「不存在處」" in answer and "機關 新增" in answer
    assert bot.store.items() == []


def test_list_shows_open_items_with_roc_dates(secretariat: Chat) -> None:
    setup_items(secretariat)
    answer = secretariat.run("列表")
    assert "列管中 2 案" in answer
    assert "#1" in answer and "下次會議" in answer and "116/1/15" in answer and "上次回報：無" in answer


def test_list_by_agency(secretariat: Chat) -> None:
    setup_items(secretariat)
    answer = secretariat.run("列表 衛福部")
    assert "#2" in answer and "#1 " not in answer


def test_case_shows_item_with_replies_oldest_first(secretariat: Chat, clock: object) -> None:
    setup_items(secretariat)
    moe = bind_agency(secretariat, "教育部", "line:Cmoe")
    moe.run("#1 已召開研商會議")
    clock.advance(days=2)  # type: ignore[attr-defined]
    moe.run("#1 轉介流程草案已完成")
    answer = secretariat.run("案 1")
    assert "內容：請教育部提出家庭教育中心轉介流程" in answer
    assert answer.index("已召開研商會議") < answer.index("轉介流程草案已完成")
    assert "教育部 115/11/23" in answer and "教育部 115/11/25" in answer


def test_unknown_case_gets_the_open_ones(secretariat: Chat) -> None:
    setup_items(secretariat)
    answer = secretariat.run("案 99")
    assert "找不到 #99" in answer and "#1、#2" in answer


def test_edit_assign_due(secretariat: Chat, bot: Bot) -> None:
    setup_items(secretariat)
    assert "已修改 #1" in secretariat.run("修改 1 請教育部於6月底前函頒轉介流程")
    assert "主辦：法務部；協辦：內政部" in secretariat.run("指派 1 法務部 協辦：內政部")
    assert "115/12/31" in secretariat.run("期限 1 115/12/31")
    item = bot.store.find_case(ref="1")[0]
    assert item.text == "請教育部於6月底前函頒轉介流程"
    assert item.agencies == (("法務部", "lead"), ("內政部", "assist"))
    assert str(item.due_date) == "2026-12-31" and not item.due_next_meeting


def test_impossible_date_gets_an_example_and_changes_nothing(secretariat: Chat, bot: Bot) -> None:
    setup_items(secretariat)
    answer = secretariat.run("期限 2 115/2/30")
    assert "「115/2/30」不是有效日期" in answer and "115/6/10" in answer
    assert str(bot.store.find_case(ref="2")[0].due_date) == "2027-01-15"


def test_proposals_and_decisions(secretariat: Chat, bot: Bot) -> None:
    setup_items(secretariat)
    assert "擬解除列管（理由：已函頒）" in secretariat.run("擬解除 1 已函頒")
    assert "擬繼續列管" in secretariat.run("擬繼續 2")
    assert bot.store.find_case(ref="1")[0].proposal == "release"
    assert "解除列管" in secretariat.run("解除列管 1")
    assert "繼續列管" in secretariat.run("繼續列管 2")
    released, continued = bot.store.find_case(ref="1")[0], bot.store.find_case(ref="2")[0]
    assert released.status == "released" and continued.status == "continued"
    assert "列管中 1 案" in secretariat.run("列表")
    assert [d for d, _, _ in bot.store.reviews(item_id=released.id)] == ["created", "released"]


def test_every_change_is_audited(secretariat: Chat, bot: Bot) -> None:
    from sqlmodel import Session, select

    from storage.models import Audit

    setup_items(secretariat)
    secretariat.run("期限 1 115/12/31")
    with Session(bot.store.engine) as s:
        audit = s.exec(select(Audit).where(Audit.action == "item.due")).one()
    assert audit.actor == "line:Usec" and audit.chat == "line:Csecretariat"
    assert audit.before["due_next_meeting"] is True and audit.after["due_date"] == "2026-12-31"  # type: ignore[index]


def test_a_due_date_on_a_sunday_is_kept_with_the_next_office_day(secretariat: Chat, bot: Bot, clock: object) -> None:
    from datetime import UTC, datetime

    clock.now = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # type: ignore[attr-defined]
    setup_items(secretariat)
    answer = secretariat.run("期限 1 12/20")
    assert "#1 期限：115/12/20" in answer
    assert "115年12月20日（星期日）是週末，不是辦公日；下一個辦公日是 115年12月21日（星期一）" in answer
    assert "「期限 1 115/12/21」" in answer
    assert str(bot.store.find_case(ref="1")[0].due_date) == "2026-12-20"
    assert "不是辦公日" not in secretariat.run("期限 1 12/21")
    assert "中華民國開國紀念日" in secretariat.run("期限 1 1/1")
    added = secretariat.run("新增 請勞動部提供統計 主辦：勞動部 期限：12/20")
    assert added.startswith("已新增 #3") and "下一個辦公日是 115年12月21日（星期一）" in added


def test_lists_tell_items_apart_by_their_task_and_agencies(secretariat: Chat) -> None:
    secretariat.run(f"會議 新增 {BODY}")
    subject = "案由：家庭教育中心定位與轉介"
    secretariat.run(f"新增 請教育部提出家庭教育中心轉介流程 {subject} 主辦：教育部 協辦：勞動部")
    secretariat.run(f"新增 請教育部研議家庭教育中心人力配置，並於下次會議提出報告 {subject} 主辦：教育部")
    lines = secretariat.run("列表").splitlines()
    assert lines[1].startswith("#1　請教育部提出家庭教育中心轉介流程　主辦：教育部；協辦：勞動部")
    assert lines[2].startswith("#2　請教育部研議家庭教育中心人力配置，並於下次會議提出報告　主辦：教育部")
    assert "家庭教育中心定位與轉介" not in "\n".join(lines)


def test_a_long_task_is_cut_at_a_clause(secretariat: Chat) -> None:
    secretariat.run(f"會議 新增 {BODY}")
    secretariat.run("新增 請衛生福利部會同教育部研議高風險家庭轉介，並建立跨部會個案追蹤機制及成效指標 主辦：衛福部")
    assert "#1　請衛生福利部會同教育部研議高風險家庭轉介…　主辦：衛生福利部" in secretariat.run("列表")


def test_the_list_of_everything_is_headed_by_what_it_holds(secretariat: Chat) -> None:
    setup_items(secretariat)
    secretariat.run("新增 請勞動部提供統計 主辦：勞動部")
    secretariat.run("解除列管 1")
    secretariat.run("繼續列管 2")
    answer = secretariat.run("列表 全部")
    assert answer.splitlines()[0] == "全部 3 案：列管中 1、繼續列管 1、解除列管 1"
    assert "#1　【解除列管】請教育部提出家庭教育中心轉介流程" in answer
    assert secretariat.run("列表").splitlines()[0] == "列管中 2 案（其中繼續列管 1）："
    assert secretariat.run("列表 解除列管").splitlines()[0] == "解除列管 1 案："


def test_an_agency_filter_shows_what_the_agency_itself_sees(secretariat: Chat, bot: Bot) -> None:
    setup_items(secretariat)
    secretariat.run("新增 請各部會檢視整合不足之處 主辦：各部會")
    secretariat.run("新增 請保護司檢討 主辦：保護司")
    mohw = bind_agency(secretariat, "衛生福利部", "line:Cmohw")
    own = {line.split("　")[0] for line in mohw.run("我的案件").splitlines() if line.startswith("#")}
    listed = {line.split("　")[0] for line in secretariat.run("列表 衛生福利部").splitlines() if line.startswith("#")}
    assert own == listed == {"#2", "#3", "#4"}
    assert secretariat.run("列表 衛生福利部 全部").splitlines()[0] == "衛生福利部 全部 3 案：列管中 3"


def test_a_reminder_lists_each_task_not_the_shared_agenda_title(secretariat: Chat) -> None:
    import asyncio

    secretariat.run(f"會議 新增 {BODY}")
    secretariat.run("新增 請教育部提出轉介流程 案由：家庭教育中心 主辦：教育部 協辦：勞動部")
    secretariat.run("新增 請教育部補足輔導人力 案由：家庭教育中心 主辦：教育部")
    bind_agency(secretariat, "教育部", "line:Cmoe")
    answers = asyncio.run(secretariat.send("催辦 教育部"))
    reminder = next(a for a in answers if a.chat is not None and a.chat.key == "line:Cmoe")
    assert reminder.text.splitlines()[1:] == ["#1　請教育部提出轉介流程　主辦：教育部；協辦：勞動部　上次回報：無",
                                              "#2　請教育部補足輔導人力　上次回報：無"]
