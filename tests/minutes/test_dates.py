"""ROC dates in every common form, and the dues of decisions."""

from __future__ import annotations

from datetime import date

import pytest

from bot.minutes.rocdate import find_dates, find_due

MEETING = date(2019, 10, 3)  # 108年10月3日, seed 001


@pytest.mark.parametrize(
    "written",
    ["109年3月11日", "109年 3月 11日", "109.3.11", "109/3/11", "109-03-11", "中華民國109年3月11日",
     "一○九年三月十一日", "一〇九年三月十一日", "一百零九年三月十一日", "１０９年３月１１日", "2020年3月11日"],
)
def test_every_common_form_of_a_date_is_understood(written: str) -> None:
    assert [hit.value for hit in find_dates(f"時間：{written}（星期三）")] == [date(2020, 3, 11)]


def test_impossible_date_is_found_but_has_no_value() -> None:
    (hit,) = find_dates("109年2月30日")
    assert hit.value is None and hit.written == "109年2月30日"


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("請社工司於會後1週內提出", "2019-10-10"),
        ("請於會後2週內函送", "2019-10-17"),
        ("請於兩週內函送", "2019-10-17"),
        ("請於1個月內完成", "2019-11-03"),
        ("請於一個月內完成", "2019-11-03"),
        ("請於會後10日內回復", "2019-10-13"),
        ("請於會後5個工作天內回復", "2019-10-10"),
        ("請於108年10月25日前完成", "2019-10-25"),
        ("同意截止時間延長至108年10月25日", "2019-10-25"),
        ("請於109.1.15前函送", "2020-01-15"),
        ("請於12月31日前完成", "2019-12-31"),
        ("請於6月底前完成", "2020-06-30"),
        ("請於109年6月底前完成", "2020-06-30"),
        ("請於年底前完成", "2019-12-31"),
        ("請於下次會議時提出報告", "next_meeting"),
        ("請於下一次會議報告", "next_meeting"),
    ],
)
def test_due_of_a_decision(text: str, due: str) -> None:
    assert find_due(text, MEETING).value == due


@pytest.mark.parametrize(
    "text",
    ["請持續辦理", "自107年6月14日起試辦", "請於接獲轉介後3個工作天內回覆", "請徹底檢討"],
)
def test_no_due_where_the_decision_sets_none(text: str) -> None:
    assert find_due(text, MEETING).value is None


def test_written_date_wins_over_the_next_meeting() -> None:
    assert find_due("請於109年1月15日前完成，並於下次會議報告", MEETING).value == "2020-01-15"


def test_relative_due_needs_the_meeting_date() -> None:
    due = find_due("請於會後2週內完成", None)
    assert due.value is None and due.problem and "會議日期" in due.problem


def test_month_ends_said_relative_to_the_meeting() -> None:
    meeting = date(2024, 12, 12)
    assert find_due("請A局於下個月底前完成", meeting).value == "2025-01-31"
    assert find_due("請A局於本月底前完成", meeting).value == "2024-12-31"
    assert find_due("請A局於明年6月底前完成", meeting).value == "2025-06-30"
    assert find_due("請A局於明年底前完成", meeting).value == "2025-12-31"
