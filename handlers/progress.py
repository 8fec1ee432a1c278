"""An agency's 辦理情形 for a meeting, composed from its replies of that round.

A reply and its corrections (更正, an edited message) form a chain: the newest version written
before the round's end takes the place of the first, keeps its date and position. Withdrawn
replies drop out. Progress replies compose the 辦理情形; a 建議解除 adds its reason beside them;
a text the secretariat set (秘書處修改) is printed instead of the composed replies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.reports.model import AgencyStatus, HistoryEntry, ReportReply
from storage.views import BodyView, ItemView, ReplyView


@dataclass(frozen=True)
class Round:
    """The replies a meeting's report reads: written in [since, until); None leaves that end open."""

    since: datetime | None
    until: datetime | None
    meeting: int | None  # the number of the meeting whose report it is (for 秘書處修改 texts)

    def holds(self, at: datetime) -> bool:
        return (self.since is None or at >= self.since) and (self.until is None or at < self.until)


def upcoming(body: BodyView | None) -> int | None:
    """The number of the body's coming meeting (the one after its last), None while none is numbered."""
    return (body.last_meeting_number or 0) + 1 if body and body.last_meeting_number else None


def standing(item: ItemView, until: datetime | None = None) -> list[tuple[ReplyView, ReplyView]]:
    """(first version, version standing at `until`) of each reply chain, oldest first, withdrawn left out."""
    by_id = {r.id: r for r in item.replies}
    chains: dict[int, list[ReplyView]] = {}
    for reply in sorted(item.replies, key=lambda r: (r.at, r.id)):
        root = reply
        while root.corrects is not None and root.corrects in by_id:
            root = by_id[root.corrects]
        chains.setdefault(root.id, []).append(reply)
    found = []
    for root_id, versions in chains.items():
        written = [v for v in versions if until is None or v.at < until]
        if written and not written[-1].withdrawn:
            found.append((by_id[root_id], written[-1]))
    return sorted(found, key=lambda pair: (pair[0].at, pair[0].id))


def statuses(item: ItemView, expected: Iterable[str], window: Round, tz: tzinfo,
             edited: dict[tuple[int, str], str] | None = None) -> tuple[AgencyStatus, ...]:
    """Each expected agency's 辦理情形 on `item` in `window`, then any other agency that replied."""
    composed: dict[str, list[ReportReply]] = {}
    reasons: dict[str, str] = {}
    for first, version in standing(item, window.until):
        if not window.holds(first.at):
            continue
        if version.kind == "ask_release":
            reasons[version.agency] = version.text
            continue
        composed.setdefault(version.agency, []).append(ReportReply(
            agency=version.agency, text=version.text, at=first.at.astimezone(tz).date(), late=first.late,
            on_behalf=version.on_behalf))
    texts = edited or {}
    agencies = dict.fromkeys([*expected, *composed, *reasons,
                              *(a for (i, a) in texts if i == item.id)])
    return tuple(AgencyStatus(agency=a, replies=tuple(composed.get(a, ())), edited=texts.get((item.id, a)),
                              release_reason=reasons.get(a)) for a in agencies)


def composed_text(status: AgencyStatus) -> str:
    """The agency's 辦理情形 as one text (what `辦理情形 N 機關` shows and starts an edit from)."""
    from bot.dates import roc_short

    if status.edited is not None:
        return status.edited
    return "\n".join(f"（{roc_short(r.at)}）{r.text}" for r in status.replies)


def history(item: ItemView, until: datetime | None) -> list[HistoryEntry]:
    """Every reply on the item written before `until`, as it was stored, oldest first."""
    return [HistoryEntry(case=item.label, agency=r.agency, at=r.at, kind=r.contract_kind, text=r.text,
                         author=r.author_name or r.author, withdrawn=r.withdrawn, superseded=r.superseded)
            for r in item.replies if until is None or r.at < until]
