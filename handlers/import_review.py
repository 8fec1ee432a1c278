"""The review of an import, shared by the terminal, the chat and the web desk.

Every extracted point gets a number: the parser's likely decisions first (ticked), then its doubtful
candidates (unticked). The secretariat ticks and unticks by number and answers the conflicts; only
then is anything saved. Nothing here touches the database: `known` (the cases the bot already has)
is handed in, or None when there is no database (a dry run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.dates import halfwidth
from config.directory import fold

KEEP, RELEASE, CREATE, SKIP = "keep", "release", "create", "skip"
ANSWER_ZH = {KEEP: "繼續列管", RELEASE: "解除列管", CREATE: "建立待補", SKIP: "略過"}
DECISION_ZH = {"released": "解除列管", "continued": "繼續列管", "other": "另案處理"}
WORK, UNSEEN = "work", "unseen"  # a case released yet given work; a case the bot has never seen


class ReviewError(ValueError):
    """str() is a zh-TW answer saying what to type instead."""


def level(confidence: float) -> str:
    """高 / 中 / 低, as the review shows a confidence next to its number."""
    return "高" if confidence >= 0.8 else "中" if confidence >= 0.5 else "低"


def confidence_text(item: dict[str, Any]) -> str:
    value = float(item.get("confidence", 1.0))
    return f"{level(value)} {value:.2f}"


@dataclass(frozen=True)
class Conflict:
    case: str
    kind: str  # WORK | UNSEEN
    decision: str  # the review's decision: released | continued | other
    numbers: tuple[int, ...]  # the ticked points that give the case work (WORK only)
    agencies: tuple[str, ...] = ()

    def question(self) -> str:
        if self.kind == WORK:
            points = "、".join(f"第 {n} 項" for n in self.numbers)
            who = f"請{'、'.join(self.agencies)}辦理" if self.agencies else "交辦新工作"
            return f"第{self.case}案：本次會議決定解除列管，但{points}又{who}。"
        return (f"第{self.case}案：本次會議決定{DECISION_ZH.get(self.decision, '另案處理')}，"
                "但本系統沒有這一案的資料（前次會議紀錄未匯入）。")

    def choices(self) -> tuple[tuple[str, str], tuple[str, str]]:
        if self.kind == WORK:
            return ((KEEP, "繼續列管：這些事項列為本案的新工作"), (RELEASE, "解除列管：本案解除，這些事項不列管"))
        return ((CREATE, "建立待補：依本次紀錄建立本案，標示待補"), (SKIP, "略過：不記錄這一案"))


@dataclass
class ImportReview:
    extraction: dict[str, Any]  # spec/minutes-import.md, with each item's subject
    ticked: set[int] = field(default_factory=set)
    answers: dict[str, str] = field(default_factory=dict)  # case -> keep | release | create | skip
    known: set[str] | None = None  # cases the bot already has in this body; None: not known

    @classmethod
    def fresh(cls, extraction: dict[str, Any], known: set[str] | None = None) -> ImportReview:
        return cls(extraction, set(range(1, len(extraction["items"]) + 1)), {}, known)

    # ---- the numbered points -------------------------------------------------------------
    @property
    def entries(self) -> list[dict[str, Any]]:
        return [*self.extraction["items"], *self.extraction.get("candidates", [])]

    def is_candidate(self, number: int) -> bool:
        return number > len(self.extraction["items"])

    def ticked_items(self) -> list[dict[str, Any]]:
        return [item for n, item in enumerate(self.entries, 1) if n in self.ticked]

    def set_ticks(self, numbers: list[int], *, on: bool | None) -> None:
        """on=True ticks, False unticks, None toggles each number."""
        self._check(numbers)
        for n in numbers:
            wanted = (n not in self.ticked) if on is None else on
            (self.ticked.add if wanted else self.ticked.discard)(n)

    def _check(self, numbers: list[int]) -> None:
        count = len(self.entries)
        wrong = [n for n in numbers if not 1 <= n <= count]
        if wrong:
            raise ReviewError(f"沒有第 {'、'.join(map(str, wrong))} 項：編號是 1 到 {count}。" if count
                              else "這份紀錄沒有擷取到任何事項可以勾選。")

    # ---- conflicts ------------------------------------------------------------------------
    def conflicts(self) -> list[Conflict]:
        released = {r["case"] for r in self.extraction["reviews"] if r.get("decision") == "released"}
        found: list[Conflict] = []
        work: dict[str, list[int]] = {}
        for n, item in enumerate(self.entries, 1):
            if n in self.ticked and item.get("case") in released:
                work.setdefault(str(item["case"]), []).append(n)
        carried = {str(i["case"]) for i in self.ticked_items() if i.get("case")}
        seen: set[str] = set()
        for review in self.extraction["reviews"]:
            case = str(review["case"])
            if case in seen:
                continue
            seen.add(case)
            if case in work:
                agencies = tuple(dict.fromkeys(a for n in work[case] for a in self.entries[n - 1]["agencies"]))
                found.append(Conflict(case, WORK, review["decision"], tuple(work[case]), agencies))
            elif self.known is not None and case not in self.known and case not in carried:
                found.append(Conflict(case, UNSEEN, review["decision"], ()))
        return found

    def unanswered(self) -> list[Conflict]:
        """Conflicts that block saving: an unseen case has a safe default (建立待補), a released one with work has none."""
        return [c for c in self.conflicts() if c.kind == WORK and self.answers.get(c.case) not in (KEEP, RELEASE)]

    def answer(self, case: str, answer: str) -> Conflict:
        case = halfwidth(case).strip().lstrip("#第").rstrip("案")
        for conflict in self.conflicts():
            if conflict.case == case:
                if answer not in dict(conflict.choices()):
                    raise ReviewError(f"第{case}案要回答的是：{'或'.join(ANSWER_ZH[k] for k, _ in conflict.choices())}。")
                self.answers[case] = answer
                return conflict
        open_cases = "、".join(f"第{c.case}案" for c in self.conflicts())
        raise ReviewError(f"第{case}案沒有需要回答的問題。" + (f"需要回答的是：{open_cases}。" if open_cases else ""))

    def answer_all(self, answer: str) -> int:
        """`--resolve keep|release|create|skip`: the same answer to every conflict it fits; how many."""
        fitting = [c for c in self.conflicts() if answer in dict(c.choices())]
        for conflict in fitting:
            self.answers[conflict.case] = answer
        return len(fitting)

    def answer_of(self, conflict: Conflict) -> str | None:
        given = self.answers.get(conflict.case)
        if given in dict(conflict.choices()):
            return given
        return CREATE if conflict.kind == UNSEEN else None

    # ---- what is saved --------------------------------------------------------------------
    def chosen(self, source_text: str) -> tuple[dict[str, Any], dict[str, str]]:
        """The extraction to save (ticked points only) and the answers, each unseen case with its 案由."""
        chosen = dict(self.extraction)
        chosen["items"] = self.ticked_items()
        chosen["candidates"] = []
        subjects = {str(i["case"]): i["subject"] for i in self.ticked_items()
                    if i.get("case") and i.get("subject") and not _not_a_title(i["subject"])}
        conflicts = self.conflicts()
        # a case the bot has is not given a new title: only the others are looked up in the text
        unknown = None if self.known is None else {c.case for c in conflicts}
        reviews = []
        for review in self.extraction["reviews"]:
            case = str(review["case"])
            found = subjects.get(case) or (
                subject_in(source_text, case) if unknown is None or case in unknown else None)
            reviews.append(review | {"subject": found})
        chosen["reviews"] = reviews
        answers = {c.case: a for c in conflicts if (a := self.answer_of(c)) is not None}
        return chosen, answers

    # ---- kept between chat messages -------------------------------------------------------
    def state(self) -> dict[str, Any]:
        return {"extraction": self.extraction, "ticked": sorted(self.ticked), "answers": dict(self.answers)}

    @classmethod
    def from_state(cls, state: dict[str, Any], known: set[str] | None = None) -> ImportReview:
        return cls(state["extraction"], set(state.get("ticked", [])), dict(state.get("answers", {})), known)


def span(numbers: list[int]) -> str:
    """1、2、3、5 → 1–3、5"""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs)


_RANGE = re.compile(r"^(\d+)(?:\s*[-–~～至到]\s*(\d+))?$")


def parse_numbers(text: str) -> list[int]:
    """「2 5-7」「2、5～7」「第3項」 → [2, 5, 6, 7]; anything else is a ReviewError."""
    parts = [p for p in re.split(r"[\s,，、;；]+", halfwidth(text).replace("第", "").replace("項", "")) if p]
    if not parts:
        raise ReviewError("請寫出編號，例如「2 5-7」。")
    numbers: list[int] = []
    for part in parts:
        m = _RANGE.match(part)
        if m is None:
            raise ReviewError(f"看不懂「{part}」：請寫編號，例如「2 5-7」。")
        low, high = int(m.group(1)), int(m.group(2) or m.group(1))
        if high < low or high - low > 500:
            raise ReviewError(f"看不懂「{part}」：範圍要由小到大，例如「5-7」。")
        numbers += range(low, high + 1)
    return numbers


# what follows a case number but is its decision or the next case, not its title
_DECISION_WORDS = re.compile(r"列管|解列|結案|另案|併案|備查|洽悉|同意|照案|^本案|^第\s*\S{1,6}\s*案")
_CUT = re.compile(r"[:。；;]")
# a field label after a case number (第4案：辦理情形：…) is not its title
_LABEL = re.compile(r"^(?:辦理情形|執行情形|辦理進度|說明|決定|決議|結論|案由|主辦|協辦|提案單位|報告單位|列管建議|建議|備註)")


def subject_in(text: str, case: str) -> str | None:
    """The 案由 the minutes quote for an earlier case (「第3案：推動XX計畫」, 案號 2「…」), else None."""
    folded = fold(text)  # one character for one: what is found is sliced from the minutes' own text
    # digits only, and never 案由: 案由二、第一案 are this meeting's own agenda in many minutes
    number = re.escape(case)
    ref = rf"(?:第\s*{number}\s*案|(?:案號|編號|案次|列管案)\s*{number}(?![\d-])\s*案?)"
    quoted = re.search(ref + r"\s*[:、]?\s*[「『]([^」』]{2,400})[」』]", folded)
    if quoted:
        return _joined(text[quoted.start(1):quoted.end(1)])
    headed = re.search(ref + r"\s+([^:\n「」、，,。]{2,80}?)\s*:", folded)  # 案由 1 重大兒虐案件…：請衛福部…
    if headed and not _not_a_title(headed.group(1)):
        return _joined(text[headed.start(1):headed.end(1)])
    for m in re.finditer(ref + r"\s*[:、.]\s*([^\n]{2,200})", folded):
        cut = _CUT.search(m.group(1))
        end = m.start(1) + (cut.start() if cut else len(m.group(1)))
        title = text[m.start(1):end].strip()
        if len(title) >= 2 and not _not_a_title(title):
            return _joined(title)
    return _table_title(text, folded, number)


def _table_title(text: str, folded: str, number: str) -> str | None:
    """A review table's row (編號 | 案由 | … | 解除列管): the cell after the case number, read as text
    with cells joined by tabs; a row without a decision is some other table's."""
    for m in re.finditer(rf"(?m)^[ \t]*{number}[ \t]*\t[ \t]*([^\t\n]{{2,200}})\t(?P<rest>[^\n]*)$", folded):
        title = text[m.start(1):m.end(1)].strip()
        if re.search(r"列管|解列|結案", m.group("rest")) and not _not_a_title(title):
            return title
    return None


def _not_a_title(text: str) -> bool:
    return bool(_DECISION_WORDS.search(text) or _LABEL.match(text.strip()))


def _joined(text: str) -> str:
    return "".join(line.strip() for line in text.splitlines()).strip()


def placeholder(meeting_number: int | None) -> str:
    which = f"第{meeting_number}次會議紀錄" if meeting_number else "本次會議紀錄"
    return f"（{which}未載明內容，待補）"
