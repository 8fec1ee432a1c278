"""extract(): minutes text in, the import's proposal out (spec/minutes-import.md)."""

from __future__ import annotations

import re
from collections import Counter

from bot.minutes.cleaning import clean_lines
from bot.minutes.decisions import DecisionReader
from bot.minutes.header import body_of, read_header
from bot.minutes.markup import plain_lines
from bot.minutes.model import Extraction, Meeting
from bot.minutes.outline import build_outline
from bot.minutes.paragraphs import Para, paragraphs
from bot.minutes.roles import RoleFinder
from bot.minutes.textutil import fold
from bot.minutes.units import find_host, own_body, visited_unit
from bot.minutes.warnings import Warnings
from config.directory import Agency, AgencyDirectory

# 本部保護服務司 / 本府社會局: whose minutes these are, when the title does not say.
_SELF_UNIT = re.compile(r"(本部|本府)([\u4e00-\u9fff]{2,12})")
_GOVERNMENT_KINDS = {"本部": "ministry", "本府": "local"}


def extract(text: str, *, directory: AgencyDirectory, body: str | None = None) -> Extraction:
    lines = clean_lines(plain_lines(text))
    meeting, header_warnings = read_header(lines)
    if body:
        meeting.body = body.strip()
    warnings = Warnings()
    for message in header_warnings:
        warnings.add(message)
    government = find_government(meeting, text, directory)
    host = find_host(meeting.title or meeting.body or "", government, directory)
    paras = paragraphs(lines)
    reader = DecisionReader(RoleFinder(directory, government, host), meeting.date, warnings,
                            meeting.chair or likely_chair(paras), meeting.title,
                            own_body(meeting.title or "", meeting.body), visited_unit(text))
    reader.read(build_outline(paras, meeting.date))
    warnings.released_with_work(reader.reviews, reader.items)
    if not reader.items and not reader.reviews:
        warnings.no_decisions()
    return Extraction(meeting, reader.reviews, reader.items, warnings.messages, reader.candidates)


def likely_chair(paras: list[Para]) -> str | None:
    """A verbatim record without a 主席 line: the one who speaks most is taken for the chair (the
    facilitator opens, hands over and closes); the review shows their instructions with that reason."""
    ranked = [*Counter(p.label for p in paras if p.kind == "turn").most_common(2), ("", 0), ("", 0)]
    (first, most), (_, next_most) = ranked[0], ranked[1]
    return first if most >= 2 and most > next_most else None


def find_government(meeting: Meeting, text: str, directory: AgencyDirectory) -> str | None:
    """The body's own government: named in the body or title (桃園市…委員會), else the one whose
    units the minutes call 本部X / 本府X."""
    for source in (meeting.body, body_of(meeting.title or ""), meeting.title):
        for mention in directory.scan(source or ""):
            agency = directory.get(mention.name or "")
            if agency is not None and agency.kind != "collective":
                return agency.name
    votes: dict[str, int] = {}
    for m in _SELF_UNIT.finditer(fold(text)):
        found = directory.scan(m.group(2))
        if not found or found[0].start != 0 or found[0].name is None:
            continue
        top = _top(directory, found[0].name)
        if top is not None and top.kind == _GOVERNMENT_KINDS[m.group(1)]:
            votes[top.name] = votes.get(top.name, 0) + 1
    return max(votes, key=lambda name: votes[name]) if votes else None


def _top(directory: AgencyDirectory, name: str) -> Agency | None:
    agency = directory.get(name)
    while agency is not None and agency.parent:
        agency = directory.get(agency.parent)
    return agency
