"""Internal units named the short way, resolved against the body whose minutes these are.

A bureau's chiefs write 二科 or 秘書室 for its own units, a ministry 統計處 or 戶政司, a city's
meeting 工務局; the directory cannot know every unit, so such a name is qualified with its host:
臺中市政府社會局 + 老人福利科, 內政部 + 統計處, 臺南市政府 + 工務局. 縣政府教育處 and 市府工務處 are the
body's own government's units. A name the directory knows, or one already qualified, is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from config.directory import AgencyDirectory, fold

# Which units a host of each level has, by how their names end.
_UNITS_OF = {
    "ministry": re.compile(r"(?:司|署|局|處|中心|室)$"),
    "agency": re.compile(r"(?:組|處|室|中心|科)$"),  # a 署, 局 of a ministry
    "bureau": re.compile(r"(?:科|股|室|組|隊|團|中心|課)$"),  # a city or county 局／處
    "local": re.compile(r"(?:局|處|中心|室)$"),  # a city or county government
    # a school's or hospital's own 處室 (總務處, 輔導室, 護理部): never the city's, though it runs the school
    "institution": re.compile(r"(?:處|室|組|中心|部|館|科)$"),
}
_INSTITUTION = re.compile(
    r"[\u4e00-\u9fff]{2,16}?(?:國民中學|國民小學|高級中等學校|高級中學|高級職業學校|大學|學院|學校|醫院|國中|國小|高中|高職)"
)
_SCHOOL_OUTSIDE = re.compile(r"局$|政府|^(?:教育|衛生|社會|民政|工務)處$")
_HOST = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:部|署|局|處)(?![\u4e00-\u9fff]{0,1}[長])")
_OWN_GOVERNMENT = re.compile(r"^(?:縣政府|市政府|縣府|市府|本府|本縣|本市)(?=[\u4e00-\u9fff]{2})")
_TOWNSHIP_OFFICE = re.compile(r"^(?:[鄉鎮市區])?公所")
_TOWNSHIP = re.compile(r"(?P<county>[\u4e00-\u9fff]{2}[縣市])?(?P<town>[\u4e00-\u9fff]{1,3}?[鄉鎮市區])(?:民代表會|公所)")
_SELF = ("本局", "本處", "本署", "本部", "本府", "本縣", "本市", "本會", "本中心", "本院", "本校", "本所")
_QUALIFIED = re.compile(r"^[\u4e00-\u9fff]{2,3}[縣市](?:政府)?|^[\u4e00-\u9fff]{1,4}部(?=[\u4e00-\u9fff])|^本[部局府署處]")


@dataclass(frozen=True)
class Host:
    name: str | None  # 臺中市政府社會局, 內政部, 環境保護署 …
    level: str | None  # ministry | agency | bureau | local
    government: str | None  # the city or county government around it, if any
    township: str | None = None  # 苗栗縣三義鄉公所, in a township council's minutes

    def qualify(self, written: str) -> str | None:
        """The full name of a unit written short, or None when it is not one of the host's units."""
        name = "".join(fold(written).split())
        if self.township and (m := _TOWNSHIP_OFFICE.match(name)):  # 鄉公所建設課 in 三義鄉民代表會's minutes
            return self.township + name[m.end() :]
        if name in _SELF and self.name:  # 本局 in a bureau's own minutes
            if name in ("本府", "本縣", "本市"):
                return self.government
            return self.name if self.name.endswith(name[1:]) else None
        if m := _OWN_GOVERNMENT.match(name):
            if self.government:
                return self.government + name[m.end() :]
            return None
        if _QUALIFIED.match(name) or name.startswith("各"):
            return None
        own = self.level == "institution" and _UNITS_OF["institution"].search(name) and not _SCHOOL_OUTSIDE.search(name)
        if own and name != self.name:  # 總務處 in a school's minutes: its own, written as the school writes it
            return name
        if self.name is None or self.level in (None, "institution"):  # 臺南市災害應變中心's minutes: 工務局 is still the city's
            government = self.government or ""
            return government + name if government.endswith("政府") and _UNITS_OF["local"].search(name) else None
        if _UNITS_OF[self.level].search(name) and name != self.name and not name.endswith("公司"):
            parent = self.government if self.level == "local" else self.name
            return (parent or self.name) + name
        return None


_TERM = re.compile(r"^第[\s\d一二三四五六七八九十]{1,4}屆(?:第[\s\d一二三四五六七八九十]{1,4}次)?")
_COMMITTEE = re.compile(r"[\u4e00-\u9fff]{0,14}?(?:管理委員會|管委會|理事會|監事會|委員會|協會|公會|學會)")


def own_body(title: str, body: str | None) -> str | None:
    """The committee whose minutes these are (長虹天廈社區管理委員會, 管委會), which owns what it
    decides for itself (本大樓決定於管理室設置意見箱) and whose 幕僚 are its own staff."""
    for source in (body, title):
        text = _TERM.sub("", "".join(fold(source or "").split()))
        if m := _COMMITTEE.match(text):
            return m.group()
    return None


_VISIT = re.compile(
    r"(?:到|赴|前往|蒞臨)\s*(?P<unit>[\u4e00-\u9fff]{1,10}?(?:局|處|署|院|家|館|校|所|中心|隊|站|場|廠|分署|公司))"
    r"\s*(?:視導|視察|訪視|巡視|督導|考察)"
)


def visited_unit(text: str) -> str | None:
    """赴第九河川局視察, 到花蓮榮家視導: an inspection's instructions are for the unit inspected."""
    m = _VISIT.search(fold(text[:1200]))  # said where the record opens, not a trip mentioned later
    return m.group("unit") if m else None


def find_host(title: str, government: str | None, directory: AgencyDirectory) -> Host:
    """The body's own organisation, from the start of its title (臺中市政府社會局113年第5次主管會報)."""
    text = "".join(fold(title).split()).lstrip("【「『[(（")
    host = _host(text, government, directory)
    if town := _TOWNSHIP.search(text):
        office = (town.group("county") or "") + town.group("town") + "公所"
        if town.start() == 0 and town.group().endswith("公所"):  # 竹北市公所's own meeting: its 課 are its units
            return Host(office, "bureau", government, office)
        host = replace(host, township=office)
    return host


def _host(text: str, government: str | None, directory: AgencyDirectory) -> Host:
    mentions = directory.scan(text, government=government)
    school = _INSTITUTION.search(text)  # 高雄市立蚵寮國民中學…校務會議: its 教務處 is written plain
    if school and (school.start() == 0 or not mentions or mentions[0].start > 0):
        return Host(school.group(), "institution", government)
    name: str | None = None
    kind = ""
    if mentions and mentions[0].start == 0 and mentions[0].name:
        agency = directory.get(mentions[0].name)
        name, kind = mentions[0].name, agency.kind if agency else ""
        end = mentions[0].end
        if len(mentions) > 1 and mentions[1].start == end and mentions[1].name:  # 臺中市政府 + 社會局
            name, kind, end = mentions[1].name, "unit", mentions[1].end
        if kind in ("ministry", "local") and (m := _HOST.match(text[end:])):  # 衛生福利部 + 臺中醫院
            name, kind = name + m.group(), "unit"
    elif m := _HOST.match(text):
        name, kind = m.group(), "unit"
    return Host(name, _level(name, kind), government)


def _level(name: str | None, kind: str) -> str | None:
    if name is None:
        return None
    if kind == "local" or name.endswith("政府"):
        return "local"
    if kind == "ministry" or name.endswith(("部", "委員會")):
        return "ministry"
    if name.endswith("署") or (name.endswith("局") and not re.search(r"[市縣]政府", name)):
        return "agency" if not re.search(r"[市縣]", name[:4]) else "bureau"
    if name.endswith(("局", "處")):
        return "bureau"
    return None
