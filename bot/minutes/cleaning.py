"""What a PDF adds to minutes that is not minutes: page numbers, running headers, printed URLs."""

from __future__ import annotations

import re
from collections import Counter

from bot.minutes.textutil import fold

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—~]\s*)?(?:第\s*)?\d{1,3}(?:\s*頁)?(?:\s*[/,，]\s*(?:共\s*)?\d{1,3}\s*頁?)?(?:\s*[-–—~])?$"
    r"|^page\s*\d+(?:\s*of\s*\d+)?$|^\d{1,3}\s*/\s*\d{1,3}$"
    # 丁- 40 (a council record's part and page), 第 - 3 - 頁，共 20 頁
    r"|^[甲乙丙丁戊己庚辛壬癸]\s*[-–—]\s*\d{1,3}$"
    r"|^第\s*[-–—]?\s*\d{1,3}\s*[-–—]?\s*頁(?:\s*[,，/]?\s*共\s*\d{1,3}\s*頁)?$",
    re.IGNORECASE,
)
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_TRAILING_URL = re.compile(r"\s{2,}(?:https?://|www\.)\S+\s*$", re.IGNORECASE)
# Lines that legitimately repeat (決定：, 一、洽悉。) start like this or end a sentence.
_DECISIVE = re.compile(r"列管|請(?!勿)|決[定議]|結論|裁示")
_STRUCTURAL = re.compile(r"^(?:[壹貳參肆伍陸柒捌玖拾一二三四五六七八九十\d]+\s*[、.]|\(|[^\s:：]{1,8}\s*[:：])")


def clean_lines(text: str) -> list[str]:
    """The minutes' lines without page furniture; blank lines dropped (PDFs add them everywhere)."""
    raw = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")]
    lines = [_TRAILING_URL.sub("", line) for line in raw if line.strip()]
    lines = [line for line in lines if not _is_furniture(fold(line).strip())]
    return _drop_running_headers(lines)


def _is_furniture(folded: str) -> bool:
    return bool(_PAGE_NUMBER.match(folded) or _URL_LINE.match(folded))


def _drop_running_headers(lines: list[str]) -> list[str]:
    """A title or header repeated on every page: keep its first appearance only."""
    keys = ["".join(fold(line).split()) for line in lines]
    counts = Counter(keys)
    opening = set(keys[:3])
    seen: set[str] = set()
    kept = []
    for line, key in zip(lines, keys, strict=True):
        if counts[key] >= 2 and key in opening and not key.endswith(("：", ":")):  # 林政委：, a speaker, repeats
            if key in seen:
                continue
        elif counts[key] >= 3 and _looks_like_header(key):
            continue  # a running footer: never part of a decision
        seen.add(key)
        kept.append(line)
    return kept


def _looks_like_header(key: str) -> bool:
    return (
        len(key) >= 8
        and not key.endswith(("。", "：", ":"))
        and not _STRUCTURAL.match(key)
        and not _DECISIVE.search(key)
    )
