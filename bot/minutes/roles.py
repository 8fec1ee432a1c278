"""Who a decision point asks to act: the agencies after 請 (主辦), after 會同/偕同 (協辦).

「請衛福部與法務部邀請社安網諮詢顧問…」 → 衛生福利部, 法務部 (both lead); the consultants they
invite are not owners. 「請教育局持續偕同社會局及勞動局…」 → 教育局 lead, 社會局 and 勞動局 assist.
Minutes also say it otherwise: 由A局主辦，B局、C處協辦; an owner in trailing parentheses
（工務局）; a second agency named without 請 (請A局研議，B局提供資料) assists.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.minutes.names import ASSIST, LEAD, NameReader, Owner, Owners, skip_space
from bot.minutes.textutil import fold
from bot.minutes.units import Host
from config.directory import AgencyDirectory, Mention

__all__ = ["ASSIST", "LEAD", "Owner", "Owners", "RoleFinder"]

# 請 that asks someone to act; 申請, 邀請, 提請討論, 簽請市長核定, 請假 … do not.
# 請審議, 請公決, 請鑒核, 請核備, 請備查, 請查照, 請討論: asked of the meeting, not work for an agency.
_REQUEST = re.compile(
    r"(?<![申邀聲提報簽呈])請(?![假願託益示求領款勿]|教(?!育|務)|審[議查]|公[決斷]|討論|鑒|核[備定示議准]|備查|查照)|責成|交由|交請|交辦|麻煩(?=\s*[\u4e00-\u9fff])"
    r"|要求(?=\s*[\u4e00-\u9fff]{2,}?[部會署局處司科室府所])"
    r"|(?<![依遵曾已])指示(?=\s*[\u4e00-\u9fff]{2,}?[部會署局處司科室府所])"  # 縣長指示交通旅遊局…
    r"|(?<![的之與])建議(?=\s*[\u4e00-\u9fff]{2,}?[部會署局處司科室府所心])"  # 建議學生輔導諮商中心整合…
)
_BY = re.compile(r"(?<![經藉理緣自事])由(?![於此])")  # 經由學生輔導諮商中心評估: through, not by
_DECIDES = re.compile(r"決(?:定|議)")
_ACTS = re.compile(r"(?<=[處局署司部會科室組課所隊])(?:研擬|研議|辦理|提出|完成|檢討|規劃|彙整|評估|擬定|訂定|執行|負責|協助|持續|加強|儘速|統籌|追蹤|列管)")
_TOPIC = re.compile(r"\s*(?:有關|關於|針對|另|並)?\s*")
_NOT_WORK = re.compile(r"\s*(?:說明|報告)|[^。；;]{0,16}?(?:主講|主持|擔任|致詞|簡報|介紹|帶領)")
_ROLE_LABEL = re.compile(r"(?P<role>主辦|主責|協辦)\s*(?:單位|機關)\s*[:：為]?\s*|(?P<short>主辦|協辦)\s*[:：]\s*")
# 請各局處提供資料，請研考會彙整: the one who gathers works with the collective, not instead of it.
_COORDINATES = re.compile(r"\s*(?:[及與、]\s*[\u4e00-\u9fff]{2,8}?)?\s*(?:於[^，,。；;]{0,12})?(?:統一|負責)?\s*(?:彙整|彙辦|彙總|彙報|統籌|列管|追蹤|管考|督導)")
_OWN_ALL = re.compile(r"本\s*[校部府局會縣市署處院所]\s*(?=各)")  # 本校各單位應…: all of the body's units
_FORWARD = re.compile(
    r"(?:函|送|報|轉|陳)請\s*[\u4e00-\u9fff]{1,8}?(?:院|會|府|部)\s*(?:審議|審查|核定|核備|備查|鑒核|查照|核示|核准)"
)
_WITH = re.compile(r"(?:會同|協同|偕同|邀同)\s*")
_MODIFIER = re.compile(r"\s*(?:所(?:提|報|送|擬|列)|之|提出之|提出的|的)")
_ROLE_WORD = re.compile(r"(?P<role>主辦|主政|主責|協辦)(?!人|單位|機關)")
_SEGMENT_START = re.compile(r"[、]?\s*(?:並|另|再)?\s*(?:由|請)?\s*")
_STOP = re.compile(r"[，,；;。：:()（）]|(?<![自理])由")
_SELF = re.compile(r"^\s*本[\u4e00-\u9fff]?\s*$")
_OUGHT = re.compile(r"\s*(?:仍|亦|也|均|皆)?\s*(?:應|須|務必)")
_MODAL = re.compile(r"\s*(?:仍|亦|也|均|皆)?\s*(?:應|須|需|務必|負責)")
# （工務局）（教育處、工務處） closing a point: its owners, written last.
_TRAILING = re.compile(r"[(（]\s*(?P<names>[^()（）:：]{2,40}?)\s*[)）]\s*[。.]?\s*$")
# …，B局提供資料: a clause that opens with an agency doing something is that agency's part.
_CLAUSE_START = re.compile(r"(?:^|[，,；;。：:])\s*(?:並|另|再|且|而|其中)?\s*")
_CLAUSE = re.compile(r"[，,；;]\s*(?:並|另|再)?\s*")
# The most general collectives: everyone present, not an addressee of their own.
_GENERIC = re.compile(r"^各\s*(?:相關)?\s*(?:單\s*位|機\s*關|主\s*管|同\s*仁)\s*$")
# Spoken to: 你們議事組下次…, 你再跟總務組講一下 — the unit named right after is the one to act.
_YOU = re.compile(r"你們?\s*(?:再|先|就)?\s*(?:跟|和|通知|請)?\s*")
_HELPS = re.compile(r"\s*(?:也|亦|並|則|再)?\s*(?:提供|協助|配合|協辦|支援|籌措|派員|會同|補充|參與|共同|督導|追蹤)")


def _requests(folded: str) -> list[re.Match[str]]:
    """Each 請 that asks for work: 函請立法院審議 hands a bill on for review, it gives nobody work."""
    forwarded = [m.span() for m in _FORWARD.finditer(folded)]
    return [m for m in _REQUEST.finditer(folded) if not any(a <= m.start() < b for a, b in forwarded)]


def _distinct(owners: list[Owner], told: set[str], folded: str) -> list[Owner]:
    """One owner once: 區公所 after 各區公所 and 各學院系所 after 各系所 name the same addressee again
    (the first naming stays); a collective followed by some of its members asked by name gives the
    work to those members; 各單位亦應… closing a point that asks someone specific is a general
    exhortation, not a second owner."""
    kept: list[Owner] = []
    for owner in sorted(owners, key=lambda o: o.at):
        stem = _stem(owner.shown)
        if any(stem.endswith(_stem(k.shown)) or _stem(k.shown).endswith(stem) for k in kept
               if k.shown.startswith("各") or owner.shown.startswith("各")):
            continue
        kept.append(owner)
    for c in [o for o in kept if o.shown.startswith("各") and o.shown not in told]:
        members = [o for o in kept if o.at > c.at and not o.shown.startswith("各") and o.shown not in told
                   and o.shown[-1] in _stem(c.shown) and not _COORDINATES.match(folded, o.at + len(o.written))]
        if members:  # 請各處室製作…，請教務處及總務處完成: the units named to do it own it
            kept.remove(c)
    first = min((o.at for o in kept if not _GENERIC.match(o.shown) and o.shown not in told), default=None)
    if first is not None:  # asked first, by 請 or 由: the general 各單位亦應… after it adds nobody
        kept = [o for o in kept if not (_GENERIC.match(o.shown) and o.shown in told and o.at > first)]
    order = {id(o): i for i, o in enumerate(owners)}
    return sorted(kept, key=lambda o: order[id(o)])


def _stem(name: str) -> str:
    return "".join(name.split()).removeprefix("各")


class RoleFinder:
    def __init__(self, directory: AgencyDirectory, government: str | None, host: Host | None = None) -> None:
        self.names = NameReader(directory, government, host)
        self._asked: dict[str, Owners] = {}
        self.directory = directory
        self.government = government

    def requested(self, text: str) -> Owners:
        """The agencies the text asks to act — by role words (主辦/協辦, 主政), after 請 / 責成 / 由,
        or before 應 / 須 — leads first, then assists, each in the order the text names them."""
        if text not in self._asked:  # a passage is weighed and then read for its owners: read it once
            self._asked[text] = self._requested(text)
        return Owners([replace(o) for o in self._asked[text].owners])

    def _requested(self, text: str) -> Owners:
        mentions = self.names.scan(text)
        at = {m.start: m for m in mentions}
        folded = fold(text)
        asked = self._labelled(text, folded, at)  # roles the minutes state win
        anchors: list[tuple[int, Mention | None]] = [(m.end(), None) for m in _requests(folded)]
        anchors += [(m.end(), None) for m in _BY.finditer(folded) if self._by_owner(text, folded, at, m.end())]
        anchors += [(m.end(), None) for m in _YOU.finditer(folded)]  # 你們議事組…, 你再跟總務組講…
        anchors += [(m.start, m) for m in mentions if m.name and _MODAL.match(folded, m.end)]  # 本部各司署應…
        told: set[str] = set()  # named only as a clause's subject (各單位亦應…), never after 請
        for clause in _CLAUSE_START.finditer(folded):  # 各鄉鎮市公所應…: a clause's subject
            found = Owners()
            start = clause.end()
            if start not in at and (own_all := _OWN_ALL.match(folded, start)):  # 本部各司署 is a name of its own
                start = own_all.end()
            end = self.names.run(text, folded, at, start, found, with_assist=False)
            if found and _OUGHT.match(folded, end):
                for owner in found.owners:
                    if not _SELF.match(owner.written):  # 本校應…: the body speaking of itself
                        told.add(owner.shown)
                        asked.add(owner)
        for pos, mention in sorted(anchors, key=lambda a: a[0]):
            if mention is None:
                pos = skip_space(folded, pos)
                pos += 1 if folded.startswith("洽", pos) and (pos + 1) in at else 0  # 請洽教育局辦理
                self.names.run(text, folded, at, pos, asked)
            else:
                asked.add(Owner(mention.written, mention.name, LEAD, at=mention.start))
        if asked:
            self._helpers(text, folded, at, asked)
        self._trailing(text, folded, at, asked)
        ordered = sorted(asked.owners, key=lambda o: (o.role != LEAD, o.at))
        if any(not _SELF.match(o.written) for o in ordered):  # 由本校主辦…，請承辦單位: the body is the setting
            ordered = [o for o in ordered if not _SELF.match(o.written)]
        return Owners(_distinct(ordered, told, folded))

    def subject(self, text: str) -> list[Owner]:
        """交通隊彙整後，請於下次會議提出…: asked without a name after 請, the clause before names who."""
        folded = fold(text)
        at_request = next(iter(_requests(folded)), None) or _ACTS.search(folded)  # 人事處研擬…: the one who acts
        clause: list[int] = []
        if at_request is None and (at_request := _DECIDES.search(folded)):  # 管理委員會決定於…: who decided
            clause = [m.end() for m in re.finditer(r"[，,；;：:]", folded[: at_request.start()])]
        if at_request is None:
            return []
        opening = _TOPIC.match(folded, clause[-1] if clause else 0)
        found = Owners()
        end = self.names.run(text, folded, {m.start: m for m in self.names.scan(text)}, opening.end() if opening else 0,
                             found, with_assist=False)
        return found.owners if found and end <= at_request.start() else []

    def acts(self, text: str) -> bool:
        """國民健康署持續推動…: a point that opens with an agency doing something."""
        folded = fold(text)
        opening = _TOPIC.match(folded)
        found = Owners()
        end = self.names.run(text, folded, {m.start: m for m in self.names.scan(text)}, opening.end() if opening else 0,
                             found, with_assist=False)
        return bool(found) and _ACTS.match(folded, end) is not None

    def _by_owner(self, text: str, folded: str, at: dict[int, Mention], pos: int) -> bool:
        """由X辦理 names an owner; 由X主講, 由X擔任召集人 name a speaker or a chair."""
        owner, end = self.names.one(text, folded, at, skip_space(folded, pos), LEAD)
        return owner is not None and not _NOT_WORK.match(folded, end)

    def named(self, text: str) -> Owners:
        """A cell that only names agencies (主辦單位 | 學務處、輔導室): all of them, known or not."""
        folded = fold(text)
        found = Owners()
        self.names.run(text, folded, {m.start: m for m in self.names.scan(text)}, 0, found, with_assist=False)
        return found or self.mentioned(text)

    def mentioned(self, text: str) -> Owners:
        """Every agency the text names (a case title's owners when it asks nobody in particular)."""
        owners = self.requested(text)
        if not owners:
            for mention in self.names.scan(text):
                if mention.name:
                    owners.add(Owner(mention.written, mention.name, LEAD, at=mention.start))
        return owners

    def has_request(self, text: str) -> bool:
        return bool(_requests(fold(text)))

    def request_at(self, text: str) -> int | None:
        m = next(iter(_requests(fold(text))), None)
        return m.start() if m else None

    def _labelled(self, text: str, folded: str, at: dict[int, Mention]) -> Owners:
        """主辦單位：X、協辦單位：Y, or 由X主辦，Y、Z協辦 / X主政、Y協辦: the minutes say the roles."""
        owners = Owners()
        for label in _ROLE_LABEL.finditer(folded):
            role = label.group("role") or label.group("short")
            found = Owners()
            end = self.names.run(text, folded, at, label.end(), found, role=ASSIST if role == "協辦" else LEAD,
                                 with_assist=False)
            if _MODIFIER.match(folded, end):
                continue  # 主辦機關勞動部所提需求: whose request it is, not who is to act
            for owner in found.owners:
                owners.add(owner)
        start = 0
        for word in _ROLE_WORD.finditer(folded):
            stops = [m.end() for m in _STOP.finditer(folded, start, word.start())]
            segment = _SEGMENT_START.match(folded, stops[-1] if stops else start)
            begin = segment.end() if segment else start
            found = Owners()
            end = self.names.run(text, folded, at, begin, found, role=ASSIST if word.group("role") == "協辦" else LEAD,
                                 with_assist=False)
            if found and skip_space(folded, end) == word.start():  # the names run right up to the role word
                for owner in found.owners:
                    owners.add(owner)
            start = word.end()
        return owners

    def _helpers(self, text: str, folded: str, at: dict[int, Mention], asked: Owners) -> None:
        """請A局研議，B局提供資料: B assists, though nobody wrote 請 before it; 請A課於一個月內會同B處…:
        B assists, though words stand between A and 會同."""
        first = min(o.at for o in asked.owners)
        for together in _WITH.finditer(folded, first):
            found = Owners()
            self.names.run(text, folded, at, together.end(), found, role=ASSIST, with_assist=False)
            for owner in found.owners:
                if not owner.placeholder:  # 會同相關單位: nobody in particular
                    asked.add(owner)
        for clause in _CLAUSE.finditer(folded, first):
            found = Owners()
            end = self.names.run(text, folded, at, clause.end(), found, role=ASSIST, with_assist=False)
            if found and end > clause.end() and _HELPS.match(folded, end):
                for owner in found.owners:
                    asked.add(owner)

    def _trailing(self, text: str, folded: str, at: dict[int, Mention], asked: Owners) -> None:
        m = _TRAILING.search(folded)
        if m is None:
            return
        found = Owners()
        end = self.names.run(text, folded, at, m.start("names"), found, with_assist=False)
        if not found or skip_space(folded, end) != m.end("names"):
            return  # （如附件）, （略）: not a list of owners
        had_lead = bool(asked)
        for index, owner in enumerate(found.owners):
            owner.role = ASSIST if had_lead or index else LEAD
            asked.add(owner)

