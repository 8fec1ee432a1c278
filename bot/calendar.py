"""Taiwan's government calendar: weekends, national holidays and make-up workdays (補班).

The `holidays` package's Taiwan calendar is the base (`is_working_day` knows 補班); the DGPA
辦公日曆表 (imported with `lieguan calendar import`) overrides it where it has the day, and the
secretariat's 停班 days (typhoons) override both. Both overrides are kept in the DayOff table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, timedelta

import holidays

from storage.schedule import DayChange

WEEKDAYS = "一二三四五六日"


class CalendarFileError(ValueError):
    """A file that is not the DGPA office calendar; str() says what is expected, in zh-TW."""


class OfficeCalendar:
    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._base = holidays.country_holidays("TW", language="zh_TW")
        self._overrides = dict(overrides or {})  # day -> is an office day
        self._known: dict[date, bool] = {}

    def is_office_day(self, day: date) -> bool:
        found = self._known.get(day)
        if found is None:
            found = self._overrides[day] if day in self._overrides else bool(self._base.is_working_day(day))
            self._known[day] = found
        return found

    def holiday_name(self, day: date) -> str | None:
        """The national holiday's name (中華民國開國紀念日), or None."""
        name = self._base.get(day)
        return str(name) if name else None

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


def weekday_zh(day: date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


# ---- the DGPA 辦公日曆表 (data.gov.tw dataset 14718) ------------------------------------------
# Current files: 西元日期,星期,是否放假,備註 — 20250101,三,2,開國紀念日 (2: day off, 0: office day).
# Older files (2013–2021): date,name,isHoliday,holidayCategory,description — 2017/1/1,…,是,…
_NEW = ("西元日期", "是否放假")
_OLD = ("date", "isHoliday")


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp950"):  # data.gov.tw has served both over the years
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CalendarFileError("無法讀取這個檔案的文字編碼（應為 UTF-8 或 Big5 的 CSV）。")


def _day(text: str) -> date:
    text = text.strip()
    if "/" in text or "-" in text:
        year, month, day = (int(p) for p in text.replace("-", "/").split("/"))
        return date(year, month, day)
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def parse_dgpa_csv(raw: bytes) -> list[DayChange]:
    """Every day the file lists, office day or not, with its note (補班, 颱風…)."""
    rows = list(csv.reader(io.StringIO(_decode(raw))))
    if not rows:
        raise CalendarFileError("檔案是空的。")
    header = [cell.strip() for cell in rows[0]]
    if all(name in header for name in _NEW):
        at, off, note_name, off_values = header.index("西元日期"), header.index("是否放假"), "備註", {"2"}
    elif all(name in header for name in _OLD):
        at, off, note_name, off_values = header.index("date"), header.index("isHoliday"), "description", {"是"}
    else:
        raise CalendarFileError("這不是人事行政總處的「政府行政機關辦公日曆表」CSV："
                                "第一列應有「西元日期、星期、是否放假、備註」欄位。"
                                "請到 data.gov.tw 下載（資料集 14718）。")
    note = header.index(note_name) if note_name in header else None
    days: list[DayChange] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            day = _day(row[at])
        except (ValueError, IndexError) as exc:
            raise CalendarFileError(f"第 {number} 列的日期看不懂：{','.join(row)}") from exc
        reason = row[note].strip() if note is not None and note < len(row) else ""
        days.append(DayChange(day=day, office=row[off].strip() not in off_values, reason=reason))
    if not days:
        raise CalendarFileError("檔案裡沒有任何日期。")
    return days
