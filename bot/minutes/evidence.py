"""How sure the import is that a passage is a decision giving work: the evidence, weighed.

Where the passage stands says most (under 決定／決議, in a chair's instruction, in a bullet list of a
section that has no decision label, or in an explanation, a petition, a speech, an earlier record);
what it says adds to that (an addressee, a directive verb, a due) or takes away (a courtesy, a
conclusion of an earlier meeting retold). The result is a confidence in 0..1 and one zh-TW line
saying why; at TAKEN or above the passage is proposed ticked, below it is shown unticked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TAKEN = 0.6

# context: (base confidence, why in a few words — {label} is the label or heading above it)
_CONTEXTS: dict[str, tuple[float, str]] = {
    "decision": (0.75, "在「{label}」之下"),
    "aside": (0.4, "在「{label}」之下，但只是敘述，沒有請誰辦理"),
    "chair": (0.55, "主席發言中的指示"),
    "topic": (0.5, "在「{label}」的條列中（此段沒有決定或決議標示）"),
    "prose": (0.4, "在「{label}」的敘述文字中（沒有編號，也沒有決定或決議標示）"),
    "other": (0.3, "在「{label}」中，但此段另有決定或決議"),
    "explain": (0.1, "在「{label}」中，是說明而非決議"),
    "petition": (0.05, "陳情或建議的內容，不是決議"),
    "speech": (0.1, "與會者的發言，不是主席裁示"),
    "quote": (0.1, "引述或評論的文字，不是決議"),
    "summary": (0.1, "發言摘要，不是決議"),
    "embedded": (0.05, "附載的前次會議紀錄，不是本次決議"),
}
# 可以請…協助, 如有需要請… — politeness in a speech, not an assignment.
_COURTESY = re.compile(r"可以請|如有需要|有需要的話|歡迎|謝謝|感謝")
# 13:00 調查小組到場…: a timeline of what happened, not a decision.
_TIMELINE = re.compile(r"^\s*\d{1,2}\s*[:：]\s*\d{2}(?!\d)")
# 勉勵的話: 期勉同仁, 相互學習, 共同努力, 決心 — encouragement, not work.
_EXHORT = re.compile(r"期勉|勉勵|勖勉|期許|相互學習|共同努力|繼續努力|一起努力|決心")
_ASKED = re.compile(r"請|責成|交由|交辦")  # 請各局處共同努力…: asked, however encouraging
# (三)某日專案小組會議結論：請… / 依上次會議決議，請… — an earlier meeting's conclusion retold.
_RECOUNTED = re.compile(r"(?:會議|小組|上次|前次|歷次).{0,8}(?:結論|決議|決定|裁示)\s*[:：，,]|依.{0,10}(?:決議|結論|裁示)")


@dataclass(frozen=True)
class Evidence:
    context: str
    label: str = ""
    owners: tuple[str, ...] = ()
    inferred: bool = False
    directive: bool = False
    due: bool = False
    text: str = ""
    instructed: bool = False
    decided: bool = False  # 管委會決議與…簽約: the body decided, written as a verb
    must: bool = False  # 務必應於明年汛期前完成: what has to be done by a time, named or not


def weigh(evidence: Evidence) -> tuple[float, str]:
    base, where = _CONTEXTS[evidence.context]
    score = base
    reasons = [where.format(label=evidence.label or "本段")]
    if evidence.owners and not evidence.inferred:
        score += 0.15
        reasons.append(f"請{'、'.join(evidence.owners[:3])}辦理")
    elif evidence.owners:
        score += 0.05
        reasons.append(f"未寫主辦機關，暫列{'、'.join(evidence.owners[:2])}")
    else:
        reasons.append("未寫明由誰辦理")
        score -= 0.05 if evidence.context != "decision" else 0
    if evidence.directive:  # 請, 責成, 交由, 麻煩 — or 由X辦理, X應…
        score += 0.1
    if evidence.decided and evidence.context != "decision":
        score += 0.2
        reasons.append("寫明會議決定")
    elif evidence.instructed and not evidence.directive:  # 指示, 要求: a leader's instruction, told
        score += 0.25
    elif evidence.must and not evidence.directive:
        score += 0.25
        reasons.append("寫明須於期限前完成")
    if evidence.due:
        score += 0.05
        reasons.append("有期限")
    if evidence.context == "aside":  # asks nobody: never ticked, whoever the point stands under
        return min(score, TAKEN - 0.1), "，".join(reasons)
    if evidence.context == "decision":
        return max(0.02, min(0.98, score)), "，".join(reasons)
    if _COURTESY.search(evidence.text):
        score -= 0.3
        reasons.append("像是客套用語")
    if _TIMELINE.match(evidence.text):
        score -= 0.3
        reasons.append("像是會議經過的時間記事")
    if _EXHORT.search(evidence.text) and not (evidence.due or _ASKED.search(evidence.text)):
        score -= 0.2
        reasons.append("像是勉勵的話")
    if _RECOUNTED.search(evidence.text):
        score -= 0.3
        reasons.append("轉述先前會議的結論")
    return max(0.02, min(0.98, score)), "，".join(reasons)
