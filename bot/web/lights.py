"""The 燈號 of one agency on one item: the only place the rules live (docs/web.md says them in words).

A round runs from the start of the body's last meeting day to its next meeting. What counts:
- 灰 released: the item was released at a meeting (kept for history, hidden by default);
- 藍 asked to release: the agency sent 建議解除 this round, and it awaits the meeting;
- 綠 replied this round, on time; 紅 when that reply came after the deadline (逾期回報);
- no reply this round: 紅 once the deadline has passed, 黃 when it is SOON_OFFICE_DAYS office
  days away or less, 白 (waiting) before that or while no deadline is set.
The deadline is the body's reply deadline (office days before the next meeting) or the item's
own due date, whichever comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.calendar import OfficeCalendar
from bot.dates import roc_short
from handlers.progress import standing
from storage.models import RELEASED
from storage.views import ItemView, ReplyView

SOON_OFFICE_DAYS = 3
GREEN, YELLOW, RED, BLUE, GREY, WAITING = "green", "yellow", "red", "blue", "grey", "waiting"
ZH = {GREEN: "綠", YELLOW: "黃", RED: "紅", BLUE: "藍", GREY: "灰", WAITING: "白"}
MEANING = {
    GREEN: "本輪已回報",
    YELLOW: f"未回報，{SOON_OFFICE_DAYS} 個辦公日內截止",
    RED: "逾期未回報，或逾期才回報",
    BLUE: "機關建議解除列管，待會議決定",
    GREY: "已解除列管",
    WAITING: "未回報，尚未接近截止",
}
# worst first: a collective's row shows the worst light among its members
SEVERITY = (RED, YELLOW, WAITING, BLUE, GREEN, GREY)
RELEASE_KINDS = frozenset({"ask_release", "release_request"})


@dataclass(frozen=True)
class Round:
    """What every light of a body is judged against."""

    today: date
    since: datetime | None  # replies count from here (None: no meeting yet, every reply counts)
    deadline: date | None  # the coming meeting's reply deadline
    calendar: OfficeCalendar
    tz: tzinfo


@dataclass(frozen=True)
class Light:
    color: str
    replied: bool
    title: str  # the last reply's date and first line, or what is awaited

    @property
    def zh(self) -> str:
        return ZH[self.color]


def due_of(item: ItemView, rnd: Round) -> date | None:
    """The earlier of the round's reply deadline and the item's own due date."""
    dates = [d for d in (rnd.deadline, item.due_date) if d is not None]
    return min(dates, default=None)


Chains = list[tuple[ReplyView, ReplyView]]


def this_round(item: ItemView, agency: str, rnd: Round, chains: Chains | None = None) -> Chains:
    """(first version, standing version) of the agency's replies this round: a correction keeps the
    first one's moment, as the report does; withdrawn replies are gone."""
    return [(first, now) for first, now in (standing(item) if chains is None else chains)
            if now.agency == agency and (rnd.since is None or first.at >= rnd.since)]


def _title(reply: ReplyView, tz: tzinfo) -> str:
    first = (reply.text.strip().splitlines() or [""])[0]
    first = first if len(first) <= 24 else first[:23] + "…"
    return f"{roc_short(reply.at.astimezone(tz).date())}：{first}"


def judge(item: ItemView, agency: str, rnd: Round, chains: Chains | None = None) -> Light:
    """The light of `agency` on `item` (the agency is one that answers for it); `chains` is
    standing(item), when the caller judges several agencies on one item."""
    if item.status == RELEASED:
        return Light(GREY, False, "已解除列管")
    mine = this_round(item, agency, rnd, chains) if item.replies else []
    asks = [now for _, now in mine if now.kind in RELEASE_KINDS]
    progress = [(first, now) for first, now in mine if now.kind not in RELEASE_KINDS]
    due = due_of(item, rnd)
    if asks:
        return Light(BLUE, True, "建議解除：" + _title(asks[-1], rnd.tz))
    if progress:
        first = progress[0][0]
        late = first.late or (due is not None and first.at.astimezone(rnd.tz).date() > due)
        return Light(RED if late else GREEN, True, ("逾期回報 " if late else "") + _title(progress[-1][1], rnd.tz))
    if due is None:
        return Light(WAITING, False, "未回報（下次會議尚未排定）")
    if rnd.today > due:
        return Light(RED, False, f"逾期未回報（截止 {roc_short(due)}）")
    left = rnd.calendar.between(rnd.today, due)
    if left <= SOON_OFFICE_DAYS:
        return Light(YELLOW, False, f"未回報，{roc_short(due)} 截止（還有 {left} 個辦公日）")
    return Light(WAITING, False, f"未回報，{roc_short(due)} 截止")


def worst(lights: list[Light]) -> str:
    return min((light.color for light in lights), key=SEVERITY.index, default=WAITING)


def is_overdue(light: Light) -> bool:
    """Not replied and past the deadline (a late reply is red too, but it has come)."""
    return light.color == RED and not light.replied
