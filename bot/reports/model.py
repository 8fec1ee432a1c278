"""What a 「前次會議決議辦理情形」 report is made of, independent of any file format.

The lead fills these from the database; the renderers only read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

RELEASE = "擬解除列管"
KEEP = "擬繼續列管"


@dataclass(frozen=True)
class ReportReply:
    """One 辦理情形 reply of an agency on one item; `late` when it came after the deadline (逾期回報)."""

    agency: str
    text: str
    at: date
    late: bool = False
    on_behalf: bool = False  # 代為登錄: entered by the secretariat on the agency's behalf


@dataclass(frozen=True)
class AgencyStatus:
    """One agency's 辦理情形 on one item in this report: composed from its replies, or set by the secretariat."""

    agency: str
    replies: tuple[ReportReply, ...] = ()  # its standing progress replies of this round, oldest first
    edited: str | None = None  # text the secretariat set: printed instead of the replies (秘書處修改)
    release_reason: str | None = None  # 建議解除列管 and its reason ("" when none given); None: not asked
    files: tuple[str, ...] = ()  # 佐證 file names attached to its replies
    file_links: tuple[str, ...] = ()  # a download link for each of `files` ("" where there is none)

    @property
    def answered(self) -> bool:
        """Reported, asked for release, or given a text by the secretariat: not 未回報."""
        return bool(self.replies) or self.edited is not None or self.release_reason is not None


@dataclass(frozen=True)
class HistoryEntry:
    """One reply as it was stored, for the sheet of every reply (xlsx) and audits."""

    case: str
    agency: str
    at: datetime
    kind: str  # progress | release_request | correction | on_behalf
    text: str
    author: str
    withdrawn: bool = False
    superseded: bool = False


@dataclass(frozen=True)
class ReportRow:
    case: str  # 案號 as users type it, e.g. "6"
    subject: str  # 案由 (may be "")
    decision: str  # the decision text
    origin: str  # the meeting it came from, e.g. "第4次會議"
    leads: tuple[str, ...]
    assists: tuple[str, ...]
    proposal: str = ""  # RELEASE | KEEP | ""
    due: str = ""  # display text, e.g. "下次會議" or "115/6/10"
    statuses: tuple[AgencyStatus, ...] = ()  # per agency, in the item's agency order
    proposal_reason: str = ""  # the secretariat's reason for its 擬辦, printed in 列管建議
    decided: str = ""  # 會議決定: what the meeting decided (解除列管, 繼續列管 …), else ""

    @property
    def replies(self) -> tuple[ReportReply, ...]:
        """Every agency's composed replies, in the order of `statuses`."""
        return tuple(reply for status in self.statuses for reply in status.replies)

    @property
    def missing(self) -> tuple[str, ...]:
        """The agencies of this row that have not answered (未回報)."""
        return tuple(s.agency for s in self.statuses if not s.answered)

    @property
    def answered(self) -> bool:
        """Some agency answered; a row with no answer at all counts in the summary's 未回報."""
        return any(s.answered for s in self.statuses)


@dataclass(frozen=True)
class ReportSummary:
    total: int
    release: int  # 擬解除列管
    keep: int  # 擬繼續列管
    undecided: int  # neither proposal yet
    unanswered: int  # rows with no reply at all, whatever the proposal


@dataclass(frozen=True)
class ReportData:
    body: str  # e.g. 強化社會安全網中央跨部會平台
    meeting_number: int | None  # the meeting the report is for
    meeting_date: date | None
    cutoff: date  # 資料截至
    rows: tuple[ReportRow, ...]
    meeting_time: str | None = None  # e.g. 上午9時30分, when the meeting's time is known
    history: tuple[HistoryEntry, ...] = ()  # every reply on the rows' items, oldest first

    def summary(self) -> ReportSummary:
        release = sum(1 for r in self.rows if r.proposal == RELEASE)
        keep = sum(1 for r in self.rows if r.proposal == KEEP)
        return ReportSummary(
            total=len(self.rows),
            release=release,
            keep=keep,
            undecided=len(self.rows) - release - keep,
            unanswered=sum(1 for r in self.rows if not r.answered),
        )

    def title(self) -> str:
        """強化社會安全網中央跨部會平台第6次會議; without a number, the body followed by 會議."""
        if self.meeting_number is None:
            return f"{self.body}會議"
        return f"{self.body}第{self.meeting_number}次會議"

    def summary_line(self) -> str:
        """共 17 案：擬解除列管 5 案、擬繼續列管 8 案、尚未決定 4 案；未回報 4 案。"""
        s = self.summary()
        if s.total == 0:
            return "共 0 案。"
        return (
            f"共 {s.total} 案：{RELEASE} {s.release} 案、{KEEP} {s.keep} 案、"
            f"尚未決定 {s.undecided} 案；未回報 {s.unanswered} 案。"
        )
