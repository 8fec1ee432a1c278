"""Agencies' replies: '#N 辦理情形…', '/r N …', a reply quoting the bot's reminder, 建議解除, edits."""

from __future__ import annotations

import re

from bot.context import Context
from bot.dates import roc_short
from bot.messages import Button, ChatRef, Incoming, Outgoing
from bot.router import MEMBERS, Router, UserError
from bot.scope import answering_as
from handlers.common import CASE, CASE_END, find_item, split_case
from storage.views import ItemView

router = Router()
MAX_REPLY = 2000  # characters: about half a page of the report's 辦理情形 column
# '#6 …', '#６、…', '#6,…', '#6已…', '第6案 …' (never a bare 第6…: 第3點我明天補 is talk, not a reply)
HASH_REPLY = re.compile(rf"^(?:[#＃]\s*|(?=第\s*\d+(?:-\d+)*\s*案)){CASE}{CASE_END}(?P<text>.+)$", re.S)
HASH_ONLY = re.compile(rf"^[#＃]\s*{CASE}\s*$")
# '/r 6 …', '回報 6 …', '建議解除 6 …' (with Telegram's @botname): what an edit keeps is the text after the case
COMMAND_REPLY = re.compile(rf"^[/／]?(?:r|回報|建議解除|ask_release)(?:@\w+)?\s+[#＃]?\s*{CASE}{CASE_END}(?P<text>.+)$",
                           re.S | re.I)


def reply_text(text: str) -> str:
    """The 辦理情形 a message carries, without the '#N' or the command and case before it."""
    text = text.strip()
    m = HASH_REPLY.match(text) or COMMAND_REPLY.match(text)
    return m.group("text").strip() if m else text


def _agency_for(ctx: Context, item: ItemView) -> str:
    """The agency this reply is for; the secretariat may also record a reply for the lead agency."""
    if ctx.actor.agency is not None:
        agency = answering_as(ctx.directory, item, ctx.actor.agency)
        if agency is not None:
            return agency
    if ctx.actor.is_secretariat and item.leads:
        return item.leads[0]
    raise UserError(f"#{item.label} 不是{ctx.actor.agency}的列管案，無法回報。")


def is_late(ctx: Context, item: ItemView) -> bool:
    """After the body's reply deadline a reply still counts; the report marks it 逾期回報."""
    from handlers.deadlines import reply_deadline

    body = ctx.store.body(body_id=item.body_id)
    deadline = reply_deadline(ctx, body) if body else None
    return deadline is not None and ctx.today() > deadline


def too_long(text: str) -> str:
    return (f"這則回報有 {len(text):,} 字，超過一則 {MAX_REPLY:,} 字的上限，沒有記錄。"
            "請精簡重點後再傳（詳細內容請以公文或附件提供），或分成幾則回報。")


def check_length(text: str) -> None:
    """A reply fills a report's cell: past MAX_REPLY characters it is refused, and nothing is stored."""
    if len(text) > MAX_REPLY:
        raise UserError(too_long(text))


def record(msg: Incoming, ctx: Context, item: ItemView, text: str) -> list[Outgoing]:
    text = text.strip()
    if not text:
        raise UserError(f"請在案號後寫辦理情形，例如「#{item.label} 已於5/12召開研商會議」。")
    check_length(text)
    agency = _agency_for(ctx, item)
    on_behalf = ctx.actor.is_secretariat  # 代為登錄: the report and the history say so
    ctx.store.add_reply(item_id=item.id, agency=agency, text=text, author=msg.user_key, chat=msg.chat.key,
                        author_name=msg.user_name, message_id=msg.message_id, late=is_late(ctx, item),
                        at=msg.at, on_behalf=on_behalf)
    if on_behalf:
        by = f"，{msg.user_name}" if msg.user_name else ""
        return [Outgoing(f"已代為登錄 #{item.label} {agency} 的辦理情形（{roc_short(ctx.today())}{by}），"
                         "報告會註明「秘書處代為登錄」。", item_ids=[item.id])]
    who = f"，{agency} {msg.user_name}" if msg.user_name else f"，{agency}"
    # quoting this acknowledgement with 更正：… corrects the reply (handlers/corrections.py)
    return [Outgoing(f"已記錄 #{item.label} 辦理情形（{roc_short(ctx.today())}{who}）。", item_ids=[item.id])]


@router.fallback
async def hash_reply(msg: Incoming, ctx: Context) -> list[Outgoing] | None:
    m = HASH_REPLY.match(msg.text.strip())
    if m is None:
        if (only := HASH_ONLY.match(msg.text.strip())) and ctx.actor.role != "none":
            ref = only.group("case")
            pending = ctx.store.take_pending_reply(chat=msg.chat.key, user=msg.user_key)
            if pending:
                return record(msg, ctx, find_item(ctx, ref, for_reply=True), pending)
            raise UserError(f"請在案號後寫辦理情形，例如「#{ref} 已於5/12召開研商會議」。")
        return None
    if ctx.actor.role == "none":
        raise UserError("本群組尚未綁定機關。請向會議秘書處索取綁定碼後輸入「綁定 綁定碼」。")
    return record(msg, ctx, find_item(ctx, m.group("case"), for_reply=True), m.group("text"))


@router.fallback
async def quoted_reply(msg: Incoming, ctx: Context) -> list[Outgoing] | None:
    """A reply quoting one of the bot's messages lands on the items that message listed."""
    if msg.reply_to is None or ctx.actor.role == "none":
        return None
    item_ids = ctx.store.items_of_message(chat=msg.chat.key, message_id=msg.reply_to)
    if not item_ids:
        return None
    from handlers.corrections import correct_quoted

    corrected = correct_quoted(msg, ctx, item_ids)
    if corrected is not None:
        return corrected
    items = [i for i in ctx.store.items(ids=item_ids) if ctx.actor.is_secretariat
             or (ctx.actor.agency and answering_as(ctx.directory, i, ctx.actor.agency))]
    if len(items) == 1:
        return record(msg, ctx, items[0], msg.text)
    if not items:
        return None
    ctx.store.set_pending_reply(chat=msg.chat.key, user=msg.user_key, text=msg.text.strip())
    buttons = [Button(f"#{i.label}", f"#{i.label}") for i in items[:13]]
    return [Outgoing("這則提醒列了好幾案，這段辦理情形是哪一案的？請點選案號，或輸入「#案號 辦理情形」。",
                     quick_replies=buttons)]


@router.command("回報", "r", roles=MEMBERS, summary="回報辦理情形：#12 辦理情形…（Telegram 群組：/r 12 辦理情形…）")
async def report_progress(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    ref, text = split_case(args)
    item = find_item(ctx, ref, for_reply=True)
    if not text:
        pending = ctx.store.take_pending_reply(chat=msg.chat.key, user=msg.user_key)
        if pending:
            return record(msg, ctx, item, pending)
        # the prompt lists the item, so replying to it (the way Telegram groups must) lands there
        return [Outgoing(f"請直接回覆這則訊息，寫下 #{item.label} 的辦理情形（或輸入「#{item.label} 辦理情形…」）。",
                         item_ids=[item.id])]
    return record(msg, ctx, item, text)


@router.command("建議解除", "ask_release", roles=MEMBERS, summary="請秘書處解除列管：建議解除 8 理由")
async def ask_release(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    ref, reason = split_case(args)
    item = find_item(ctx, ref, for_reply=True)
    if not reason:
        return [Outgoing(f"請寫明建議解除的理由，例如「建議解除 {item.label} 轉介流程已函頒各縣市」。")]
    check_length(reason)
    agency = _agency_for(ctx, item)
    ctx.store.add_reply(item_id=item.id, agency=agency, text=reason, author=msg.user_key,
                        chat=msg.chat.key, author_name=msg.user_name, message_id=msg.message_id,
                        kind="ask_release", at=msg.at, on_behalf=ctx.actor.is_secretariat)
    answers = [Outgoing(f"已送秘書處：#{item.label} 建議解除列管。")]
    if ctx.store.flag(key="notify.ask_release", default=True):
        notice = f"{agency}建議解除 #{item.label}（{item.subject or item.text[:30]}）：{reason}"
        answers += [Outgoing(notice, chat=ChatRef(*chat.split(":", 1)), kind="notice", item_ids=[item.id])
                    for chat, bound in ctx.store.bindings() if bound == "秘書處" and chat != msg.chat.key]
    return answers


async def edited(msg: Incoming, ctx: Context) -> list[Outgoing]:
    """An edited message edits the reply it carried; the earlier version stays in history."""
    from handlers.corrections import correction_text

    if msg.message_id is None:
        return []
    text = correction_text(msg.text) or reply_text(msg.text)
    if len(text) > MAX_REPLY:  # edits do not pass through the router: answer, do not raise
        return [Outgoing(too_long(text))]
    items = ctx.store.edit_replies(chat=msg.chat.key, message_id=msg.message_id, text=text,
                                   author=msg.user_key)
    return [Outgoing(f"已更新 #{i.label} 的辦理情形。") for i in ctx.store.items(ids=items, status="all")]


async def withdrawn(chat: str, message_id: str, user: str, ctx: Context) -> list[int]:
    return ctx.store.withdraw_replies(chat=chat, message_id=message_id, author=user)
