"""From lines to paragraphs: PDF text breaks lines mid-sentence everywhere, so a line continues the
paragraph before it unless it opens something — a numbered point (壹、一、(一) 1. (1) …), a case
(案由一：, 提案一, 第1案：), a label (決定：, 說明：), a section heading (討論事項) or a table row.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bot.minutes.markup import HEADING_MARK, QUOTE_MARK
from bot.minutes.textutil import NUM, fold, squeeze_cjk, zh_int

_MARKERS = [
    ("sec", r"(?:[壹貳參肆伍陸柒捌玖]?拾)?[壹貳參肆伍陸柒捌玖]\s*[、.]|[壹貳參肆伍陸柒捌玖]?拾\s*[、.]"),
    ("cn", r"[一二三四五六七八九十]{1,3}\s*[、.]"),
    ("pcn", r"\(\s*[一二三四五六七八九十]{1,3}\s*\)\s*[、.]?"),
    ("ar", r"\d{1,2}\s*\.(?!\d)"),
    ("ard", r"\d{1,2}\s*、"),
    ("par", r"\(\s*\d{1,2}\s*\)\s*[、.]?"),
    ("hpar", r"\d{1,2}\s*\)"),
    ("circ", r"[①-⑳]\s*[、.]?"),
    ("gan", r"[甲乙丙丁戊己庚辛壬癸]\s*[、.]"),
    ("bullet", r"[●•○◎■□◆◇▪►➢✓・‧](?![○〇Ｏ])"),  # ○○市立醫院: a name left out, not a bullet
]
MARKER = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _MARKERS))
_MARKER = MARKER


def _words(*words: str) -> str:
    """Label words with any spacing inside (主 席：, 決  議：)."""
    return "|".join(r"\s*".join(re.escape(ch) for ch in word) for word in sorted(words, key=len, reverse=True))


_ROLE = _words("大會", "審查會", "主席", "主持人", "院長", "部長", "市長", "縣長", "副市長", "副縣長", "召集人", "副召集人", "政務委員",
               "次長", "局長", "處長", "署長", "會議")
_DECISION = (
    rf"(?:(?:{_ROLE})(?:\([^)]{{0,30}}\))?\s*)?"
    rf"(?:{_words('指裁示', '決定', '決議', '結論', '裁示', '結語', '提示', '指示', '裁決')})(?:\s*事\s*項)?"
    rf"|{_words('討論結果', '審查結果')}"
)
_EXPLAIN = _words(
    "說明", "辦法", "擬辦", "建議辦法", "建議", "陳情理由", "陳情事項", "案情概要", "回應", "答復", "答覆",
    "發言", "發言人", "發言摘要", "意見", "委員意見", "與會意見", "補充說明", "辦理情形", "執行情形",
    "處理情形", "辦理進度", "執行進度", "報告內容", "提案內容", "背景說明", "附件", "備註", "列管建議",
    "擬處意見", "初步意見", "研處意見", "理由", "提案說明", "審查意見", "討論情形", "單位回應", "機關回應",
)
_META = _words("報告單位", "提案單位", "提案人", "報告人", "提案機關", "報告機關", "報告者", "提案者", "連署人",
               "主辦單位", "主辦機關", "承辦單位", "協辦單位", "協辦機關")
_HEADER = _words(
    "時間", "日期", "開會時間", "會議時間", "開會日期", "會議日期", "地點", "開會地點", "會議地點",
    "主持人", "主席", "出席", "出席人員", "出席者", "出席單位", "列席", "列席人員", "列席單位",
    "出(列)席", "出(列)席人員", "出(列)席單位", "出(列)席單位及人員", "出(列)席者", "紀錄", "記錄",
    "紀錄人", "記錄人", "請假人員", "與會人員",
)
_LABEL = re.compile(
    rf"^(?:(?P<decision>{_DECISION})|(?P<explain>{_EXPLAIN})|(?P<meta>{_META})|(?P<header>{_HEADER}))"
    r"\s*(?:[:：]|$|(?P<gap>\s+)(?=\S))"
)
_CASE = re.compile(
    rf"^(?:(?P<des>(?:案由|提案)\s*(?:第\s*)?(?P<n1>{NUM})?\s*案?"
    rf"|(?:報告案|討論案|臨時動議|臨時提案|專案報告|報告事項|討論事項)\s*(?:第\s*)?(?P<n2>{NUM})\s*案?"
    rf"|第\s*(?P<n3>{NUM})\s*案|案號\s*(?P<n4>[\d-]+|{NUM})))"
    r"\s*(?P<by>\([^)]{0,40}\)|〈[^〉]{0,40}〉|【[^】]{0,40}】)?\s*(?:[:：]|$|(?=\s*(?:提案|報告)(?:人|單位|機關)))"
)
_HEADING = re.compile(
    r"^[【\[]?(?:報告事項|討論事項|報告案|討論案|臨時動議|臨時提案|散會|主席致詞|主席致辭|主席報告"
    r"|確認(?:上次|前次|上一次)?會議紀錄|(?:上次|前次|歷次|上一次|前一次)會議.{0,12}(?:情形|事項)(?:報告)?"
    r"|列管(?:事項|案件)(?:辦理情形|執行情形|報告|追蹤|一覽表)?|專案報告|業務報告|工作報告|綜合討論|綜合座談|與會人員發言摘要|發言摘要|意見交流)"
    r"[】\]]?\s*(?:[:：].*)?$"
)
_SEPARATOR = re.compile(r"[\t|]")
# 「主席：」「李次長宗翰：」「林委員：」 opening a paragraph: a speaker's turn in a verbatim record.
_TITLES = ("委員|議員|代表|主席|主持人|召集人|局長|處長|署長|司長|科長|組長|次長|部長|市長|縣長|鄉長|鎮長|校長|主任|秘書"
           "|總幹事|主委|理事長|執行長|教授|老師|先生|女士|小姐|院長|專員|技正|所長|課長|村長|里長|參事|顧問|經理|會長|議長")
_NAMED = re.compile(r"^(?P<who>[\u4e00-\u9fff○〇Ｏ]{2,4}|[\u4e00-\u9fff]{2,10}\s[\u4e00-\u9fff○〇]{2,4})\s*[:：]")
_TURN_ALONE = re.compile(
    rf"^[^\s:：，,。、；「」()（）]{{0,10}}(?:{_TITLES})(?:[(（][^)）]{{1,12}}[)）])?\s*$"
)
# 主席：好，那這樣… — the chair speaking in a verbatim record, not the header's 主席：姓名
_CHAIR_SPEAKS = re.compile(r"^\s*主\s*(?:席|持\s*人)\s*$")
_SPEECH = re.compile(r"[。？?！!]|[，,].*[，,]")  # 主席：張市長，李副市長代理 is still the header
_SESSION = re.compile(r"^[^\s:：]{1,12}\s+(?:開會|會議)?(?:時間|日期)\s*[:：]\s*(?=\S*\d)")
_NOT_SPEAKER = re.compile(r"出|列席|請假|與會|紀錄|記錄|應到|實到|缺席")
_TURN = re.compile(
    rf"^(?P<who>[^\s:：，,。、；「」()（）]{{0,10}}(?:{_TITLES})[^\s:：，,。、；「」()（）]{{0,4}}(?:[(（][^)）]{{1,12}}[)）])?)"
    r"\s*[:：]\s*"
)


@dataclass
class CaseHead:
    designation: str  # 案由一, 第1案, 提案一, 案由
    number: str | None  # as written (not yet half-width)
    by: str  # the parenthesis after it: (胡委員中宜提出)


@dataclass
class Para:
    kind: str  # point | case | label | heading | row | turn | text
    marker: str = ""
    style: str = ""
    label: str = ""
    label_kind: str = ""  # decision | explain | meta | header
    case: CaseHead | None = None
    head: str = ""  # what precedes the body, as written: 案由一：, 決定：
    body: str = ""
    cells: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The paragraph without its numbering."""
        return self.head + self.body


def paragraphs(lines: list[str]) -> list[Para]:
    paras: list[Para] = []
    speakers = _speakers(lines)
    for line in lines:
        para = _opening(line)
        if speakers and (para is None or para.kind == "heading"):  # 林政委：… in a record with several
            para = _named_turn(line, speakers) or para
        if para is not None:
            paras.append(para)
        elif paras and paras[-1].kind != "row":
            paras[-1].body += line.strip()
        else:
            paras.append(Para("text", body=line.strip()))
    return [piece for para in paras for piece in _split_inline(para)]


# Points run together on one line (主席裁示：（一）…。（二）…。): numbering inside a paragraph.
_INLINE = [
    ("pcn", re.compile(r"[(（]\s*([一二三四五六七八九十]{1,3})\s*[)）]")),
    ("par", re.compile(r"[(（]\s*(\d{1,2})\s*[)）]")),
    ("cn", re.compile(r"(?:(?<=[。；;：:，,\s])|^)([一二三四五六七八九十]{1,3})\s*、")),
]


def _split_inline(para: Para) -> list[Para]:
    """The paragraph, and the points written inline in its body when they count 1, 2, 3 … in order."""
    if para.kind == "row" or len(para.body) < 8:
        return [para]
    folded = fold(para.body)
    for style, pattern in _INLINE:
        chain: list[re.Match[str]] = []
        for m in pattern.finditer(folded):
            if zh_int(m.group(1)) == len(chain) + 1:
                chain.append(m)
        if len(chain) < 2:
            continue
        body, pieces = para.body, []
        for m, following in zip(chain, [*chain[1:], None], strict=True):
            piece = Para("point", marker=squeeze_cjk(body[m.start() : m.end()]), style=style)
            _split_head(piece, body[m.end() : following.start() if following else len(body)].strip())
            pieces += _split_inline(piece)
        para.body = body[: chain[0].start()].strip()
        return ([para] if para.body or para.kind != "text" else []) + pieces
    return [para]


def _opening(line: str) -> Para | None:
    """The paragraph this line opens, or None when it continues the one before."""
    stripped = line.strip()
    if stripped.startswith(QUOTE_MARK):
        stripped = stripped[1:].strip()
        return _opening(stripped) or (Para("text", label="quote", body=stripped) if stripped else None)
    if stripped.startswith(HEADING_MARK):  # a Markdown heading: a title, a label or a point of its own
        stripped = stripped[1:].strip()
        return _opening(stripped) or _turn_alone(stripped) or Para("heading", body=stripped)
    folded = fold(stripped)
    if "\t" in stripped or "|" in folded:
        cells = _cells(stripped)
        if len([c for c in cells if c]) >= 2:
            return Para("row", cells=cells)
    if m := _MARKER.match(folded):
        para = Para("point", marker=squeeze_cjk(stripped[: m.end()]), style=m.lastgroup or "")
        _split_head(para, stripped[m.end() :].lstrip())
        return para
    if m := _SESSION.match(folded):  # 第二場次　時間：111年9月14日 — another session's head, never a tail
        return Para("label", label="時間", label_kind="header", head=stripped[: m.end()], body=stripped[m.end() :])
    para = Para("text")
    _split_head(para, stripped)
    if para.kind != "text" and para.label_kind != "header":
        return para
    if para.label_kind == "header" and _CHAIR_SPEAKS.match(para.label) and _SPEECH.search(para.body):
        return Para("turn", label=squeeze_cjk(para.label), head=para.head, body=para.body)  # 主   席:好,那這樣…
    if (m := _TURN.match(folded)) and not _NOT_SPEAKER.match(m.group("who")):
        return Para("turn", label=squeeze_cjk(stripped[: m.end("who")]), head=stripped[: m.end()], body=stripped[m.end() :])
    if para.kind != "text":
        return para
    if _HEADING.match("".join(folded.split())):
        return Para("heading", body=stripped)
    return None


def _speakers(lines: list[str]) -> set[str]:
    """Plain names that open several lines (唐鳳：…, ### 林○○：): a verbatim record's speakers."""
    counts = Counter(m.group("who") for line in lines
                     if (m := _NAMED.match(fold(line.lstrip(HEADING_MARK + QUOTE_MARK)).strip())))
    named = {who for who, n in counts.items() if n >= 2 and not _LABEL.match(who + "：") and not _CASE.match(who + "：")}
    return named if sum(counts[w] for w in named) >= 3 else set()


def _named_turn(line: str, speakers: set[str]) -> Para | None:
    stripped = line.strip().lstrip(HEADING_MARK + QUOTE_MARK).strip()
    if speakers and line.strip().startswith(HEADING_MARK) and len(stripped) <= 20 and stripped.endswith(("：", ":")):
        return Para("turn", label=squeeze_cjk(stripped[:-1]), head=stripped, body="")  # ### 交通部 陳科長：
    m = _NAMED.match(fold(stripped))
    if m is None or m.group("who") not in speakers:
        return None
    return Para("turn", label=m.group("who"), head=stripped[: m.end()], body=stripped[m.end() :].strip())


def _turn_alone(line: str) -> Para | None:
    """### 主席（高副主委） / 林委員 on a line of its own: a speaker, their words below."""
    m = _TURN_ALONE.match(fold(line))
    if m is None or _NOT_SPEAKER.match(line):
        return None
    return Para("turn", label=squeeze_cjk(line), head=line, body="")


def _cells(row: str) -> list[str]:
    """Cells in column order, empty ones kept (an empty 會議決定 is not the next column)."""
    folded = fold(row).strip("|")
    offset = len(fold(row)) - len(fold(row).lstrip("|"))
    cuts = [m.start() for m in _SEPARATOR.finditer(folded)]
    bounds = zip([-1, *cuts], [*cuts, len(folded)], strict=True)
    return [row[offset + a + 1 : offset + b].strip() for a, b in bounds]


def _split_head(para: Para, rest: str) -> None:
    """A case designation or a label at the start of `rest` becomes the paragraph's head."""
    folded = fold(rest)
    if m := _CASE.match(folded):
        number = next((g for g in (m.group("n1"), m.group("n2"), m.group("n3"), m.group("n4")) if g), None)
        by = m.group("by") or ""
        para.case = CaseHead(squeeze_cjk(rest[: m.end("des")]), number, by[1:-1] if by else "")
        para.kind = "case" if para.kind == "text" else para.kind
        para.head, para.body = _head_and_body(rest, m.end())
        return
    if (m := _LABEL.match(folded)) and _label_ends(m):
        para.label_kind = next(k for k in ("decision", "explain", "meta", "header") if m.group(k))
        para.label = squeeze_cjk(rest[: m.end(para.label_kind)])
        para.kind = "label" if para.kind == "text" else para.kind
        para.head, para.body = _head_and_body(rest, m.end())
        return
    para.body = rest


def _label_ends(m: re.Match[str]) -> bool:
    """決議：, or a label set apart by spacing (說  明 目前…, 決 議 照案通過) rather than a sentence's first word."""
    if m.group("gap") is None:
        return True
    kind = next(k for k in ("decision", "explain", "meta", "header") if m.group(k))
    return len(m.group("gap")) >= 2 or bool(re.search(r"\s", m.group(kind)))


def _head_and_body(rest: str, end: int) -> tuple[str, str]:
    head = rest[:end].rstrip()
    if not head.endswith(("：", ":")):
        head += "："  # 提案一 alone on its line: what follows is its body, not more of its name
    return head, rest[end:].strip()
