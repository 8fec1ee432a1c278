"""用量: this month's LINE message quota and what is used of it (pushes into groups are precious)."""

from __future__ import annotations

from bot.context import Context
from bot.messages import Incoming, Outgoing
from bot.router import SECRETARIAT, Router

router = Router()
HOW_COUNTED = ("推播到群組時，群組裡每位成員各算一則（一次推播最多 5 則訊息，仍只算一次）；"
               "回覆使用者的訊息不計入。每輪提醒對每個群組推播一次。")


@router.command("用量", "quota", roles=SECRETARIAT, summary="本月 LINE 訊息額度與已用則數")
async def quota(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    from handlers.evidence import usage_text

    found = await ctx.services.quota()
    if found is None:
        return [Outgoing("這裡查不到訊息額度：用量只有 LINE 才有。請在綁定為秘書處的 LINE 群組或私訊輸入「用量」。"
                         + usage_text(ctx))]
    limit, used = found
    month = ctx.today()
    head = f"LINE 本月（{month.year - 1911}年{month.month}月）訊息用量："
    if limit is None:
        return [Outgoing(f"{head}已用 {used:,} 則，沒有額度上限。\n{HOW_COUNTED}{usage_text(ctx)}")]
    left = max(0, limit - used)
    warn = "\n本月額度已用完，推播（提醒）送不出去；回覆仍可使用。" if left == 0 else ""
    return [Outgoing(f"{head}已用 {used:,} 則，額度 {limit:,} 則，尚餘 {left:,} 則。{warn}\n{HOW_COUNTED}"
                     f"{usage_text(ctx)}")]
