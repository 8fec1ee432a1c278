"""Binding chats to agencies with single-use codes, and revoking them."""

from __future__ import annotations

from bot.context import Context
from bot.dates import halfwidth
from bot.messages import Incoming, Outgoing
from bot.router import EVERYONE, SECRETARIAT, Router, UserError
from handlers.common import resolve_agency, visible_items
from storage.base import StoreError
from storage.models import SECRETARIAT as SECRETARIAT_NAME
from storage.people import CONFIRM_WITHIN, RebindNeeded

router = Router()
CONFIRM_WORDS = ("確認", "确认", "confirm", "yes")


def bind_target(ctx: Context, name: str) -> str:
    if name.strip() in (SECRETARIAT_NAME, "secretariat"):
        return SECRETARIAT_NAME
    return resolve_agency(ctx, name)


@router.command("綁定碼", "bindcode", roles=SECRETARIAT, summary="產生綁定碼（24 小時內有效、限用一次）：綁定碼 教育部")
async def bind_code(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    if not args.strip():
        raise UserError("請寫出要綁定的機關，例如「綁定碼 教育部」（或「綁定碼 秘書處」）。")
    agency = bind_target(ctx, args)
    code = ctx.store.create_bind_code(agency=agency, actor=msg.user_key, chat=msg.chat.key)
    return [Outgoing(f"{agency}的綁定碼：{code}（24 小時內有效）。請{agency}聯絡人在其 LINE 群組輸入"
                     f"「綁定 {code}」（Telegram 群組輸入「/bind {code}」）；請直接轉交，不要在本群組輸入。")]


@router.command("綁定", "bind", roles=EVERYONE, summary="綁定本群組：綁定 綁定碼；秘書處可用「綁定 列表」")
async def bind(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    word = args.strip()
    if word in ("列表", "list"):
        return await list_bindings(msg, ctx)
    if not word:
        raise UserError("請輸入「綁定 綁定碼」，綁定碼請向會議秘書處索取。")
    code, confirm = _confirmed(word)
    locked = ctx.store.locked_out(chat=msg.chat.key)
    if locked == "chat":
        return [Outgoing("本群組輸入錯誤的綁定碼次數過多，請 1 小時後再試，或向秘書處索取新的綁定碼。")]
    if locked == "everyone":
        return [Outgoing("最近各群組輸入錯誤的綁定碼次數過多，為了安全暫停綁定，請 10 分鐘後再試；"
                         "如有急需，請聯絡秘書處。")]
    before = ctx.store.binding(chat=msg.chat.key)
    try:
        agency = ctx.store.redeem_code(code=code, chat=msg.chat.key, actor=msg.user_key, confirm=confirm)
    except RebindNeeded as offer:
        return [Outgoing(rebind_warning(ctx, msg.chat.key, offer))]
    except StoreError as refusal:
        return [Outgoing(f"{refusal}。請確認後再輸入，或向秘書處索取新的綁定碼（24 小時內有效）。")]
    was = f"本群組已不再是「{before}」的群組。" if before not in (None, agency) else ""
    if agency == SECRETARIAT_NAME:
        return [Outgoing(f"已綁定：本群組為「秘書處」群組，群組成員都可以使用秘書處的指令。{was}輸入「說明」看指令。")]
    from bot.context import Actor

    count = len(visible_items(ctx.with_actor(Actor("agency", agency))))
    body = next(iter(ctx.store.bodies()), None)
    schedule = f"，每週{'一二三四五六日'[body.reminder_weekday]} {body.reminder_time} 提醒" if body else ""
    return [Outgoing(f"已綁定：本群組為「{agency}」聯絡群組。目前列管 {count} 案{schedule}。{was}\n"
                     "回報方式：直接回覆提醒訊息，或輸入「#案號 辦理情形…」。")]


def _confirmed(word: str) -> tuple[str, bool]:
    """'K7Q-42M 確認' → ('K7Q-42M', True): the confirmation a rebind needs."""
    *code, last = word.split()
    if code and halfwidth(last).lower() in CONFIRM_WORDS:
        return " ".join(code), True
    return word, False


def rebind_warning(ctx: Context, chat: str, offer: RebindNeeded) -> str:
    """What rebinding would do, and how to confirm it; nothing has changed yet."""
    minutes = int(CONFIRM_WITHIN.total_seconds() // 60)
    if offer.current == SECRETARIAT_NAME:
        others = [c for c, a in ctx.store.bindings() if a == SECRETARIAT_NAME and c != chat]
        alone = "" if others else "秘書處將沒有任何群組可以使用秘書處的指令（可用 lieguan bind-code 秘書處 重新綁定）。"
        what = (f"本群組目前是「秘書處」群組。用這個綁定碼，本群組將不再是秘書處的群組，而改為「{offer.agency}」"
                f"聯絡群組，群組成員將不能再使用秘書處的指令；{alone}"
                f"如果這個綁定碼是要交給{offer.agency}聯絡人的，請不要在這裡輸入，直接轉交即可。")
    else:
        what = (f"本群組目前是「{offer.current}」聯絡群組。用這個綁定碼，本群組將改為「{offer.agency}」聯絡群組，"
                f"不再收到{offer.current}的提醒，也不能再回報{offer.current}的列管案。")
    again = "確認的時間已過，" if offer.expired else ""
    return (f"尚未改變任何綁定。{what}\n{again}確定要改，請在 {minutes} 分鐘內輸入「綁定 {offer.code} 確認」；"
            "綁定碼在確認前不會用掉。")


async def list_bindings(msg: Incoming, ctx: Context) -> list[Outgoing]:
    if not ctx.actor.is_secretariat:
        raise UserError("只有秘書處可以查看所有綁定的群組。")
    rows = ctx.store.bindings()
    if not rows:
        return [Outgoing("目前沒有綁定的群組。用「綁定碼 機關」產生綁定碼。")]
    lines = [f"已綁定 {len(rows)} 個群組："] + [f"・{agency}：{chat}" for chat, agency in rows]
    lines.append("要解除，請輸入「解除綁定 群組代號」（上面冒號後的代號）。")
    return [Outgoing("\n".join(lines))]


@router.command("解除綁定", "unbind", roles=SECRETARIAT, summary="解除一個群組的綁定：解除綁定 群組代號（或在該群組輸入）")
async def unbind(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    chat = args.strip() or msg.chat.key
    agency = ctx.store.unbind(chat=chat, actor=msg.user_key, by_chat=msg.chat.key)
    if agency is None:
        raise UserError(f"「{chat}」沒有綁定。輸入「綁定 列表」可以看到所有綁定的群組。")
    return [Outgoing(f"已解除綁定：{chat}（{agency}）。")]
