"""Reading agency names as minutes write them: known ones from the directory, collectives (各科室),
placeholders (相關局處), the body's own units written short (二科, 統計處, 縣政府教育處), and names
the directory lacks that still look like an agency (後勤科, 總幹事, 保全公司)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.minutes.textutil import squeeze
from bot.minutes.units import Host
from config.directory import AgencyDirectory, Mention

LEAD, ASSIST = "lead", "assist"

JOIN = re.compile(r"\s*(?:以及|、及|、|及|與|和|跟|暨|或|/|,(?=\s*\S)|，(?=\s*\S))\s*")
ASSIST_WORDS = re.compile(r"\s*(?:持續|繼續|並|再|仍|亦|也|共同)?\s*(?:會同|協同|偕同|併同|結合|督同|邀同)\s*")
PLACEHOLDERS = ("各相關單位", "相關單位", "相關局處", "相關機關", "相關部會", "相關司署", "各該局處", "各該單位",
                "權責單位", "權責機關")
_PLACEHOLDER = re.compile("|".join(PLACEHOLDERS))
# 各科室, 各處室, 各鄉鎮市公所, 各編組單位: a collective addressee, kept whole as written.
_COLLECTIVE = re.compile(
    r"各[\u4e00-\u9fff]{0,4}?(?:科處室|局處室|科室|處室|局處|部會|司署|單位|機關|學校|分局|公所|系所|主管|科|處|局|課|室|組|校|隊|所)"
)
_COLLECTIVE_LONG = re.compile(r"各[\u4e00-\u9fff]{0,4}?(?:科處室|局處室|科室|處室|單位|機關|學校|公所|系所|主管)")
# An agency the directory does not know still looks like one: a short name ending like an agency,
# or a building committee's officer or contractor (總幹事, 財務委員, 保全公司).
_UNKNOWN = re.compile(
    r"[\u4e00-\u9fff]{1,8}?(?:委員會|辦公室|公所|中心|政府|單位|部|會議(?=\s*(?:統籌|主辦|協辦|辦理|彙整|負責))|會(?![課科處局所組室隊])|署|局|處|司|院|科|課|室|組|隊|館|校|團|所(?![提有需屬以謂在得長]))"
    r"(?![長分門])"
)
# 家長委員代表, 學生代表: people the work is done with, not an office that owns it.
_PERSON = re.compile(r"(?!家長|學生|住戶|民眾|里民)[\u4e00-\u9fff]{1,3}?(?:總幹事|幹事|委員(?!會|代表)|公司|廠商|經理|管理員)|(?:全體|各位|本[處局署部會校院])?同仁|幕僚(?:單位)?")
# What follows 請 when no agency does (請將…, 請於…, 請儘速…, 請依…): a name never starts so.
_NOT_A_NAME_START = set("及與和暨或原邀偕會責派請由向跟給讓使將把於在就依針對再儘速持續提研辦加積落確務召督檢盤訂修規擬建強整彙評協參審掌釐留注妥完補"
                        "說通送納函轉查填上核配並即先仍也另一共多予視考分進善適有如以不能可給作做處列跳思側增")
_NOT_A_NAME = re.compile(r"[之的、，將於這那個]|.該|指示|要求|表示|^(?:多數|部分|少數|有些|所有|許多|其他|一些|每)|協調|參與|研議|辦理|處理|提供|檢討|執行|說明|討論|進行|(?:局|處|署|司|部|會|科|室|組|中心|公所|隊)[及與]|^[^及與]*$(?<=社會|機會|都會|體會)")
# Names that start with a character that otherwise never starts one (原 as in 原單位, 原計畫).
_CLEAR_NAME = re.compile(r"^(?:原住民|原民|原鄉|會計|再生能源)")
_GOV_UNIT = re.compile(r"(?:縣政府|市政府|縣府|市府)\s*(?P<unit>[\u4e00-\u9fff]{1,8}?(?:局|處|所|中心|室))")
_UNIT_NAME = re.compile(r"(?:司|署|局|處|科|室|組|中心|分署)$")
_OFFICE = re.compile(r"(?:公所|政府|局|處|署)$")
_UNIT_BELOW = re.compile(
    r"(?![及與和暨或跟])(?:[\u4e00-\u9fff]{1,3}?(?:科|課|股|組|室|隊|中心)(?![長\u4e00-\u9fff]{0,1}[科課股組室隊])"
    r"|[\u4e00-\u9fff]{1,4}?(?:工程處|管理處|分局|分處)(?!長))"  # 工務局新建工程處, 警察局中正第一分局
)
_TAIL = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:委員會|公所|科|課|股|組|室|中心|隊|處|局|署|司)(?!長)")


@dataclass
class Owner:
    written: str
    name: str | None  # canonical; None when the directory does not know it (or cannot tell which)
    role: str
    placeholder: bool = False
    at: int = 0  # where the text names it
    guessed: bool = False  # not in the directory: qualified by the body (二科 → 某局二科) or kept as written
    parent: str | None = None  # the known agency written in front of a unit the directory lacks

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


class NameReader:
    def __init__(self, directory: AgencyDirectory, government: str | None, host: Host | None = None) -> None:
        self.directory = directory
        self.government = government
        self.host = host or Host(None, None, government)
        self._mentions: dict[str, list[Mention]] = {}  # a point is asked about several times

    def scan(self, text: str) -> list[Mention]:
        if text not in self._mentions:
            self._mentions[text] = self.directory.scan(text, government=self.government)
        return self._mentions[text]

    def run(self, text: str, folded: str, at: dict[int, Mention], pos: int, owners: Owners,
            role: str = LEAD, with_assist: bool = True) -> int:
        """The agencies named from `pos` on, joined by 、及與和; then those after 會同/偕同. Returns
        where the run ends (`pos` itself when no name stands there)."""
        joined, parent = False, None
        while True:
            owner, end = self.one(text, folded, at, skip_space(folded, pos), role, joined=joined)
            if owner is None:
                return pos
            if joined and parent and owner.guessed and _UNIT_NAME.search(owner.written):
                owner.name, owner.parent = parent + squeeze(owner.written), parent  # 請農業部畜牧司、農糧署
            parent = self._parent_of(owner)
            owners.add(owner)
            pos, joined = end, False
            join = JOIN.match(folded, pos)
            if join and self.one(text, folded, at, join.end(), role, joined=True)[0] is not None:
                pos, joined = join.end(), True
                continue
            assist = ASSIST_WORDS.match(folded, pos)
            if with_assist and assist and role == LEAD:
                role, pos = ASSIST, assist.end()
                continue
            return pos

    def one(self, text: str, folded: str, at: dict[int, Mention], pos: int, role: str,
            joined: bool = False) -> tuple[Owner | None, int]:
        """The one name at `pos`, and where it ends."""
        if (gov := _GOV_UNIT.match(folded, pos)) and self.government:  # 縣政府教育處, 市府工務處
            unit = gov.group("unit")
            name = self.directory.resolve(unit, government=self.government) or self.government + unit
            known = self.directory.resolve(unit, government=self.government) is not None
            return Owner(text[pos : gov.end()], name, role, at=pos, guessed=not known), gov.end()
        mention = at.get(pos)
        collective = _COLLECTIVE.match(folded, pos)
        longer = _COLLECTIVE_LONG.match(folded, pos)
        if collective and longer and collective.end() < longer.end() <= collective.end() + 2:
            collective = longer  # 各編組單位, not 各編組
        if collective and (mention is None or collective.end() > mention.end):
            written = text[pos : collective.end()]  # 各科室: kept whole, as written
            return Owner(written, None, role, at=pos), collective.end()
        if mention is not None:
            return self._known(text, folded, at, mention, role)
        if m := _PLACEHOLDER.match(folded, pos):
            return Owner(text[m.start() : m.end()], None, role, placeholder=True, at=pos), m.end()
        name, end = _unknown(folded, pos)
        if not name or _NOT_A_NAME.search(name) or any(pos < start < end for start in at):
            return None, pos  # 幕僚與健保署: a list with a known name in it, not one name
        if folded[pos] in _NOT_A_NAME_START and not (joined or _CLEAR_NAME.match(name)):
            return None, pos
        if _OFFICE.search(name) and (tail := _UNIT_BELOW.match(folded, end)) and not _NOT_A_NAME.search(tail.group()):
            end = tail.end()  # 鄉公所清潔隊, 公所建設課: a unit under the office just read
        written = text[pos:end]
        return Owner(written, self.host.qualify(written), role, at=pos, guessed=True), end

    def _parent_of(self, owner: Owner) -> str | None:
        if owner.parent:
            return owner.parent
        agency = self.directory.get(owner.name or "")
        return agency.parent if agency is not None and agency.kind == "unit" else None

    def _ours(self, name: str | None) -> bool:
        """身障科 is only in another city's list: in these minutes it is the body's own unit."""
        if name is None or self.government is None:
            return True
        top = _top(self.directory, name)
        agency = self.directory.get(top)
        return top == self.government or agency is None or agency.kind != "local"

    def _known(self, text: str, folded: str, at: dict[int, Mention], mention: Mention,
               role: str) -> tuple[Owner, int]:
        agency = self.directory.get(mention.name or "")
        tail = None if agency and agency.kind == "collective" else _TAIL.match(folded, mention.end)
        if tail and folded[mention.end] not in _NOT_A_NAME_START:
            inner = [at[s] for s in at if tail.start() <= s < tail.end()]
            if not inner or (inner[0].start == tail.start() and not (inner[0].name or "").startswith(mention.name or "-")):
                # 桃園市政府文化資產科, 本部統計處: a part the directory lacks, under a name it knows
                written = text[mention.start : tail.end()]
                full = (mention.name + text[tail.start() : tail.end()]) if mention.name else None
                if written.rstrip().endswith("公所"):  # 宜蘭縣南澳鄉公所: a township's office, not the county's unit
                    full = written
                name = "".join(full.split()) if full else None
                return Owner(written, name, role, at=mention.start, guessed=True, parent=mention.name), tail.end()
        name = mention.name if self._ours(mention.name) else None
        name = name or self.host.qualify(mention.written) or mention.name
        return Owner(mention.written, name, role, at=mention.start, guessed=mention.name is None), mention.end


def _top(directory: AgencyDirectory, name: str) -> str:
    agency = directory.get(name)
    while agency is not None and agency.parent:
        agency = directory.get(agency.parent)
    return agency.name if agency else name


def _unknown(folded: str, pos: int) -> tuple[str, int]:
    """A name the directory lacks at `pos`, read across a stray space (並請總 務處: a PDF's line break)."""
    m = _UNKNOWN.match(folded, pos)
    person = _PERSON.match(folded, pos)
    if person and (m is None or person.end() < m.end()):
        m = person  # 幕僚與健保署: the staff, then the agency
    if m is not None or " " not in folded[pos : pos + 12]:
        return (m.group(), m.end()) if m else ("", pos)
    window = folded[pos : pos + 24]
    kept = [i for i, ch in enumerate(window) if not ch.isspace()]
    m = _UNKNOWN.match("".join(window[i] for i in kept))
    return (m.group(), pos + kept[m.end() - 1] + 1) if m else ("", pos)


def skip_space(folded: str, pos: int) -> int:
    while pos < len(folded) and folded[pos].isspace():
        pos += 1
    return pos
