"""Office days follow Taiwan's government calendar: weekends, holidays, 補班, the DGPA file, 停班."""

from __future__ import annotations

from datetime import date

import pytest

from bot.calendar import CalendarFileError, OfficeCalendar, parse_dgpa_csv

DGPA_2025 = """西元日期,星期,是否放假,備註
20250101,三,2,開國紀念日
20250102,四,0,
20250207,五,0,
20250208,六,0,補行上班
20250209,日,2,
""".encode("cp950")


def test_weekends_and_national_holidays_are_days_off() -> None:
    cal = OfficeCalendar()
    assert cal.is_office_day(date(2026, 11, 23))  # a Monday
    assert not cal.is_office_day(date(2026, 11, 28))  # a Saturday
    assert not cal.is_office_day(date(2026, 10, 9))  # 國慶日（補假）
    assert cal.holiday_name(date(2026, 1, 1)) == "中華民國開國紀念日"


def test_a_make_up_workday_on_a_saturday_is_an_office_day() -> None:
    assert OfficeCalendar().is_office_day(date(2025, 2, 8))  # 補班 for the Lunar New Year


def test_counting_office_days_skips_holidays() -> None:
    cal = OfficeCalendar()
    # 109/6/10 (Wed) − 5 office days = 109/6/3; 109/5/18 (Mon) → 109/6/3 is 12 office days
    assert cal.shift(date(2020, 6, 10), -5) == date(2020, 6, 3)
    assert cal.between(date(2020, 5, 18), date(2020, 6, 3)) == 12
    # 端午 (6/25) and its bridge day (6/26) are skipped, the 補班 Saturday 6/20 is not
    assert cal.shift(date(2020, 6, 24), 1) == date(2020, 6, 29)
    assert cal.shift(date(2020, 6, 19), 1) == date(2020, 6, 20)


def test_a_reminder_on_a_day_off_moves_to_the_next_office_day() -> None:
    cal = OfficeCalendar()
    assert cal.on_or_after(date(2026, 2, 16)) == date(2026, 2, 23)  # 春節 week
    assert cal.on_or_after(date(2026, 11, 23)) == date(2026, 11, 23)


def test_overrides_win_over_the_package_calendar() -> None:
    typhoon = date(2026, 11, 24)
    cal = OfficeCalendar({typhoon: False, date(2026, 11, 28): True})
    assert not cal.is_office_day(typhoon) and cal.is_office_day(date(2026, 11, 28))
    assert cal.shift(date(2026, 11, 23), 1) == date(2026, 11, 25)


def test_the_dgpa_csv_in_big5_reads_as_office_days_and_days_off() -> None:
    days = {d.day: (d.office, d.reason) for d in parse_dgpa_csv(DGPA_2025)}
    assert days[date(2025, 1, 1)] == (False, "開國紀念日")
    assert days[date(2025, 2, 8)] == (True, "補行上班")
    assert days[date(2025, 2, 9)] == (False, "")
    assert len(days) == 5


def test_the_older_dgpa_format_is_understood_too() -> None:
    raw = ("date,name,isHoliday,holidayCategory,description\n"
           "2017/1/1,中華民國開國紀念日,是,放假之紀念日及節日,全國各機關學校放假一日。\n"
           "2017/1/3,,否,,\n").encode("utf-8-sig")
    assert [(d.day, d.office) for d in parse_dgpa_csv(raw)] == [(date(2017, 1, 1), False),
                                                                (date(2017, 1, 3), True)]


def test_another_csv_is_refused_with_what_to_download() -> None:
    with pytest.raises(CalendarFileError, match=r"data\.gov\.tw"):
        parse_dgpa_csv("姓名,電話\n王小明,02-1234\n".encode())
    with pytest.raises(CalendarFileError, match="第 2 列"):
        parse_dgpa_csv("西元日期,星期,是否放假,備註\n2025/13/45,三,2,\n".encode())
