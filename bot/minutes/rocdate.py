"""Dates in minutes: ROC (民國) dates in every common form, and the dues of decisions.

109年3月11日, 109.3.11, 109/3/11, 一○九年三月十一日, 中華民國109年3月11日; a due is a written date
in a due position (…前, 延長至…), a relative one (會後1週內 = meeting date + 7 days), or the next
meeting (於下次會議時).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.minutes.textutil import NUM, fold, zh_int

NEXT_MEETING = "next_meeting"
_SMALL = r"(?:\d{1,2}|[一二兩三四五六七八九十]{1,3})"

_FULL = re.compile(
    rf"(?:中華民國|民國)?\s*(?P<y>{NUM})\s*年\s*(?P<m>{_SMALL})\s*月\s*(?P<d>{_SMALL})\s*[日號]"
    r"|(?<![\d.])(?P<y2>\d{2,4})\s*[./-]\s*(?P<m2>\d{1,2})\s*[./-]\s*(?P<d2>\d{1,2})(?![\d.])"
)
_MONTH_DAY = re.compile(rf"(?<![年\d])(?P<m>{_SMALL})\s*月\s*(?P<d>{_SMALL})\s*[日號]")
_MONTH_END = re.compile(
    rf"(?:(?P<y>{NUM})\s*年\s*)?(?P<m>{_SMALL})\s*月\s*底|(?:(?P<y2>{NUM})\s*)?年\s*(?:度\s*)?底"
)
_THIS_OR_NEXT_MONTH_END = re.compile(r"(?:(?P<this>本|當|這個?)|下\s*個?)\s*月\s*底\s*(?:以)?前")
_NEXT_YEAR = re.compile(r"明\s*年")
_RELATIVE = re.compile(
    rf"(?P<n>{_SMALL}|半)\s*(?:個\s*)?(?P<unit>週|周|星期|禮拜|工作天|工作日|天|日|月|年)\s*內"
)
# 接獲轉介後3個工作天內: counted from something else than the meeting, a standing rule, not a due.
_OTHER_START = re.compile(r"(?<!會)(?<!會議)後\s*$")
_NEXT = re.compile(r"下\s*(?:一\s*)?次\s*(?:[\u4e00-\u9fff]{1,4}?)?\s*(?:會議|會報|委員會|大會)|下\s*(?:一\s*)?次\s*會")
_DUE_BEFORE = re.compile(r"(?:延長至|延至|展延至|截止|期限|限期|至遲|最遲|訂於)\s*[:：]?\s*(?:於\s*)?$")
_DUE_AFTER = re.compile(r"^\s*(?:以前|之前|前|止|為止|為限)")
_DUE_VERB = re.compile(r"^.{0,6}?(?:完成|提出|提報|報告|報部|報府|函送|送|辦理|召開|上傳|填報|核定|檢送|回報)")


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    value: date | None  # None: written like a date but impossible (109年2月30日)
    written: str


def roc_year(year: int) -> int:
    return year + 1911 if year < 1000 else year


def _make(year: int | None, month: int | None, day: int | None) -> date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return date(roc_year(year), month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[DateHit]:
    """Every full date (with a year) in the text, in order."""
    folded = fold(text)
    hits = []
    for m in _FULL.finditer(folded):
        if m.group("y") is not None:
            parts = (zh_int(m.group("y")), zh_int(m.group("m")), zh_int(m.group("d")))
        else:
            parts = (int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
        hits.append(DateHit(m.start(), m.end(), _make(*parts), text[m.start() : m.end()].strip()))
    return hits


def first_date(text: str) -> DateHit | None:
    hits = find_dates(text)
    return hits[0] if hits else None


@dataclass(frozen=True)
class Due:
    value: str | None  # "next_meeting", an ISO date, or None
    problem: str | None = None  # zh-TW, when something looked like a due but could not be used


def find_due(text: str, meeting: date | None) -> Due:
    folded = fold(text)
    for finder in (_written_due, _month_end_due, _relative_due):
        due = finder(text, folded, meeting)
        if due is not None:
            return due
    if _NEXT.search(folded):
        return Due(NEXT_MEETING)
    return Due(None)


def _in_due_position(folded: str, start: int, end: int) -> bool:
    before, after = folded[max(0, start - 8) : start], folded[end : end + 12]
    if _DUE_BEFORE.search(before) or _DUE_AFTER.match(after):
        return True
    return before.rstrip().endswith(("於", "在")) and bool(_DUE_VERB.match(after))


def _written_due(text: str, folded: str, meeting: date | None) -> Due | None:
    spans = [(h.start, h.end, h.value, h.written) for h in find_dates(text)]
    for m in _MONTH_DAY.finditer(folded):  # 6月30日前: the meeting's year, or the next one
        if any(s <= m.start() < e for s, e, _, _ in spans) or meeting is None:
            continue
        value = _make(meeting.year, zh_int(m.group("m")), zh_int(m.group("d")))
        if value is not None and value < meeting:
            value = _make(meeting.year + 1, value.month, value.day)
        spans.append((m.start(), m.end(), value, text[m.start() : m.end()]))
    for start, end, value, written in sorted(spans):
        if not _in_due_position(folded, start, end):
            continue
        if value is None:
            return Due(None, f"「{written}」不是有效日期，期限未填，請確認")
        return Due(value.isoformat())
    return None


def _month_end_due(text: str, folded: str, meeting: date | None) -> Due | None:
    if meeting is not None and (near := _THIS_OR_NEXT_MONTH_END.search(folded)):  # 下個月底前, 本月底前
        ahead = 0 if near.group("this") else 1
        in_year, in_month = meeting.year + (meeting.month - 1 + ahead) // 12, (meeting.month - 1 + ahead) % 12 + 1
        return Due(date(in_year, in_month, calendar.monthrange(in_year, in_month)[1]).isoformat())
    for m in _MONTH_END.finditer(folded):
        if not _in_due_position(folded, m.start(), m.end()) and not folded[m.end() :].startswith("完成"):
            continue
        written_year = m.group("y") or m.group("y2")
        year = roc_year(zh_int(written_year) or 0) if written_year else (meeting.year if meeting else None)
        month = zh_int(m.group("m")) if m.group("m") else 12
        if year is None or month is None or not 1 <= month <= 12:
            return Due(None, f"「{text[m.start() : m.end()]}」看不出是哪一年，期限未填，請確認")
        if not written_year and year is not None and _NEXT_YEAR.search(folded[max(0, m.start() - 3) : m.start() + 2]):
            year += 1  # 明年底, 明年6月底
        end = date(year, month, calendar.monthrange(year, month)[1])
        if meeting is not None and not written_year and end < meeting:
            end = date(year + 1, month, calendar.monthrange(year + 1, month)[1])
        return Due(end.isoformat())
    return None


def _relative_due(text: str, folded: str, meeting: date | None) -> Due | None:
    m = next((m for m in _RELATIVE.finditer(folded) if not _OTHER_START.search(folded[max(0, m.start() - 10) : m.start()])), None)
    if m is None:
        return None
    written = text[m.start() : m.end()]
    if meeting is None:
        return Due(None, f"找不到會議日期，無法換算「{written}」的期限")
    n = 0.5 if m.group("n") == "半" else float(zh_int(m.group("n")) or 0)
    unit = m.group("unit")
    if unit in ("週", "周", "星期", "禮拜"):
        return Due((meeting + timedelta(days=round(7 * n))).isoformat())
    if unit in ("工作天", "工作日"):
        return Due(_add_office_days(meeting, int(n)).isoformat())
    if unit in ("月", "年"):
        return Due(_add_months(meeting, n * (12 if unit == "年" else 1)).isoformat())
    return Due((meeting + timedelta(days=int(n))).isoformat())


def _add_office_days(start: date, days: int) -> date:
    # Weekends only: the holiday calendar belongs to the scheduler, the import just proposes a date.
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def _add_months(start: date, months: float) -> date:
    if months != int(months):
        return start + timedelta(days=round(30 * months))
    month_index = start.month - 1 + int(months)
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
