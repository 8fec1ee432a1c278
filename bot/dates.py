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


def _year(raw: str) -> int:
    year = int(raw)
    return year + ROC_OFFSET if year < 1000 else year


_FULL = re.compile(r"^(\d{2,4})\s*(?:[/.\-]|年)\s*(\d{1,2})\s*(?:[/.\-]|月)\s*(\d{1,2})\s*日?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*(?:/|月)\s*(\d{1,2})\s*日?$")
_RELATIVE_WEEK = re.compile(r"^(下下|下|本|這|这)?(?:週|周|星期|禮拜|礼拜)([一二三四五六日天])$")
_WORDS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "後天": 2}


def parse_date(text: str, *, today: date) -> date:
    """Understand what a user typed as a date, or raise DateError with an example of a good one."""
    raw = halfwidth(text).strip()
    if raw in _WORDS:
        return today + timedelta(days=_WORDS[raw])
    try:
        if m := _FULL.match(raw):
            return date(_year(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _MONTH_DAY.match(raw):
            return date(today.year, int(m.group(1)), int(m.group(2)))
    except ValueError as exc:
        raise DateError(f"「{text.strip()}」不是有效日期。{GOOD_EXAMPLE}") from exc
    if m := _RELATIVE_WEEK.match(raw):
        weeks = {"下下": 2, "下": 1}.get(m.group(1) or "", 0)
        target = "一二三四五六日天".index(m.group(2)) % 7 if m.group(2) != "天" else 6
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(weeks=weeks, days=target)
    raise DateError(f"看不懂「{text.strip()}」這個日期。{GOOD_EXAMPLE}")


def looks_like_date(text: str) -> bool:
    raw = halfwidth(text).strip()
    return bool(_FULL.match(raw) or _MONTH_DAY.match(raw) or _RELATIVE_WEEK.match(raw) or raw in _WORDS)
