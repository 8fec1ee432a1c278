"""Who a decision point asks to act: the agencies after 請 (主辦), after 會同/偕同 (協辦).

「請衛福部與法務部邀請社安網諮詢顧問…」 → 衛生福利部, 法務部 (both lead); the consultants they
invite are not owners. 「請教育局持續偕同社會局及勞動局…」 → 教育局 lead, 社會局 and 勞動局 assist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.minutes.textutil import fold, squeeze
from config.directory import AgencyDirectory, Mention

LEAD, ASSIST = "lead", "assist"

# 請 that asks someone to act; 申請, 邀請, 提請討論, 簽請市長核定, 請假 … do not.
# 請審議, 請公決, 請鑒核, 請核備, 請備查, 請查照, 請討論: asked of the meeting, not work for an agency.
_REQUEST = re.compile(
    r"(?<![申邀聲提報簽呈])請(?![假願託益示求領款審公討鑒核備查])|責成|交由|交請|交辦|麻煩(?=\s*[\u4e00-\u9fff])|要求(?=\s*[\u4e00-\u9fff]{2,}?[部會署局處司科室府所])"
)
_BY = re.compile(r"由")
_JOIN = re.compile(r"\s*(?:以及|、及|、|及|與|和|暨|或|/|,(?=\s*\S)|，(?=\s*\S))\s*")
_ASSIST = re.compile(r"\s*(?:持續|繼續|並|再|仍|亦|也|共同)?\s*(?:會同|協同|偕同|併同|結合|督同|邀同)\s*")
_ROLE_LABEL = re.compile(r"(?P<role>主辦|主責|協辦)\s*(?:單位|機關)\s*[:：為]?\s*|(?P<short>主辦|協辦)\s*[:：]\s*")
_ROLE_AFTER = re.compile(r"\s*(?P<role>主辦|主政|主責|協辦)(?!人|單位|機關)")
_MODAL = re.compile(r"\s*(?:仍|亦|也|均|皆)?\s*(?:應|須|需|務必|負責)")
PLACEHOLDERS = ("各相關單位", "相關單位", "相關局處", "相關機關", "相關部會", "相關司署", "各該局處", "各該單位",
                "權責單位", "權責機關")
_PLACEHOLDER = re.compile("|".join(PLACEHOLDERS))
# An agency the directory does not know still looks like one: a short name ending like an agency.
_UNKNOWN = re.compile(
    r"[\u4e00-\u9fff]{1,8}?(?:委員會|辦公室|公所|中心|政府|單位|部|會|署|局|處|司|院|科|課|室|組|隊|館|校)"
)
# What follows 請 when no agency does (請將…, 請於…, 請儘速…, 請依…): a name never starts so.
_NOT_A_NAME_START = set("及與和暨或原邀偕會責派請由向跟給讓使將把於在就依針對再儘速持續提研辦加積落確務召督檢盤訂修規擬建強整彙評協參審掌釐留注妥完補"
                        "說通送納函轉查填上核配並即先仍也另一共多予視考分進善適有如以不能可給作做處列跳思側增")
_NOT_A_NAME = re.compile(r"[之的及與、，]|(?:社會|機會|都會|體會)$")
_TAIL = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:科|課|股|組|室|中心|隊|處|局|署|司)")


@dataclass
class Owner:
    written: str
    name: str | None  # canonical; None when the directory does not know it (or cannot tell which)
    role: str
    placeholder: bool = False
    at: int = 0  # where the text names it

    @property
    def shown(self) -> str:
        return self.name or squeeze(self.written)


@dataclass
class Owners:
    owners: list[Owner] = field(default_factory=list)

    def add(self, owner: Owner) -> None:
        if all(o.shown != owner.shown for o in self.owners):
            self.owners.append(owner)

    def __bool__(self) -> bool:
        return bool(self.owners)


class RoleFinder:
    def __init__(self, directory: AgencyDirectory, government: str | None) -> None:
        self.directory = directory
        self.government = government
        self._mentions: dict[str, list[Mention]] = {}  # a point is asked about several times

    def requested(self, text: str) -> Owners:
        """The agencies the text asks to act — by role words (主辦/協辦, 主政), after 請 / 責成 / 由,
        or before 應 / 須 — leads first, then assists, each in the order the text names them."""
        mentions = self._scan(text)
        at = {m.start: m for m in mentions}
        folded = fold(text)
        asked = self._labelled(text, folded, at, mentions)  # roles the minutes state win
        anchors: list[tuple[int, Mention | None]] = [(m.end(), None) for m in _REQUEST.finditer(folded)]
        anchors += [(m.end(), None) for m in _BY.finditer(folded) if _skip_space(folded, m.end()) in at]
        anchors += [(m.start, m) for m in mentions if m.name and _MODAL.match(folded, m.end)]  # 本部各司署應…
        for pos, mention in sorted(anchors, key=lambda a: a[0]):
            if mention is None:
                self._run(text, folded, at, pos, asked)
            else:
                asked.add(Owner(mention.written, mention.name, LEAD, at=mention.start))
        ordered = sorted(asked.owners, key=lambda o: (o.role != LEAD, o.at))
        return Owners(ordered)

    def mentioned(self, text: str) -> Owners:
        """Every agency the text names (a case title's owners when it asks nobody in particular)."""
        owners = self.requested(text)
        if not owners:
            for mention in self._scan(text):
                if mention.name:
                    owners.add(Owner(mention.written, mention.name, LEAD, at=mention.start))
        return owners

    def _scan(self, text: str) -> list[Mention]:
        if text not in self._mentions:
            self._mentions[text] = self.directory.scan(text, government=self.government)
        return self._mentions[text]

    def has_request(self, text: str) -> bool:
        return bool(_REQUEST.search(fold(text)))

    def request_at(self, text: str) -> int | None:
        m = _REQUEST.search(fold(text))
        return m.start() if m else None

    def _labelled(self, text: str, folded: str, at: dict[int, Mention], mentions: list[Mention]) -> Owners:
        """主辦單位：X、協辦單位：Y, or X主政、Y協辦: the minutes say the roles themselves."""
        runs: list[tuple[int, str]] = []  # where a run of agencies starts, and their role
        for label in _ROLE_LABEL.finditer(folded):
            role = label.group("role") or label.group("short")
            runs.append((label.end(), ASSIST if role == "協辦" else LEAD))
        for mention in mentions:
            after = _ROLE_AFTER.match(folded, mention.end)
            if after:
                runs.append((mention.start, ASSIST if after.group("role") == "協辦" else LEAD))
        owners = Owners()
        for start, role in sorted(runs):
            self._run(text, folded, at, start, owners, role=role, with_assist=False)
        return owners

    def _run(self, text: str, folded: str, at: dict[int, Mention], pos: int, owners: Owners,
             role: str = LEAD, with_assist: bool = True) -> None:
        """The agencies named from `pos` on, joined by 、及與和; then those after 會同/偕同."""
        while True:
            owner, pos = self._one(text, folded, at, _skip_space(folded, pos), role)
            if owner is None:
                return
            owners.add(owner)
            join = _JOIN.match(folded, pos)
            if join and self._one(text, folded, at, join.end(), role)[0] is not None:
                pos = join.end()
                continue
            assist = _ASSIST.match(folded, pos)
            if with_assist and assist and role == LEAD:
                role, pos = ASSIST, assist.end()
                continue
            return

    def _one(self, text: str, folded: str, at: dict[int, Mention], pos: int, role: str) -> tuple[Owner | None, int]:
        mention = at.get(pos)
        if mention is not None:
            agency = self.directory.get(mention.name or "")
            tail = None if agency and agency.kind == "collective" else _TAIL.match(folded, mention.end)
            if tail and folded[mention.end] not in _NOT_A_NAME_START and not any(
                tail.start() <= start < tail.end() for start in at
            ):
                written = text[mention.start : tail.end()]
                return Owner(written, None, role, at=pos), tail.end()  # 桃園市政府文化資產科: a part it lacks
            return Owner(mention.written, mention.name, role, at=pos), mention.end
        if m := _PLACEHOLDER.match(folded, pos):
            return Owner(text[m.start() : m.end()], None, role, placeholder=True, at=pos), m.end()
        m = _UNKNOWN.match(folded, pos)
        if m is None or folded[pos] in _NOT_A_NAME_START or _NOT_A_NAME.search(m.group()):
            return None, pos
        return Owner(text[m.start() : m.end()], None, role, at=pos), m.end()


def _skip_space(folded: str, pos: int) -> int:
    while pos < len(folded) and folded[pos].isspace():
        pos += 1
    return pos
