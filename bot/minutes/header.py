"""The meeting itself: title, body, number, date, chair, recorder and location.

The fields sit at the top, one per line or several on a line (出（列）席人員：…   紀錄：…), with or
without 壹、貳、 in front; the title is what comes before them.
"""

from __future__ import annotations

import re

from bot.minutes.markup import HEADING_MARK, QUOTE_MARK
from bot.minutes.model import Meeting
from bot.minutes.paragraphs import MARKER as _MARKER
from bot.minutes.rocdate import first_date
from bot.minutes.textutil import NUM, fold, squeeze, squeeze_cjk, zh_int

_FIELDS = {
    "date": ("開會時間", "會議時間", "開會日期", "會議日期", "時間", "日期"),
    "location": ("開會地點", "會議地點", "地點"),
    "chair": ("主持人", "主席", "主持"),
    "recorder": ("紀錄人員", "記錄人員", "紀錄人", "記錄人", "紀錄整理", "紀錄", "記錄", "彙整"),
    "others": ("出(列)席單位及人員", "出(列)席人員", "出(列)席單位", "出(列)席者", "出(列)席", "出席人員",
               "出席者", "出席單位", "出席", "列席人員", "列席單位", "列席", "請假人員", "與會人員"),
}
_LABEL_WORDS = sorted(((w, f) for f, ws in _FIELDS.items() for w in ws), key=lambda p: len(p[0]), reverse=True)
_LABEL = re.compile(
    r"(?:^|(?<=\s)|(?<=、))(?P<label>"
    + "|".join(r"\s*".join(re.escape(ch) for ch in word) for word, _ in _LABEL_WORDS)
    + r")\s*[:：]"
)
_WORD_ONLY = re.compile(
    r"^\s*(?:" + "|".join(re.escape(w) for w, f in _LABEL_WORDS if f != "others") + r")\s*$"
)
_SECTION = re.compile(r"^\s*(?:(?:[壹貳參肆伍陸柒捌玖]?拾)?[壹貳參肆伍陸柒捌玖]|[一二三四五六七八九十]{1,3}|\d{1,2})\s*[、.]\s*")
_SPOKEN = re.compile(r"[，,。？?！!].*[，,。？?！!]")
_NUMBER = re.compile(rf"第\s*(?P<n>{NUM})\s*次")
_SESSION_THEN_COMMITTEE = re.compile(r"\s*(?:定期|臨時)\s*大?\s*會\s*[\u4e00-\u9fff]{0,8}?委員會")
_CUT = re.compile(rf"\s*[(（]?\s*(?:{NUM}\s*年\s*度?\s*)?(?:第\s*{NUM}\s*屆\s*)?第\s*{NUM}\s*次.*$")
_MINUTES = re.compile(r"\s*(?:紀錄|記錄)\s*$")
_CONTENT = re.compile(r"\s*(?:決定|決議|案由|提案|報告事項|討論事項|臨時動議)")
_QUOTED = re.compile(r"「([^」]{4,})」")


def read_header(lines: list[str]) -> tuple[Meeting, list[str]]:
    """The meeting fields, and warnings about the ones that are there but unreadable."""
    title_lines: list[str] = []
    fields: dict[str, str] = {}
    dates: list[str] = []
    for line in _label_alone([line.lstrip(HEADING_MARK + QUOTE_MARK) for line in lines[:60]]):
        folded = fold(line)
        rest = _SECTION.sub("", folded, count=1)
        offset = len(folded) - len(rest)
        found = _fields(line[offset:], rest)
        if found:
            for name, value in found.items():
                if name == "chair" and _SPOKEN.search(value):
                    continue  # 主   席:好,那個這邊… — the chair speaking in a verbatim record, not a name
                fields.setdefault(name, value)
            dates += [found["date"]] if "date" in found else []
        elif _SECTION.match(folded) or _CONTENT.match(rest) or (not fields and len(title_lines) >= 8):
            break
        elif not fields:
            if _MARKER.match(folded.strip()):
                break  # a bare list of conclusions: no title at all
            title_lines.append(line.strip())
    meeting = Meeting(title=squeeze_cjk("".join(_title(title_lines))) or None)
    meeting.body, meeting.number = body_of(meeting.title or ""), number_of(meeting.title or "")
    meeting.chair = squeeze_cjk(fields.get("chair", "")) or None
    meeting.recorder = squeeze_cjk(fields.get("recorder", "")) or None
    meeting.location = squeeze_cjk(fields.get("location", "")) or None
    warnings = []
    hits = [hit for hit in (first_date(d) for d in dates) if hit and hit.value]
    in_title = first_date(meeting.title or "")
    if not (in_title and in_title.value):  # …業務紀要 / 113年10月15日: the date under the title, or in the first lines of a report
        in_title = next((hit for line in title_lines if (hit := first_date(line)) and hit.value), in_title)
    if hits:
        meeting.date = hits[0].value
    elif in_title and in_title.value:  # 縣務會議紀錄（中華民國一百十二年十二月五日）
        meeting.date = in_title.value
    elif "date" in fields:
        warnings.append(f"看不懂會議時間「{squeeze_cjk(fields['date'])}」，請確認會議日期。")
    else:
        warnings.append("紀錄中找不到會議時間，請補上會議日期。")
    return meeting, warnings


_NOISE = re.compile(r"[>＞|]|(?:日期|時間|人次)\s*[:：]|首頁|字級|列印|分享|瀏覽|回上一?頁|回首頁|點閱|發布|更新日期|facebook|line", re.IGNORECASE)
_MINUTES_WORD = re.compile(r"紀錄|記錄|會議|會報|議事錄|逐字稿|會談|座談|紀要")


def _label_alone(lines: list[str]) -> list[str]:
    """日期 / 112年11月25日 on two lines (a web page's label and value): one field line."""
    out: list[str] = []
    for line in lines:
        if out and _WORD_ONLY.match(out[-1]) and not _LABEL.search(fold(line)):
            out[-1] = out[-1].strip() + "：" + line.strip()
        else:
            out.append(line)
    return out


def _mostly_latin(line: str) -> bool:
    """Table of Contents, Download, Show Menu: a document viewer's page, not the title."""
    letters = sum(ch.isascii() and ch.isalpha() for ch in line)
    return letters > 0.4 * len(line.replace(" ", ""))


def _title(lines: list[str]) -> list[str]:
    """The title among what precedes the fields: web navigation dropped; the line that names the
    minutes (…會議紀錄) and, when it continues one, the line before it (桃園市…委員會 / 107年第2次會議紀錄)."""
    kept = [line for line in lines if not _NOISE.search(fold(line)) and not _mostly_latin(line)]
    named = next((i for i, line in enumerate(kept) if _MINUTES_WORD.search(squeeze(line))), None)
    if named is None:  # no line names the minutes: the lines before the first sentence of prose
        prose = next((i for i, line in enumerate(kept) if "。" in line), len(kept))
        return kept[: min(4, max(1, prose))]
    before = kept[named - 1] if named else ""
    joined = bool(before) and not re.search(r"[A-Za-z]|^\d", before)  # 1 de 4, SlideShare …: page furniture
    return kept[named - 1 : named + 1] if joined else kept[named : named + 1]


def _fields(line: str, folded: str) -> dict[str, str]:
    matches = list(_LABEL.finditer(folded))
    found: dict[str, str] = {}
    for m, following in zip(matches, [*matches[1:], None], strict=False):
        word = squeeze(m.group("label"))
        name = next(f for w, f in _LABEL_WORDS if w == word)
        end = following.start() if following else len(line)
        found.setdefault(name, line[m.end() : end].strip())
    if matches and matches[0].start() > 0 and folded[: matches[0].start()].strip() and not (
        folded[matches[0].start() - 1].isspace() and len(folded[: matches[0].start()].strip()) <= 12
    ):
        return {}  # 確認前次會議紀錄：確認。 — a label opens the line or follows a space (第一場次　時間：)
    return found


def body_of(title: str) -> str | None:
    """The standing body or meeting series: the title without 第N次會議紀錄 and the like."""
    if not title:
        return None
    quoted = _QUOTED.search(title)
    if quoted:
        return quoted.group(1)
    body = _CUT.sub("", title)
    body = _MINUTES.sub("", body) if body == title else body
    if re.search(r"(?:會|組|平臺|平台)會議$", body):  # 社會福利委員會會議: the body is the committee
        body = body[: -len("會議")]
    return body.strip() or None


def number_of(title: str) -> int | None:
    folded = fold(title)
    found = list(_NUMBER.finditer(folded))  # 第6次定期會第12次會議: the meeting's own is the last
    if found and _SESSION_THEN_COMMITTEE.match(folded, found[-1].end()):
        return None  # 第5次定期會程序委員會議事錄: the council's session is numbered, the committee's meeting not
    return zh_int(found[-1].group("n")) if found else None
