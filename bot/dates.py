"""ROC (民國) dates: what users see and type.

Every date the bot shows is ROC; every date a user types, in either calendar, is understood.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

ROC_OFFSET = 1911
WEEKDAYS = "一二三四五六日"
GOOD_EXAMPLE = "請用例如「115/6/10」或「115年6月10日」。"


class DateError(ValueError):
    """A date the user typed that is malformed or impossible; str() is a zh-TW answer."""


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation to half-width (NFKC), as users mix both."""
    return unicodedata.normalize("NFKC", text)


def halfwidth_map(text: str) -> tuple[str, list[int]]:
    """The half-width text, and for each of its characters the index of the character it came from.

    NFKC may change lengths (… becomes ..., ㈠ becomes (一)), so a position found in the normalised
    text is mapped back before cutting the user's own text: what is stored keeps their characters.
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        norm = unicodedata.normalize("NFKC", ch)
        out.append(norm)
        where.extend([i] * len(norm))
    return "".join(out), where


def original_from(text: str, position: int) -> str:
    """The user's own text from the character that became position `position` of halfwidth(text)."""
    _, where = halfwidth_map(text)
    if position >= len(where):
        return ""
    return text[where[position]:]


def roc(d: date) -> str:
    """115年11月22日"""
    return f"{d.year - ROC_OFFSET}年{d.month}月{d.day}日"


def roc_short(d: date) -> str:
    """115/11/22, for tables and one-line lists."""
    return f"{d.year - ROC_OFFSET}/{d.month}/{d.day}"


def roc_weekday(d: date) -> str:
    """115年11月22日（星期日）"""
    return f"{roc(d)}（星期{WEEKDAYS[d.weekday()]}）"


def roc_datetime(at: datetime) -> str:
    return f"{roc_short(at.date())} {at:%H:%M}"


def roc_time(at: str) -> str:
    """'09:30' → 上午9時30分, '14:00' → 下午2時, '12:00' → 中午12時: how meeting notices write it."""
    hour, minute = (int(p) for p in at.split(":"))
    half = "上午" if hour < 12 else "中午" if hour == 12 else "下午"
    shown = hour - 12 if hour > 12 else hour
    return f"{half}{shown}時" + (f"{minute}分" if minute else "")


def roc_meeting(d: date, at: str | None = None) -> str:
    """116年1月20日（星期三）上午9時30分 — the time only when it is known."""
    return roc_weekday(d) + (roc_time(at) if at else "")


def _year(raw: str) -> int:
    year = int(raw)
    return year + ROC_OFFSET if year < 1000 else year


_FULL = re.compile(r"^(\d{2,4})\s*(?:[/.\-]|年)\s*(\d{1,2})\s*(?:[/.\-]|月)\s*(\d{1,2})\s*日?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*(?:/|月)\s*(\d{1,2})\s*日?$")
_RELATIVE_WEEK = re.compile(r"^(下下|下|本|這|这)?(?:週|周|星期|禮拜|礼拜)([一二三四五六日天])$")
_WORDS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "後天": 2}
# 上午9時30分, 下午2時, 9:30, 14:00, 上午9點半 — at the end of what was typed, after the date
_CLOCK = re.compile(r"(?:^|(?<=[\s日\d]))\s*(?P<half>上午|早上|中午|下午|晚上)?\s*(?P<h>\d{1,2})\s*"
                    r"(?:(?P<colon>:)\s*(?P<cm>\d{2})|(?:時|点|點)\s*(?:(?P<m>\d{1,2})\s*分?|(?P<halfhour>半))?)\s*$")
GOOD_TIME = "時間請寫例如「上午9時30分」、「下午2時」或「14:00」。"


def _month_day(month: int, day: int, today: date, *, upcoming: bool) -> date:
    """A date typed without a year: the next such date (or, for what already happened, the last one)."""
    step = 1 if upcoming else -1
    for offset in range(9):  # 2/29 may be up to eight years away
        try:
            found = date(today.year + step * offset, month, day)
        except ValueError:
            if (month, day) != (2, 29):
                raise
            continue
        if (found >= today) if upcoming else (found <= today):
            return found
    raise ValueError("no such day")


def parse_date(text: str, *, today: date, upcoming: bool = True) -> date:
    """Understand what a user typed as a date, or raise DateError with an example of a good one.

    A date without a year is the next such date from `today` (in December, 1/20 is next January's);
    with `upcoming=False` (a meeting already held) it is the last such date.
    """
    raw = halfwidth(text).strip()
    if raw in _WORDS:
        return today + timedelta(days=_WORDS[raw])
    try:
        if m := _FULL.match(raw):
            return date(_year(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _MONTH_DAY.match(raw):
            return _month_day(int(m.group(1)), int(m.group(2)), today, upcoming=upcoming)
    except ValueError as exc:
        raise DateError(f"「{text.strip()}」不是有效日期。{GOOD_EXAMPLE}") from exc
    if m := _RELATIVE_WEEK.match(raw):
        weeks = {"下下": 2, "下": 1}.get(m.group(1) or "", 0)
        target = "一二三四五六日天".index(m.group(2)) % 7 if m.group(2) != "天" else 6
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(weeks=weeks, days=target)
    raise DateError(f"看不懂「{text.strip()}」這個日期。{GOOD_EXAMPLE}")


def split_time(text: str) -> tuple[str, str | None]:
    """'116年1月20日上午9時30分' → ('116年1月20日', '09:30'); the text unchanged when no time ends it.

    A time alone ('下午2時') gives ('', '14:00').
    """
    raw = halfwidth(text).strip()
    m = _CLOCK.search(raw)
    if m is None:
        return text.strip(), None
    hour = int(m.group("h"))
    minute = int(m.group("cm") or m.group("m") or (30 if m.group("halfhour") else 0))
    half = m.group("half")
    if half in ("下午", "晚上") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59 or (half in ("上午", "早上") and hour > 12):
        raise DateError(f"「{text.strip()}」的時間不正確。{GOOD_TIME}")
    return raw[: m.start()].strip(), f"{hour:02d}:{minute:02d}"


def parse_when(text: str, *, today: date, day: date | None = None) -> tuple[date, str | None]:
    """A date with an optional time of day: (date, 'HH:MM' or None); a time alone keeps `day`."""
    day_text, at = split_time(text)
    if not day_text and day is not None:
        return day, at
    return parse_date(day_text or text, today=today), at


def looks_like_date(text: str) -> bool:
    raw = halfwidth(text).strip()
    return bool(_FULL.match(raw) or _MONTH_DAY.match(raw) or _RELATIVE_WEEK.match(raw) or raw in _WORDS)
