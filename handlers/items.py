"""Tracked items: the secretariat creates, edits, assigns and decides; everyone lists and looks."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from bot.context import Context
from bot.dates import DateError, looks_like_date, parse_date, roc_short
from bot.format import agencies_text, cases, due_text, item_line, status_text
from bot.messages import Incoming, Outgoing
from bot.router import EVERYONE, MEMBERS, SECRETARIAT, Router, UserError
from bot.scope import agency_scope
from handlers.common import find_item, pick_body, resolve_agency, split_case, visible_items
from handlers.deadlines import calendar, office_day_warning
from handlers.progress import upcoming
from storage.models import ASSIST, CONTINUED, LEAD, RELEASED, STATUS_ZH, TRACKING
from storage.views import ItemView

router = Router()
FIELD = re.compile(r"(?:^|(?<=[\s｜|；;]))(案由|內容|決議|主辦|協辦|期限)\s*[:：]\s*")
STATUS_WORDS = {"列管中": "tracking", "繼續列管": CONTINUED, "解除列管": RELEASED, "另案處理": "other",
                "全部": "all", "已解除": RELEASED}


def parse_fields(args: str) -> dict[str, str]:
    """'text 主辦：教育部 協辦：勞動部 期限：115/6/10' or the same on separate lines."""
    fields: dict[str, str] = {}
    marks = list(FIELD.finditer(args))
    head = args[: marks[0].start()] if marks else args
    if head.strip():
        fields["內容"] = head.strip(" ｜|；;\n")
    for mark, nxt in zip(marks, [*marks[1:], None], strict=False):
        value = args[mark.end(): nxt.start() if nxt else len(args)]
        fields[mark.group(1)] = value.strip(" ｜|；;\n")
    return fields


def resolve_agencies(ctx: Context, names: str, government: str | None) -> list[str]:
    resolved = []
    for raw in re.split(r"[、，,／/\s]+", names.strip()):
        if not raw:
            continue
        resolved.append(resolve_agency(ctx, raw, government=government))
    return resolved


def parse_due(ctx: Context, text: str) -> tuple[bool, object]:
    """(due at the next meeting, due date or None) from 下次會議 / a date / 無."""
    text = text.strip()
    if text in ("下次會議", "下次會議時", "next", "next_meeting"):
        return True, None
    if text in ("無", "不限", "none", ""):
        return False, None
    return False, parse_date(text, today=ctx.today())


def due_warning(ctx: Context, item: ItemView) -> str:
    """A due date on a weekend, holiday or 停班 day is kept as typed; the answer names the next office day."""
    if item.due_date is None:
        return ""
    warning = office_day_warning(ctx, item.due_date)
    if not warning:
        return ""
    moved = calendar(ctx).on_or_after(item.due_date)
    return f"\n{warning.strip('（）')}如要改，請輸入「期限 {item.label} {roc_short(moved)}」。"


def item_card(ctx: Context, item: ItemView) -> str:
    lines = [f"#{item.label}【{status_text(item)}】{item.body}"
             + (f" 第{item.meeting_number}次會議" if item.meeting_number else "")]
    if item.subject:
        lines.append(f"案由：{item.subject}")
    lines += [f"內容：{item.text}", agencies_text(item), f"期限：{due_text(item) or '未定'}"]
    if item.proposal:
        reason = f"（{item.proposal_reason}）" if item.proposal_reason else ""
        lines.append(f"秘書處建議：{'擬解除列管' if item.proposal == 'release' else '擬繼續列管'}{reason}")
    if item.warning and ctx.actor.is_secretariat:
        lines.append(f"⚠ 待確認：{item.warning}")
    lines.append("回報紀錄：" if item.replies else "回報紀錄：尚無")
    for r in item.replies:
        mark = "（已撤回）" if r.withdrawn else "（已更正，舊版）" if r.superseded else ""
        kind = "建議解除：" if r.kind == "ask_release" else ""
        late = "（逾期回報）" if r.late else ""
        how = ("（秘書處代為登錄）" if r.on_behalf else "") + ("（更正）" if r.corrects is not None else "")
        lines.append(f"・{r.agency} {roc_short(r.at.astimezone(ctx.tz).date())}{late}{how}{mark}：{kind}{r.text}")
    coming = upcoming(ctx.store.body(body_id=item.body_id))
    for (_, agency), text in ctx.store.progress_texts(item_ids=[item.id], meeting=coming).items():
        lines.append(f"・{agency}（秘書處修改，列入下次會議報告）：{text}")
    from handlers.evidence import evidence_lines

    lines += evidence_lines(ctx, item)
    return "\n".join(lines)


@router.command("新增", "add", roles=SECRETARIAT, summary="新增列管案：新增 內容 主辦：機關 協辦：機關 期限：日期")
async def add(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    body, rest = pick_body(ctx, args)
    fields = parse_fields(rest)
    text = fields.get("內容") or fields.get("決議") or ""
    if not text or not fields.get("主辦"):
        raise UserError("請寫明內容與主辦機關，例如：\n新增 請教育部提出轉介流程 主辦：教育部 協辦：勞動部 期限：下次會議")
    leads = resolve_agencies(ctx, fields["主辦"], body.government)
    assists = resolve_agencies(ctx, fields.get("協辦", ""), body.government)
    next_meeting, due = parse_due(ctx, fields.get("期限", ""))
    item = ctx.store.add_item(
        body_id=body.id, text=text, subject=fields.get("案由", ""), actor=msg.user_key, chat=msg.chat.key,
        agencies=[(a, LEAD) for a in leads] + [(a, ASSIST) for a in assists],
        due_next_meeting=next_meeting, due_date=due)  # type: ignore[arg-type]
    return [Outgoing(f"已新增 #{item.label}（{agencies_text(item)}；期限：{due_text(item) or '未定'}）。"
                     + due_warning(ctx, item))]


def heading(status: str, items: list[ItemView], who: str = "") -> str:
    """What the list holds, truthfully: 全部 24 案：列管中 10、繼續列管 4、解除列管 10."""
    order = list(STATUS_ZH)
    counts = sorted(Counter(i.status for i in items).items(),
                    key=lambda sc: order.index(sc[0]) if sc[0] in order else len(order))
    if status == "all":
        return f"{who}全部 {len(items)} 案：" + "、".join(f"{STATUS_ZH.get(s, s)} {n}" for s, n in counts)
    if status == "open":
        others = "、".join(f"{STATUS_ZH.get(s, s)} {n}" for s, n in counts if s != TRACKING)
        return f"{who}列管中 {len(items)} 案" + (f"（其中{others}）" if others else "") + "："
    return f"{who}{STATUS_ZH.get(status, status)} {len(items)} 案："


def list_words(ctx: Context, args: str) -> tuple[str, str | None]:
    """'衛生福利部 全部' → ('all', '衛生福利部'): a status word and an agency, in either order."""
    status, agency = "open", None
    for word in args.split():
        if word in STATUS_WORDS:
            status = STATUS_WORDS[word]
        elif agency is None:
            agency = resolve_agency(ctx, word)
        else:
            raise UserError(f"請寫一個機關名稱，或狀態：{'、'.join(STATUS_WORDS)}，例如「列表 衛生福利部 全部」。")
    return status, agency


@router.command("列表", "list", roles=MEMBERS,
                summary="列出列管中的案件；可加機關或狀態，例如「列表 教育部」「列表 全部」「列表 教育部 全部」")
async def list_items(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    status, agency = list_words(ctx, args)
    items = visible_items(ctx, status=status)
    if agency is not None:  # what that agency itself sees in 我的案件: its units and 各部會 too
        scope = agency_scope(ctx.directory, agency)
        items = [i for i in items if scope & {n for n, _ in i.agencies}]
    if not items:
        return [Outgoing("目前沒有符合的列管案。")]
    lines = [heading(status, items, f"{agency} " if agency else "")]
    lines += [item_line(i, agency=agency, status=status != "open") for i in items]
    return [Outgoing("\n".join(lines), item_ids=[i.id for i in items])]


@router.command("我的案件", "mine", roles=MEMBERS, summary="本機關列管中的案件")
async def mine(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    if ctx.actor.is_secretariat:
        return await list_items(msg, "", ctx)
    items = visible_items(ctx)
    if not items:
        return [Outgoing(f"{ctx.actor.agency}目前沒有列管中的案件。")]
    lines = [heading("open", items, ctx.actor.agency or "")]
    lines += [item_line(i, agency=ctx.actor.agency) for i in items]
    lines.append("回報方式：直接回覆提醒訊息，或輸入「#案號 辦理情形…」。")
    return [Outgoing("\n".join(lines), item_ids=[i.id for i in items])]


@router.command("案", "case", roles=MEMBERS, summary="看一案的內容、回報與紀錄：案 12")
async def case(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    ref, _ = split_case(args)
    item = find_item(ctx, ref)
    return [Outgoing(item_card(ctx, item), item_ids=[item.id])]


@router.command("修改", "edit", roles=SECRETARIAT, summary="修改內容：修改 12 新的內容（或 案由：…）")
async def edit(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    ref, rest = split_case(args)
    item = find_item(ctx, ref)
    fields = parse_fields(rest)
    changes: dict[str, Any] = {k: v for k, v in (("text", fields.get("內容")), ("subject", fields.get("案由")))
                                   if v}
    if not changes:
        raise UserError("請寫出新的內容，例如「修改 12 請教育部於6月底前函頒轉介流程」。")
    ctx.store.change_item(item_id=item.id, actor=msg.user_key, chat=msg.chat.key, action="item.edit",
                          **changes)
    settled = ctx.store.settle_backfilled(item_id=item.id, actor=msg.user_key, chat=msg.chat.key)
    return [Outgoing(f"已修改 #{item.label}。" + ("已補齊，取消待補標示。" if settled else ""))]


@router.command("指派", "assign", roles=SECRETARIAT, summary="改主辦／協辦機關：指派 12 教育部 協辦：勞動部")
async def assign(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    ref, rest = split_case(args)
    item = find_item(ctx, ref)
    government = next((b.government for b in ctx.store.bodies() if b.id == item.body_id), None)
    fields = parse_fields(rest)
    leads = resolve_agencies(ctx, fields.get("主辦") or fields.get("內容", ""), government)
    if not leads:
        raise UserError("請寫出主辦機關，例如「指派 12 教育部 協辦：勞動部」。")
    assists = resolve_agencies(ctx, fields.get("協辦", ""), government)
    changed = ctx.store.change_item(
        item_id=item.id, actor=msg.user_key, chat=msg.chat.key, action="item.assign",
        agencies=[(a, LEAD) for a in leads] + [(a, ASSIST) for a in assists])
    settled = ctx.store.settle_backfilled(item_id=item.id, actor=msg.user_key, chat=msg.chat.key)
    return [Outgoing(f"#{changed.label} {agencies_text(changed)}。" + ("已補齊，取消待補標示。" if settled else ""))]


@router.command("期限", "due", roles=SECRETARIAT, summary="改期限：期限 12 115/6/10（或 下次會議、無）")
async def due(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    ref, rest = split_case(args)
    item = find_item(ctx, ref)
    if not rest:
        raise UserError("請寫出期限，例如「期限 12 115/6/10」或「期限 12 下次會議」。")
    next_meeting, day = parse_due(ctx, rest)
    changed = ctx.store.change_item(item_id=item.id, actor=msg.user_key, chat=msg.chat.key,
                                    action="item.due", due_next_meeting=next_meeting, due_date=day)
    return [Outgoing(f"#{changed.label} 期限：{due_text(changed) or '未定'}。" + due_warning(ctx, changed))]


async def _propose(msg: Incoming, args: str, ctx: Context, proposal: str) -> list[Outgoing]:
    ref, reason = split_case(args)
    item = find_item(ctx, ref)
    ctx.store.change_item(item_id=item.id, actor=msg.user_key, chat=msg.chat.key, action="item.propose",
                          proposal=proposal, proposal_reason=reason or None)
    word = "擬解除列管" if proposal == "release" else "擬繼續列管"
    because = f"（理由：{reason}）" if reason else ""
    return [Outgoing(f"#{item.label} {word}{because}。將列入下次會議報告，由會議決定。")]


@router.command("擬解除", "propose_release", roles=SECRETARIAT, summary="秘書處建議解除列管（列入報告）：擬解除 8 理由")
async def propose_release(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    return await _propose(msg, args, ctx, "release")


@router.command("擬繼續", "propose_keep", roles=SECRETARIAT, summary="秘書處建議繼續列管（列入報告）：擬繼續 6")
async def propose_keep(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    return await _propose(msg, args, ctx, "keep")


async def _decide(msg: Incoming, args: str, ctx: Context, status: str) -> list[Outgoing]:
    ref, note = split_case(args)
    item = find_item(ctx, ref)
    changed = ctx.store.change_item(item_id=item.id, actor=msg.user_key, chat=msg.chat.key,
                                    action="item.decide", status=status, proposal=None,
                                    review=status, warning=None)
    return [Outgoing(f"#{changed.label} 已記錄會議決定：{STATUS_ZH[status]}。{note}".strip())]


@router.command("解除列管", "release", roles=SECRETARIAT, summary="記錄會議決定解除列管：解除列管 8")
async def release(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    return await _decide(msg, args, ctx, RELEASED)


@router.command("繼續列管", "keep", roles=SECRETARIAT, summary="記錄會議決定繼續列管：繼續列管 6")
async def keep(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    return await _decide(msg, args, ctx, CONTINUED)


__all__ = ["EVERYONE", "DateError", "cases", "looks_like_date", "router"]
