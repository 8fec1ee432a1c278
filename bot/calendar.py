"""Taiwan's government calendar: weekends, national holidays and make-up workdays (補班).

The `holidays` package's Taiwan calendar is the base; the DGPA 辦公日曆表 (imported) and
the secretariat's 停班 days (typhoons) override it, both kept in the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import holidays


class OfficeCalendar:
    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._base = holidays.country_holidays("TW")
        self._overrides = dict(overrides or {})  # day -> is an office day

    def is_office_day(self, day: date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        return bool(self._base.is_working_day(day))

    def on_or_after(self, day: date) -> date:
        """A reminder that falls on a day off moves to the next office day."""
        while not self.is_office_day(day):
            day += timedelta(days=1)
        return day

    def shift(self, day: date, office_days: int) -> date:
        """The office day `office_days` office days after (or, negative, before) `day`."""
        step = 1 if office_days >= 0 else -1
        remaining = abs(office_days)
        while remaining:
            day += timedelta(days=step)
            if self.is_office_day(day):
                remaining -= 1
        return day

    def between(self, start: date, end: date) -> int:
        """Office days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_office_day(day)
        return count
