"""說明: what this person can do here, in the words they type."""

from __future__ import annotations

from bot.context import Context
from bot.messages import Incoming, Outgoing
from bot.router import EVERYONE, Router

router = Router()
AGENCY_HELP = (
    "回報方式：\n"
    "・直接回覆（引用）機器人的提醒訊息，寫下辦理情形\n"
    "・或輸入「#案號 辦理情形…」，例如「#6 已於5/12召開研商會議」\n"
    "・建議解除列管：「建議解除 8 理由」\n"
    "・「我的案件」看本機關列管中的案件；「案 6」看一案的內容與回報紀錄"
)


def build_help(role: str, lines: list[str]) -> str:
    if role == "none":
        return ("您好，我是列管小幫手，協助會議秘書處追蹤決議事項的辦理情形。\n"
                "本群組尚未綁定機關：請向會議秘書處索取綁定碼後輸入「綁定 綁定碼」。")
    if role == "agency":
        return AGENCY_HELP
    return "秘書處可用的指令（前面的「/」可省略）：\n" + "\n".join(lines)


def make_help(full: Router) -> Router:
    router = Router()

    @router.command("說明", "help", roles=EVERYONE, summary="")
    async def show_help(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
        return [Outgoing(build_help(ctx.actor.role, list(full.help_lines(ctx.actor.role))))]

    return router
