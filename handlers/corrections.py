"""Putting a reply right: 更正 (it replaces the reply it corrects), 撤回 (it no longer counts, kept in
history), and the secretariat's own 辦理情形 for the report (秘書處修改) and its 還原.

Only the replies of the current round (since the body's last meeting) can be corrected or
withdrawn: what a past meeting read stays as it read it.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.context import Context
from bot.dates import halfwidth, original_from, roc_short
from bot.format import one_line
from bot.messages import Incoming, Outgoing
from bot.router import MEMBERS, SECRETARIAT, Router, UserError
from bot.scope import answering_as, who_answers
from handlers.common import CASE_TOKEN, find_item, split_case
from handlers.deadlines import since_meeting
from handlers.progress import Round, composed_text, statuses, upcoming
from handlers.replies import check_length
from storage.views import ItemView, ReplyView

router = Router()
# '更正：…' / '更正 …' quoting the bot's acknowledgement; '更正 #6 …' / '/correct 6 …' naming the case
QUOTED = re.compile(r"^\s*[/／]?(?:更正|correct)(?:@\w+)?\s*[:：]?\s*(?P<text>.+)$", re.S | re.I)
NAMED = re.compile(r"^\s*/?(?:更正|correct)(?:@\w+)?\s*#?\s*[^\s\d#]{0,10}?-?\d+(?:-\d+)*\s+(?P<text>.+)$",
                   re.S | re.I)
RESTORE = ("還原", "restore")
FILE_WORDS = ("附件", "檔案", "佐證", "照片")


def correction_text(text: str) -> str | None:
    """The new text an edited '更正 #6 …' or '更正：…' carries; None when the message is no correction."""
    m = NAMED.match(halfwidth(text))
    if m is not None:
        return original_from(text, m.start("text")).strip()
    m = QUOTED.match(text)
    return m.group("text").strip() if m else None


def _round_start(ctx: Context, item: ItemView) -> datetime | None:
    body = ctx.store.body(body_id=item.body_id)
    return since_meeting(ctx, body) if body else None


def own_latest(ctx: Context, item: ItemView) -> ReplyView:
    """This chat's latest standing reply on `item` in this round: the agency's own, or for the
    secretariat the latest it entered on an agency's behalf."""
    since = _round_start(ctx, item)
    if ctx.actor.is_secretariat:
        mine = [r for r in item.current_replies if r.on_behalf]
        who = "秘書處代為登錄"
    else:
        agency = answering_as(ctx.directory, item, ctx.actor.agency or "") or ctx.actor.agency
        mine = [r for r in item.current_replies if r.agency == agency]
        who = agency or ""
    mine = [r for r in mine if since is None or r.at >= since]
    if not mine:
        raise UserError(f"#{item.label} 本次會議前沒有{who}的回報可以更正或撤回。"
                        f"要回報請輸入「#{item.label} 辦理情形…」；查看紀錄請輸入「案 {item.label}」。")
    return max(mine, key=lambda r: (r.at, r.id))


def correct(msg: Incoming, ctx: Context, item: ItemView, text: str) -> list[Outgoing]:
    text = text.strip()
    if not text:
        raise UserError(f"請在案號後寫更正後的內容，例如「更正 #{item.label} 轉介流程已於5/20函頒」。")
    check_length(text)
    old = own_latest(ctx, item)
    ctx.store.correct_reply(reply_id=old.id, text=text, author=msg.user_key, chat=msg.chat.key,
                            author_name=msg.user_name, message_id=msg.message_id)
    return [Outgoing(f"已更正 #{item.label} {old.agency} {roc_short(old.at.astimezone(ctx.tz).date())} 的"
                     f"{'建議解除理由' if old.kind == 'ask_release' else '辦理情形'}，原內容保留在紀錄中。",
                     item_ids=[item.id])]


def correct_quoted(msg: Incoming, ctx: Context, item_ids: list[int]) -> list[Outgoing] | None:
    """'更正：…' quoting the bot's acknowledgement (or any message of the bot about one item)."""
    m = QUOTED.match(msg.text)
    if m is None:
        return None
    items = [i for i in ctx.store.items(ids=item_ids, status="all") if ctx.actor.is_secretariat
             or (ctx.actor.agency and answering_as(ctx.directory, i, ctx.actor.agency))]
    if len(items) != 1:
        raise UserError("這則訊息有好幾案，要更正哪一案？請輸入「更正 #案號 更正後的內容」。")
    return correct(msg, ctx, items[0], m.group("text"))


@router.command("更正", "correct", roles=MEMBERS,
                summary="更正本機關最近一則回報：更正 #6 正確的內容（或回覆「已記錄」訊息寫「更正：…」）")
async def correct_command(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    if msg.reply_to is not None and not CASE_TOKEN.match(halfwidth(args.strip())):
        item_ids = ctx.store.items_of_message(chat=msg.chat.key, message_id=msg.reply_to) or []
        if item_ids:
            answer = correct_quoted(msg, ctx, item_ids)
            if answer is not None:
                return answer
    ref, text = split_case(args)
    return correct(msg, ctx, find_item(ctx, ref), text)


@router.command("撤回", "withdraw", roles=MEMBERS, summary="撤回本機關最近一則回報（紀錄保留）：撤回 #6")
async def withdraw(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    if any(word in FILE_WORDS for word in args.split()):  # 撤回 #6 附件: a 佐證 file, not the reply
        from handlers.evidence import withdraw_file

        return withdraw_file(msg, split_case(" ".join(w for w in args.split() if w not in FILE_WORDS))[0], ctx)
    ref, _ = split_case(args)
    item = find_item(ctx, ref)
    old = own_latest(ctx, item)
    ctx.store.withdraw_reply(reply_id=old.id, author=msg.user_key, chat=msg.chat.key)
    return [Outgoing(f"已撤回 #{item.label} {old.agency} {roc_short(old.at.astimezone(ctx.tz).date())} 的回報"
                     f"（{one_line(old.text, 20)}），不再列入報告；紀錄仍保留。")]


def _status_of(ctx: Context, item: ItemView, agency: str, meeting: int | None) -> str:
    body = ctx.store.body(body_id=item.body_id)
    window = Round(since=since_meeting(ctx, body) if body else None, until=None, meeting=meeting)
    edited = ctx.store.progress_texts(item_ids=[item.id], meeting=meeting)
    found = [s for s in statuses(item, [agency], window, ctx.tz, edited) if s.agency == agency]
    return composed_text(found[0]) if found else ""


@router.command("辦理情形", "progress", roles=SECRETARIAT,
                summary="改報告印出的機關辦理情形：辦理情形 6 衛生福利部 新的內容（「還原」回到機關回報）")
async def progress(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    ref, rest = split_case(args)
    item = find_item(ctx, ref)
    name, text = [*re.split(r"\s+", rest.strip(), maxsplit=1), ""][:2]
    if not name:
        raise UserError(f"請寫出機關與內容，例如「辦理情形 {item.label} 衛生福利部 已完成轉介流程」。")
    bound = {a for _, a in ctx.store.bindings()}
    answering = [*who_answers(ctx.directory, item, bound), *(n for n, _ in item.agencies)]
    agency = ctx.directory.resolve(name.strip())
    if agency not in answering:
        raise UserError(f"#{item.label} 的機關是：{'、'.join(dict.fromkeys(answering))}。"
                        f"請寫其中之一，例如「辦理情形 {item.label} {answering[0] if answering else '教育部'} …」。")
    meeting = upcoming(ctx.store.body(body_id=item.body_id))
    text = text.strip()
    if not text:
        now = _status_of(ctx, item, agency, meeting) or "（尚未回報）"
        return [Outgoing(f"#{item.label} {agency} 的辦理情形（報告印出的內容）：\n{now}\n"
                         f"修改請輸入「辦理情形 {item.label} {agency} 新的內容」。")]
    if text in RESTORE:
        if (item.id, agency) not in ctx.store.progress_texts(item_ids=[item.id], meeting=meeting):
            raise UserError(f"#{item.label} {agency} 的辦理情形沒有秘書處修改過，不需要還原。")
        ctx.store.set_progress_text(item_id=item.id, agency=agency, meeting=meeting, text=None,
                                    author=msg.user_key, chat=msg.chat.key, author_name=msg.user_name)
        return [Outgoing(f"已還原 #{item.label} {agency} 的辦理情形：報告改用{agency}自己的回報。")]
    check_length(text)
    ctx.store.set_progress_text(item_id=item.id, agency=agency, meeting=meeting, text=text,
                                author=msg.user_key, chat=msg.chat.key, author_name=msg.user_name)
    return [Outgoing(f"已修改 #{item.label} {agency} 的辦理情形，報告會註明「秘書處修改」。"
                     f"要回到{agency}的回報，請輸入「辦理情形 {item.label} {agency} 還原」。")]
