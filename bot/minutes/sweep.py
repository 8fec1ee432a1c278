"""Candidates outside the decision labels: every passage that asks someone to act is weighed.

Minutes without 決定／決議 (a bureau's 主管會報, a bare list pasted from an e-mail, a council's 其他事項)
write their decisions as plain points; minutes with labels also hold 說明, petitions, speeches and
earlier records full of 請 that decide nothing. The reader hands every passage outside a decision to
this sweep with the kind of text it stands in; `evidence.weigh` turns that into a confidence, so a
point of a label-less section is proposed ticked and a 說明 is only shown, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.minutes.outline import Node
from bot.minutes.textutil import squeeze_cjk

if TYPE_CHECKING:
    from bot.minutes.decisions import DecisionReader, Scope

# What a non-decision label's text is: a petition's own words, or an explanation / a reply.
_PETITION = re.compile(r"陳情|建議|理由")
_SPEECH = re.compile(r"致詞|致辭|致歡迎詞|開場|引言")
_PASSIVE = {"summary": "summary", "explain": "explain", "confirm": "embedded"}


def has_decision(node: Node) -> bool:
    """Whether a decision label or section stands anywhere under the node."""
    for child in node.children:
        if child.kind == "label" and child.label_kind == "decision" and not _only_notes(child):
            return True
        if child.section_kind == "decision":
            return True
        if has_decision(child):
            return True
    return False


def _only_notes(label: Node) -> bool:
    """決定：洽悉。 closing a report: it decides nothing that would make the bullets above it mere text."""
    body = "".join(label.body.split())
    return not label.children and len(body) <= 8 and bool(_NOTED.match(body))


def context_of(node: Node) -> str:
    """A part of the minutes without any decision label writes its decisions as points."""
    if node.kind == "section" and _SPEECH.search(squeeze_cjk(node.text)[:12]):
        return "speech"
    return "other" if has_decision(node) else "topic"


def passive_context(node: Node) -> str | None:
    """The context of a part that never decides (說明, 發言摘要, 確認上次會議紀錄 …), or None."""
    if node.kind == "section":
        return _PASSIVE.get(node.section_kind)
    if node.kind == "label" and node.label_kind != "decision":
        return "petition" if _PETITION.search(node.label) else "explain"
    return None


# Procedure, not work: 請主席宣布開會, 請秘書宣讀上次紀錄, 煩請各委員參閱; a question asks, it does not assign.
_PROCEDURE = re.compile(
    r"你們?\s*(?:先|再|就)?\s*(?:說明|報告|發言|回答|介紹|補充|講)|宣[布佈讀告]|參閱|請(?:審議|公決|討論|指教|表決)|[?？]\s*$|(?:現在|接著|接下來|首先|下面|是否)請|先請[^，,。]{0,12}(?:報告|說明|簡報|介紹)|發言時|舉手|請一下"
)
# Cheap first looks before the names are read: anything that could ask someone to act at all.
_ASKS = re.compile(
    r"請|由|責成|交由|交辦|麻煩|要求|指示|裁示|決定|決議|應|須|務必|負責|主辦|協辦|主政|下\s*次|[月年]\s*底"
    r"|\d\s*[月日]|[日週周天月年]\s*內|前\s*(?:完成|提出|函|送|報)|[處局署司科室組課所隊部會][^，,。；;]{0,3}(?:研擬|研議|辦理|持續|加強|儘速)"
)
_REQUEST_WORD = re.compile(r"請|責成|交由|交辦|麻煩|要求")
# Outside a decision label, prose asks in other words too: 校長指示再研議…
_INSTRUCTS = re.compile(r"(?<![曾已所])(?:指示|裁示|要求)(?![事:：的])")
# 管委會決議與…簽約, 本大樓決定於…設置: a decision told as a verb (not 決議：, 決議如下, 照案通過)
_DECIDED = re.compile(r"(?:^|[，,；;：:])[^，,；;：:。]{0,8}?決(?:定|議)(?![:：，,。]|如下|事項|案|之|內容|結果|辦理情形|是否|不)")
_ADOPTED = re.compile(r"照案通過|原案通過|修正通過|通過|洽悉|備查|確認|同意")
# Weaker: what ought to be done (本校應…, 更要…), taken only when someone is named as doing it.
_SHOULD = r"(?<![因反回對供適相呼響順感答理])應(?![用變對徵允邀屆])"  # 應 as "ought", not 因應/回應/應用
_SOFT = re.compile(_SHOULD + r"|須|務必|必須|更要|也要|仍要")
# 務必應於明年汛期前完成, 應於104年前先打除: a must with a time to do it by
_MUST = re.compile(r"務必|必須|" + _SHOULD + r"|須(?!知)")
_BY_TIME = re.compile(r"(?:年|月|日|底|期|季|週|周|節|會議)\s*(?:以)?前|[日週周天月年]\s*內(?:完成|辦理|提出)")
# The chair speaking to staff: 你們議事組下次提早…, 你再跟總務組講一下, 下次把桌牌做上來 — asked, without 請.
_SPOKEN = re.compile(
    r"你們?\s*[\u4e00-\u9fff]{0,5}?(?:再|先|要(?!不)|去|幫|把|跟|通知|準備|提早|處理|改|送|查|確認)"
    r"|(?:下次|下一次|回去|會後)\s*(?:就|再|要)?\s*把"
)
_LEAD_IN = re.compile(r"如下\s*[:：]\s*$")
_NOTED = re.compile(r"^(?:洽悉|確認|備查|同意備查|准予備查|予以備查|照案通過|修正通過|原案通過|通過|無|准予|感謝|謝謝)[。，,；;]?")
_ANNOUNCED = re.compile(r"下次(?:會議|開會)(?:時間|日期|地點|(?:訂|將|預定)?於[^。；;，,]{0,14}?(?:召開|舉行|開會))|另行通知|散會")
_PRAISE = re.compile(r"肯定|嘉許|嘉勉|辛勞|辛苦|感謝|表現優異|成效良好|值得")
# …指示如下：X。 — the lead-in is not the instruction: X starts a sentence of its own
_SENTENCE = re.compile(r"(?:[^。！？!?如]|如(?!下\s*[:：]))+(?:如下\s*[:：]|[。！？!?]*)")
_CHAIR = re.compile(r"主席|主持人|召集人")
_OPENING = re.compile(r"致詞|致辭|報告")


def aside(text: str) -> bool:
    """A decision point that asks nobody (各地方政府可相互支援…): shown unticked, unless it only notes or praises."""
    squeezed = "".join(text.split())
    return len(squeezed) > 8 and not (_NOTED.match(squeezed) or _PRAISE.search(squeezed) or _ANNOUNCED.search(squeezed))


def ought(text: str) -> bool:
    return bool(_SOFT.search(text))


def must_by(text: str) -> bool:
    """A must with a deadline after it (務必…於104年前完成), not a rule that only says what ought to be."""
    m = _MUST.search(text)
    return m is not None and _BY_TIME.search(text, m.end()) is not None


def spoken(text: str, context: str) -> bool:
    """An instruction the chair speaks without 請 (你再通知他們…)."""
    return context == "chair" and bool(_SPOKEN.search(text)) and not _PRAISE.search(text)


def praises(text: str) -> bool:
    return bool(_PRAISE.search(text))


def instructs(text: str) -> bool:
    return bool(_INSTRUCTS.search(text))


def decided(text: str) -> bool:
    m = _DECIDED.search(text)
    return m is not None and not _ADOPTED.search(text, m.end(), m.end() + 6)


def sentences(text: str, clauses: bool = False) -> list[str]:
    """Sentences; with `clauses`, prose's ；-joined clauses too (…務必於明年6月前完成；並要求該院…)."""
    found = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    if clauses:
        found = [c.strip() for s in found for c in re.split(r"(?<=[；;])", s) if c.strip()]
    return found


def is_chair(speaker: str, chair: str | None) -> bool:
    """主席 (主   席 as a record spaces it), 主持人, or the chair as the header names them (李次長宗翰)."""
    speaker = "".join(speaker.split())
    if _CHAIR.search(speaker):
        return True
    return any(_same_person(speaker, name) for name in (chair or "").split("、") if name)


def _same_person(speaker: str, chair: str) -> bool:
    """李次長宗翰 and 李次長, 林萬億政務委員 and 林政務委員: the same surname and the speaker's title in the chair's."""
    if speaker in chair or chair in speaker:
        return True
    title = speaker[1:]
    member = title in ("委員", "代表", "議員", "先生", "女士", "小姐")  # 林委員 is a member, not 林萬億政務委員
    return len(speaker) >= 3 and not member and speaker[0] == chair[0] and title in chair


class Sweep:
    def __init__(self, reader: DecisionReader) -> None:
        self.reader = reader

    def consider(self, text: str, scope: Scope) -> None:
        """One passage outside any decision: an item or a candidate when it asks someone to act."""
        said = spoken(text, scope.context)
        if not (_ASKS.search(text) or said) or _PROCEDURE.search(text) or _LEAD_IN.search(text):
            return
        if scope.context in ("explain", "petition", "speech", "summary", "embedded", "quote") and not _REQUEST_WORD.search(text):
            return  # only an explicit request there is worth showing; a long 說明 is not scanned for names
        if self.reader.actionable(text) or _INSTRUCTS.search(text) or _SOFT.search(text) or decided(text) or said:
            self.reader.place(self.reader.item(text, text, scope))

    def subtree(self, node: Node, scope: Scope) -> None:
        """Everything under a part that never decides, each passage on its own, none ticked."""
        if node.kind == "turn":
            for sentence in sentences(node.body):
                self.consider(sentence, scope)
        elif node.kind != "row":
            self.consider(node.body if node.kind == "label" else node.text, scope)
        for child in node.children:
            self.subtree(child, scope)

    def prose(self, text: str, scope: Scope) -> None:
        """A paragraph without numbering: each sentence on its own."""
        if scope.context == "topic":
            scope = replace(scope, context="prose")
        title = self.reader.title
        for sentence in sentences(text, clauses=True):
            squeezed = "".join(sentence.split())
            if len(title) >= 6 and squeezed.startswith(title[:12]) and len(squeezed) <= 3 * len(title):
                continue  # the title (a news headline: 縣長指示加強春節疏運) is not a decision
            self.consider(sentence, scope)

    def turn(self, node: Node, scope: Scope, chair: str | None) -> None:
        """A speaker's words: the chair's instructions and releases count, anyone else's are shown only."""
        if not is_chair(node.label, chair) or _OPENING.search(node.label):  # 主席致詞： courtesies
            self.subtree(node, replace(scope, context="speech", heading=node.label))
            return
        scope = replace(scope, context="chair", heading=node.label)
        for sentence in sentences(node.body):
            self.reader.spoken_reviews(sentence, scope)
            self.consider(sentence, scope)
        self.reader.children(node.children, scope)
