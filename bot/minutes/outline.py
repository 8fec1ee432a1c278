"""The minutes as a tree: sections (壹貳參 or 報告事項…), cases (案由一), labels (決定：) and points.

Numbering styles nest in whatever order a document uses them: a style already open on the path
closes everything below it (a second 二、 is a sibling of 一、), a new style opens one level deeper.
A label (決定：, 說明：) closes the label before it and belongs to the nearest case, section or
point outside any label. After 散會 come attachments, which decide nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.minutes.paragraphs import Para
from bot.minutes.rocdate import first_date
from bot.minutes.textutil import fold, squeeze, squeeze_cjk, to_case_number, zh_int

_REVIEW = re.compile(
    r"(?:上次|前次|歷次|上一次|前一次|以往).{0,12}(?:(?:辦理|執行|處理)(?:情形|進度)|追蹤|列管)"
    r"|列管(?:事項|案件|案)|追蹤(?:事項|列管)|決議事項(?:辦理|執行)"
)
_KINDS = [
    ("closing", re.compile(r"^散會")),
    ("summary", re.compile(r"發言摘要|發言要點|發言紀要|發言單|座談|意見交流|與會人員發言|委員發言|書面意見")),
    ("confirm", re.compile(r"^確認.{0,10}(?:紀錄|記錄)")),
    ("review", _REVIEW),
    ("decision", re.compile(r"結語|結論|裁示|提示|指示")),
    ("motion", re.compile(r"臨時動議|臨時提案")),
    ("discussion", re.compile(r"討論")),
    ("report", re.compile(r"報告")),
]
_DATE_LABEL = re.compile(r"時間|日期")
_UNIT = re.compile(r"[(（]\s*(?:報告|提案)(?:單位|機關|人|者)\s*[:：]\s*(?P<unit>[^)）]+)[)）]")
_SECTION_TITLE = re.compile(r"^[^:：(（【\[]{1,30}")


@dataclass
class Node:
    kind: str  # root | section | case | label | point | row | turn | text
    key: str  # the numbering style that opened it (or SECTION, CASE, LABEL)
    para: Para | None = None
    children: list[Node] = field(default_factory=list)
    marker: str = ""  # 二、 / 參、 as written
    section_kind: str = ""  # closing, summary, review, decision, motion, discussion, report, header, other
    label: str = ""  # 決定, 說明 …
    label_kind: str = ""
    body: str = ""  # a label's or decision section's own text
    designation: str = ""  # a case: 案由一, 第1案
    number: str | None = None
    title: str = ""
    unit: str = ""  # a case's 報告單位 / 提案單位 / 主辦單位
    assist: str = ""  # a case's 協辦單位
    scoped: bool = False  # inside a decision or other label: numbering here is content, not structure
    container: bool = False  # labels (決定：, 說明：) that follow belong to it

    @property
    def review(self) -> bool:
        return self.kind == "case" and bool(_REVIEW.search(squeeze(self.title)))

    @property
    def text(self) -> str:
        return self.para.text if self.para else ""


def section_kind(title: str) -> str:
    head = _SECTION_TITLE.match(squeeze(fold(title)))
    words = head.group() if head else squeeze(fold(title))[:30]
    for kind, pattern in _KINDS:
        if pattern.search(words):
            return kind
    return "other"


class OutlineBuilder:
    def __init__(self, meeting_date: date | None = None) -> None:
        self.root = Node("root", "ROOT", container=True)
        self.closed = False
        self.stack: list[Node] = [self.root]
        self.meeting_date = meeting_date

    def build(self, paras: list[Para]) -> Node:
        # An agenda sent with the minutes lists 散會 too: the end only when no decision follows it.
        decided_after = [False] * (len(paras) + 1)
        for i in range(len(paras) - 1, -1, -1):
            decided_after[i] = decided_after[i + 1] or paras[i].label_kind == "decision"
        for i, para in enumerate(paras):
            earlier = self._earlier_record(para)
            if self.closed and (earlier or not decided_after[i]):
                break
            self.closed = False
            if earlier and self.root.children:  # an earlier meeting's record copied in: it decides nothing now
                del self.stack[1:]
                self._push(Node("section", "SECTION", para, section_kind="confirm"))
            elif para.kind == "heading" or (para.kind == "point" and para.style == "sec"):
                self._section(para)
            elif para.kind == "row":
                self.stack[-1].children.append(Node("row", "ROW", para, scoped=self._scoped()))
            elif para.kind == "case":
                self._case(para)
            elif para.kind == "label":
                self._label(para)
            elif para.kind == "text":  # prose: a news report of a meeting, a paragraph after a table
                self.stack[-1].children.append(Node("text", "TEXT", para, scoped=self._scoped(), label=para.label))
            elif para.kind == "turn":  # a speaker's words: what follows is theirs until the next turn
                while not self.stack[-1].container or self.stack[-1].kind == "turn":
                    self.stack.pop()
                self._push(Node("turn", "TURN", para, label=para.label, body=para.body, container=True))
            elif para.kind == "point":
                self._point(para)
        return self.root

    def _earlier_record(self, para: Para) -> bool:
        """時間：113年3月5日 in the body, before this meeting's own date: the head of an earlier record."""
        if para.kind != "label" or para.label_kind != "header" or self.meeting_date is None:
            return False
        found = first_date(para.body) if _DATE_LABEL.search(para.label) else None
        return found is not None and found.value is not None and found.value < self.meeting_date

    def _sibling_of(self, para: Para) -> int | None:
        """Where on the path the point's earlier sibling is, if it has one.

        一、 after 三、 starts a new list inside it (說明 under 三、討論事項), it does not close 三、.
        Of several open points of the same style, the one numbered just before wins; a section-like
        point (四、臨時動議) goes to the outermost, anything else to the innermost.
        """
        number = ordinal(para.marker)
        found = [i for i, n in enumerate(self.stack) if i and n.key == para.style]
        if number == 0:  # a bullet after 結論： belongs to it, not beside the bullets above the label
            found = [i for i in found if all(n.kind != "label" for n in self.stack[i + 1 :])]
        if not found or number == 1:
            return None
        previous = [i for i in found if ordinal(self.stack[i].marker) == number - 1] or found
        structural = para.case is not None or section_kind(para.text) not in ("other", "decision")
        return previous[0] if structural else previous[-1]

    def _scoped(self) -> bool:
        return any(n.kind == "label" or n.section_kind == "decision" for n in self.stack)

    def _push(self, node: Node) -> Node:
        self.stack[-1].children.append(node)
        self.stack.append(node)
        if node.kind in ("section", "case"):
            node.container = True
        self.closed = node.section_kind == "closing"
        return node

    def _section(self, para: Para) -> Node:
        del self.stack[1:]
        node = Node("section", "SECTION", para, marker=para.marker)
        if para.label_kind == "header":
            node.section_kind = "header"
        elif para.label_kind == "decision":
            node.section_kind, node.label, node.body = "decision", para.label, para.body
        elif para.label_kind == "explain":
            node.section_kind = "explain"
        else:
            node.section_kind = section_kind(para.text)
            node.body = _after_colon(para.text)  # 二、前次會議決議事項辦理情形：第1案解除列管。
        return self._push(node)

    def _case(self, para: Para, key: str = "CASE") -> None:
        case = para.case
        assert case is not None
        current = next((n for n in reversed(self.stack) if n.kind == "case"), None)
        if case.designation == "案由" and current is not None and not current.title and not current.children:
            _set_title(current, para.body)  # 提案一 / 案由：… — the title of the case just opened
            return
        if key == "CASE":
            while len(self.stack) > 1 and self.stack[-1].kind != "section":
                self.stack.pop()
        node = Node("case", key, para, marker=para.marker, designation=case.designation)
        node.number = to_case_number(case.number) if case.number else None
        _set_title(node, para.body)
        if case.by and not node.unit and re.search(r"單位|機關", case.by):
            node.unit = re.sub(r"^.*?[:：]", "", case.by)
        self._push(node)

    def _label(self, para: Para) -> None:
        if para.label_kind == "header":
            return
        if para.label_kind == "meta":
            case = next((n for n in reversed(self.stack) if n.kind == "case"), None)
            if case is not None and "協辦" in para.label:
                case.assist = case.assist or squeeze_cjk(para.body)
            elif case is not None and re.search(r"單位|機關", para.label):
                case.unit = case.unit or squeeze_cjk(para.body)
            return
        top = self.stack[-1]
        if top.kind == "point" and not top.scoped and self.stack[-2].kind in ("section", "root", "case"):
            top.container = True  # 一、農業處：洋蔥產銷報告。 then 指示：… — the label is that point's
        while not self.stack[-1].container or self.stack[-1].kind == "turn":
            self.stack.pop()
        self._push(Node("label", "LABEL", para, label=para.label, label_kind=para.label_kind, body=para.body))

    def _point(self, para: Para) -> None:
        sibling = self._sibling_of(para)
        if sibling is not None:
            del self.stack[sibling:]
        scoped = self._scoped()
        if not scoped and para.case is not None:
            self._case(para, key=para.style)
            return
        if not scoped and para.label_kind in ("decision", "explain"):
            self._push(Node("point", para.style, para, marker=para.marker, container=True))
            self._push(Node("label", "LABEL", para, label=para.label, label_kind=para.label_kind, body=para.body))
            return
        if not scoped and _heading_like(para.text) and section_kind(para.text) not in ("other", "decision"):
            kind = section_kind(para.text)
            self._push(Node("section", para.style, para, marker=para.marker, section_kind=kind,
                            body=_after_colon(para.text)))
            return
        # （一）社會處： — a short title, not a sentence: the 決定 that follows is its own
        titled = (not scoped and len(squeeze(para.text)) <= 30 and not para.text.rstrip().endswith(("。", "."))
                  and para.label_kind != "header")
        self._push(Node("point", para.style, para, marker=para.marker, scoped=scoped, container=titled))


_CAPITAL = "壹貳參肆伍陸柒捌玖"


def ordinal(marker: str) -> int:
    """1 for 一、 (一) 1. ① 壹、 甲、; 0 for a bullet or what cannot be read."""
    core = re.sub(r"[\s()（）、.．)]", "", fold(marker))
    if not core:
        return 0
    if "①" <= core[0] <= "⑳":
        return ord(core[0]) - ord("①") + 1
    if core[0] in "甲乙丙丁戊己庚辛壬癸":
        return "甲乙丙丁戊己庚辛壬癸".index(core[0]) + 1
    if core[0] in _CAPITAL or core[0] == "拾":
        core = "".join("一二三四五六七八九"[_CAPITAL.index(c)] if c in _CAPITAL else "十" for c in core)
    return zh_int(core) or 0


def _heading_like(text: str) -> bool:
    """報告事項, 上次會議決議事項辦理情形：…, 社會局業務報告（略）: a short title before any colon."""
    title = _SECTION_TITLE.match(squeeze(fold(text)))
    if title is None or re.search(r"[,，]", title.group()):  # 人事處研擬…，提下次會議討論。 is a sentence
        return False
    return len(title.group()) <= 24 and len(squeeze(text)) <= 400


def _after_colon(text: str) -> str:
    m = re.search(r"[:：]", text)
    return text[m.end() :].strip() if m else ""


def _set_title(node: Node, body: str) -> None:
    m = _UNIT.search(body)
    if m:
        node.unit = squeeze_cjk(m.group("unit"))
        body = body[: m.start()] + body[m.end() :]
    node.title = body.strip().rstrip("。.")


def build_outline(paras: list[Para], meeting_date: date | None = None) -> Node:
    return OutlineBuilder(meeting_date).build(paras)
