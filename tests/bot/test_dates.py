"""Dates users type, in either calendar, and the ROC dates they read."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dates import DateError, parse_date, roc, roc_short, roc_weekday

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
