"""網頁 (/web): a personal, single-use sign-in link to the secretariat's web desk."""

from __future__ import annotations

from bot.context import Context
from bot.messages import Incoming, Outgoing
from bot.router import EVERYONE, Router
from bot.web.links import sign_in_url

router = Router()
ONLY_SECRETARIAT = ("網頁版是秘書處的管考工作台，只有秘書處可以登入。"
                    "貴機關的列管案請在本群組輸入「我的案件」查看，回報請輸入「#案號 辦理情形…」。")


@router.command("網頁", "web", roles=EVERYONE, summary="取得網頁版的個人登入連結（限秘書處，10 分鐘內有效、限用一次）")
async def web_link(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    if not ctx.actor.is_secretariat:
        return [Outgoing(ONLY_SECRETARIAT)]
    token = ctx.store.create_web_login(user=msg.user_key, name=msg.user_name, chat=msg.chat.key,
                                       actor=msg.user_key)
    who = f"{msg.user_name}的" if msg.user_name else "您的"
    return [Outgoing(f"{who}網頁版登入連結（10 分鐘內有效、只能使用一次，請勿轉傳）：\n"
                     f"{sign_in_url(ctx.settings, token)}")]
