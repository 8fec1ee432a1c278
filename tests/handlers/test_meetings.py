"""Bodies, the next meeting and its reply deadline, and who has not replied."""

from __future__ import annotations

from bot.core import Bot
from tests.conftest import bind_agency
from tests.driver import Chat


def test_next_meeting_sets_the_deadline_five_office_days_before(secretariat: Chat) -> None:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    answer = secretariat.run("下次會議 116/1/20")
    # 116/1/20 is a Wednesday: five office days before is Wednesday 116/1/13
    assert "下次會議 116年1月20日（星期三）" in answer and "回報截止：116年1月13日" in answer
    assert "每週一 09:30" in answer


def test_next_meeting_in_the_past_or_impossible_is_refused(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    assert "已經過了" in secretariat.run("下次會議 115/1/20")
    assert "「115/2/30」不是有效日期" in secretariat.run("下次會議 115/2/30")
    assert bot.store.bodies()[0].next_meeting is None


def test_commands_needing_a_body_explain_how_to_make_one(secretariat: Chat) -> None:
    assert "會議 新增" in secretariat.run("新增 請教育部提報告 主辦：教育部")


def test_several_bodies_need_the_body_code(secretariat: Chat) -> None:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("會議 新增 桃園市社會福利委員會")
    assert "請在指令後先寫會議代號" in secretariat.run("新增 請教育部提報告 主辦：教育部")
    assert "已新增 #強化1" in secretariat.run("新增 強化 請教育部提報告 主辦：教育部")
    assert "已新增 #桃園1" in secretariat.run("新增 桃園 請社會局提報告 主辦：桃園市政府社會局")
    assert "請教育部提報告" in secretariat.run("案 強化1")


def test_missing_lists_agencies_without_a_reply(secretariat: Chat) -> None:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請教育部提出轉介流程 主辦：教育部")
    secretariat.run("新增 請勞動部提供統計 主辦：勞動部")
    moe = bind_agency(secretariat, "教育部", "line:Cmoe")
    moe.run("#1 已完成")
    assert secretariat.run("未回報") == "截至 115/11/23，仍未回報 1 案：勞動部 #2。"


def test_a_meeting_recorded_by_hand_starts_the_count_for_unanswered(secretariat: Chat, clock: object) -> None:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請教育部提出轉介流程 主辦：教育部")
    moe = bind_agency(secretariat, "教育部", "line:Cmoe")
    moe.run("#1 上次的辦理情形")
    clock.advance(days=2)  # type: ignore[attr-defined]
    assert "已記錄 強化社會安全網中央跨部會平台 第6次會議（115年11月25日）" in secretariat.run("會議 第6次 115/11/25")
    assert "教育部 #1" in secretariat.run("未回報")  # a reply from before the meeting does not count
    assert "第6次（115/11/25）" in secretariat.run("會議")
    assert "已經存在" in secretariat.run("會議 第6次 115/11/26")


def in_december(clock: object) -> None:
    from datetime import UTC, datetime

    clock.now = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # type: ignore[attr-defined]  # Monday 115/12/7


def test_in_december_a_date_without_a_year_is_next_januarys(secretariat: Chat, bot: Bot, clock: object) -> None:
    in_december(clock)
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    answer = secretariat.run("下次會議 1/20")
    assert "下次會議 116年1月20日（星期三）" in answer and "已經過了" not in answer
    assert str(bot.store.bodies()[0].next_meeting) == "2027-01-20"


def test_the_meetings_time_is_kept_and_shown(secretariat: Chat, bot: Bot, clock: object) -> None:
    in_december(clock)
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    answer = secretariat.run("下次會議 116年1月20日上午9時30分")
    assert "下次會議 116年1月20日（星期三）上午9時30分" in answer
    assert bot.store.bodies()[0].next_meeting_time == "09:30"
    assert "116年1月20日（星期三）上午9時30分" in secretariat.run("下次會議")
    assert "116/1/20 上午9時30分" in secretariat.run("會議")
    secretariat.run("下次會議 116/1/21 14:00")
    assert "116年1月21日（星期四）下午2時" in secretariat.run("下次會議")
    assert "116年1月21日（星期四）上午10時" in secretariat.run("下次會議 上午10時")  # a time alone keeps the date
    secretariat.run("下次會議 116/1/22")  # a new date without a time forgets the old time
    assert bot.store.bodies()[0].next_meeting_time is None


def test_a_meeting_set_on_a_sunday_is_kept_with_a_note(secretariat: Chat, clock: object) -> None:
    in_december(clock)
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    answer = secretariat.run("下次會議 12/20")
    assert "115年12月20日（星期日）是週末，不是辦公日" in answer and "115年12月21日（星期一）" in answer


def test_missing_counts_a_collective_with_no_bound_member_as_the_report_does(secretariat: Chat) -> None:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請各部會檢視整合不足之處 主辦：各部會")
    secretariat.run("新增 請勞動部提供統計 主辦：勞動部")
    answer = secretariat.run("未回報")
    assert answer.startswith("截至 115/11/23，仍未回報 2 案：")
    assert "各部會（尚無已綁定群組的成員機關） #1" in answer and "勞動部 #2" in answer
    assert "（未回報 2）" in secretariat.run("報告 md")
