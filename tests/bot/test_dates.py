"""Dates users type, in either calendar, and the ROC dates they read."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dates import (
    DateError,
    halfwidth_map,
    original_from,
    parse_date,
    parse_when,
    roc,
    roc_meeting,
    roc_short,
    roc_time,
    roc_weekday,
)

TODAY = date(2026, 11, 22)  # a Sunday


@pytest.mark.parametrize(("typed", "meant"), [
    ("115/11/22", date(2026, 11, 22)), ("115年11月22日", date(2026, 11, 22)), ("115.11.22", date(2026, 11, 22)),
    ("2026-11-22", date(2026, 11, 22)), ("11/22", date(2026, 11, 22)), ("１１５／１１／２２", date(2026, 11, 22)),
    ("109年 3月 11日", date(2020, 3, 11)), ("下週三", date(2026, 11, 25)), ("下星期三", date(2026, 11, 25)),
    ("下禮拜一", date(2026, 11, 23)), ("明天", date(2026, 11, 23)),
])
def test_understands_what_users_type(typed: str, meant: date) -> None:
    assert parse_date(typed, today=TODAY) == meant


@pytest.mark.parametrize("typed", ["115/2/30", "115/13/1", "2026-02-29"])
def test_impossible_dates_get_an_example(typed: str) -> None:
    with pytest.raises(DateError, match=r"不是有效日期.*115/6/10"):
        parse_date(typed, today=TODAY)


def test_gibberish_gets_an_example() -> None:
    with pytest.raises(DateError, match="看不懂"):
        parse_date("找時間", today=TODAY)


def test_shows_roc_dates() -> None:
    assert roc(date(2026, 11, 22)) == "115年11月22日"
    assert roc_short(date(2020, 6, 3)) == "109/6/3"
    assert roc_weekday(date(2020, 6, 10)) == "109年6月10日（星期三）"


DECEMBER = date(2026, 12, 7)  # 115年12月7日, a Monday


@pytest.mark.parametrize(("typed", "meant"), [
    ("1/20", date(2027, 1, 20)), ("1月20日", date(2027, 1, 20)), ("12/7", date(2026, 12, 7)),
    ("12/20", date(2026, 12, 20)), ("12/1", date(2027, 12, 1)), ("2/29", date(2028, 2, 29)),
])
def test_a_date_without_a_year_is_the_next_such_date(typed: str, meant: date) -> None:
    assert parse_date(typed, today=DECEMBER) == meant


def test_a_meeting_already_held_without_a_year_is_the_last_such_date() -> None:
    assert parse_date("12/1", today=DECEMBER, upcoming=False) == date(2026, 12, 1)
    assert parse_date("12/20", today=DECEMBER, upcoming=False) == date(2025, 12, 20)


@pytest.mark.parametrize(("typed", "meant"), [
    ("116年1月20日上午9時30分", (date(2027, 1, 20), "09:30")), ("116/1/20 9:30", (date(2027, 1, 20), "09:30")),
    ("116/1/20 下午2時", (date(2027, 1, 20), "14:00")), ("116/1/20 14:00", (date(2027, 1, 20), "14:00")),
    ("1/20 上午9點半", (date(2027, 1, 20), "09:30")), ("１１６／１／２０　１４：００", (date(2027, 1, 20), "14:00")),
    ("116/1/20", (date(2027, 1, 20), None)), ("115/12/14", (date(2026, 12, 14), None)),
])
def test_a_time_of_day_after_the_date_is_understood(typed: str, meant: tuple[date, str | None]) -> None:
    assert parse_when(typed, today=DECEMBER) == meant


@pytest.mark.parametrize("typed", ["116/1/20 25:00", "116/1/20 9:75", "116/1/20 上午14時"])
def test_an_impossible_time_gets_an_example(typed: str) -> None:
    with pytest.raises(DateError, match="上午9時30分"):
        parse_when(typed, today=DECEMBER)


def test_meeting_times_read_as_notices_write_them() -> None:
    assert roc_meeting(date(2027, 1, 20), "09:30") == "116年1月20日（星期三）上午9時30分"
    assert roc_meeting(date(2027, 1, 20), "14:00") == "116年1月20日（星期三）下午2時"
    assert roc_meeting(date(2027, 1, 20)) == "116年1月20日（星期三）"
    assert roc_time("12:00") == "中午12時"


def test_halfwidth_map_points_back_at_the_users_characters() -> None:
    text = "＃６…轉介（附件）"
    norm, where = halfwidth_map(text)
    assert norm == "#6...轉介(附件)" and where[:5] == [0, 1, 2, 2, 2]
    assert original_from(text, norm.index("轉")) == "轉介（附件）"
