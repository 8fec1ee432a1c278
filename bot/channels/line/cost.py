"""What a reminder round costs on LINE, before it is sent: pushes are charged once per group member.

Imports no SDK, so the reminder code may call it with `ctx.services`:

    cost = await round_cost(ctx.services, round_messages)
    if cost.exceeds: answers.append(Outgoing(cost.warning(), ...))
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.channels.line.render import message_count, pushes_needed
from bot.context import ChannelServices
from bot.messages import Outgoing


@dataclass(frozen=True)
class RoundCost:
    needed: int  # messages the round takes from the monthly quota
    limit: int | None  # the monthly limit; None: LINE sets none (or no LINE chat)
    used: int  # used so far this month
    chats: int  # LINE chats the round pushes to
    unknown: list[str] = field(default_factory=list)  # chats whose member count LINE did not give

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)

    @property
    def exceeds(self) -> bool:
        return self.remaining is not None and self.needed > self.remaining

    def warning(self) -> str:
        """The secretariat's warning before a round that would not fit (zh-TW)."""
        unknown = f"；另有 {len(self.unknown)} 個群組查不到人數，未計入" if self.unknown else ""
        return (f"注意：這一輪 LINE 提醒需要 {self.needed} 則訊息（{self.chats} 個聊天室，推播到群組時"
                f"每位成員各算一則{unknown}），本月額度只剩 {self.remaining} 則"
                f"（已用 {self.used}／{self.limit}）。超過額度的提醒會送不出去；"
                "可先升級 LINE 官方帳號方案，或請各機關改用「#案號 辦理情形」回報。")


async def round_cost(services: ChannelServices, messages: Sequence[Outgoing]) -> RoundCost:
    """The cost of pushing `messages` (each with its `chat`) to LINE chats, and this month's quota.

    Each Outgoing is one push (or more, when its items need more than 5 LINE messages), charged
    once per member of the chat it goes to; chats on other platforms cost nothing here.
    """
    pushes: dict[str, int] = defaultdict(int)
    for out in messages:
        if out.chat is not None and out.chat.platform == "line":
            pushes[out.chat.chat_id] += pushes_needed(message_count(out))
    counts = await asyncio.gather(*(services.member_count(chat) for chat in pushes))
    quota = await services.quota() if pushes else None
    limit, used = quota if quota is not None else (None, 0)
    needed = sum(n * (count or 0) for n, count in zip(pushes.values(), counts, strict=True))
    unknown = [chat for chat, count in zip(pushes, counts, strict=True) if count is None]
    return RoundCost(needed=needed, limit=limit, used=used, chats=len(pushes), unknown=unknown)
