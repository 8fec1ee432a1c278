"""The daily digest: the replies received since the last one, in one message to the secretariat.

Sent on office days at DEFAULT_TIME (「通知 摘要 18:00」 moves it), quoting at most MAX_LINES
replies. 「通知 摘要 關」 turns it off; the replies received meanwhile are not dumped later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.context import Context
from bot.dates import roc_short
from bot.format import one_line
from bot.messages import ChatRef, Outgoing
from storage.models import SECRETARIAT

FLAG = "notify.digest"
TIME_SETTING = "digest_time"
DEFAULT_TIME = "17:30"
MAX_LINES = 30


@dataclass
class Digest:
    until: datetime
    messages: list[Outgoing] = field(default_factory=list)
    replies: int = 0


def plan_digest(ctx: Context, *, since: datetime | None) -> Digest:
    now = ctx.clock()
    digest = Digest(until=now)
    if not ctx.store.flag(key=FLAG, default=True):
        return digest
    news = ctx.store.replies_between(since=since, until=now)
    digest.replies = len(news)
    if not news:
        return digest
    items = {i.id: i for i in ctx.store.items(ids={n.item_id for n in news}, status="all")}
    lines = [f"【今日回報】{roc_short(ctx.today())} 共 {len(news)} 則："]
    for n in news[:MAX_LINES]:
        item = items.get(n.item_id)
        label = f"#{item.label}" if item else "（已刪除的案件）"
        what = "建議解除：" if n.kind == "ask_release" else ""
        late = "（逾期回報）" if n.late else ""
        lines.append(f"・{label} {n.agency}：{what}{one_line(n.text, 40)}{late}")
    if len(news) > MAX_LINES:
        lines.append(f"…另有 {len(news) - MAX_LINES} 則，請用「案 案號」查看。")
    text = "\n".join(lines)
    ids = sorted({n.item_id for n in news if n.item_id in items})
    day = ctx.today().isoformat()
    for chat, agency in ctx.store.bindings():
        if agency == SECRETARIAT:
            ref = ChatRef(*chat.split(":", 1))
            digest.messages.append(Outgoing(text, chat=ref, kind="notice", item_ids=ids,
                                            key=f"digest:{chat}:{day}"))
    return digest
