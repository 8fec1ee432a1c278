"""What several handlers need: which body a command is about, which item a case number means."""

from __future__ import annotations

import re

from bot.context import Context
from bot.dates import halfwidth, original_from
from bot.format import cases
from bot.router import UserError
from bot.scope import agency_scope, answering_as
from storage.views import BodyView, ItemView

# How people write a case: 12, #12, ＃１２, 第12案, 強化12 (a body's code first); then a space, 、 ， : or
# nothing before Chinese text (#6、已召開…, 第6案 已函頒…, #6已召開…). Used by '#N …' replies too.
CASE = r"(?:(?P<nth>第)\s*(?=\d))?(?P<case>[^\s\d#＃]{0,10}?-?\d+(?:-\d+)*)(?(nth)\s*案?)"
CASE_END = r"(?:\s*(?:[、，,:：;；]|[.．](?![\d０-９]))\s*|\s+|(?=[\u3400-\u9fff（(「『])|$)"  # 6.5 is a number
CASE_TOKEN = re.compile(rf"^[#＃]?\s*{CASE}{CASE_END}")
EXAMPLE = "例如「案 12」或「#12」"


def split_case(args: str) -> tuple[str, str]:
    """'12 理由…', '第12案 理由…', '#12、理由…' → ('12', '理由…'), the rest as the user typed it.

    UserError when no case number leads; the hint shows a good example, not the user's text.
    """
    args = args.strip()
    m = CASE_TOKEN.match(halfwidth(args))
    if not m:
        raise UserError(f"請在指令後寫案號，{EXAMPLE}。")
    return m.group("case"), original_from(args, m.end()).strip()


def resolve_agency(ctx: Context, name: str, *, government: str | None = None) -> str:
    """The canonical agency `name` means; UserError listing the candidates or the near miss otherwise."""
    found = ctx.directory.resolve(name.strip(), government=government)
    if found is None:
        raise UserError(ctx.directory.unknown(name, government=government))
    return found


def first_word(args: str) -> tuple[str, str]:
    """'新增 名稱…' → ('新增', '名稱…'): split at the first space of any width, the rest as typed."""
    parts = args.strip().split(maxsplit=1)
    return (parts[0], parts[1].strip()) if len(parts) == 2 else (args.strip(), "")


def pick_body(ctx: Context, args: str) -> tuple[BodyView, str]:
    """The body named by the first word of `args` (its code or name), or the only body there is."""
    bodies = ctx.store.bodies()
    first, rest = first_word(args)
    first = halfwidth(first)
    for body in bodies:
        if first and first in (body.code, body.name):
            return body, rest.strip()
    if len(bodies) == 1:
        return bodies[0], args.strip()
    if not bodies:
        raise UserError("目前還沒有任何會議。請先「匯入」會議紀錄，或用「會議 新增 會議名稱」建立。")
    names = "、".join(f"{b.code}（{b.name}）" for b in bodies)
    raise UserError(f"目前有多個會議，請在指令後先寫會議代號：{names}。")


def visible_items(ctx: Context, *, status: str = "open") -> list[ItemView]:
    """The items this chat may see: all for the secretariat, its own for an agency's contacts."""
    if ctx.actor.is_secretariat:
        return ctx.store.items(status=status)
    assert ctx.actor.agency is not None
    return ctx.store.items(status=status, agencies=agency_scope(ctx.directory, ctx.actor.agency))


def find_item(ctx: Context, ref: str, *, for_reply: bool = False) -> ItemView:
    """The item a user means by a case number, refusing what this chat may not touch.

    For a reply (`for_reply`) the item comes without its earlier replies: recording one needs none.
    """
    ref = halfwidth(ref)
    found = ctx.store.find_case(ref=ref, replies=not for_reply)
    agency = ctx.actor.agency
    if not ctx.actor.is_secretariat and agency is not None:
        own = [i for i in found if answering_as(ctx.directory, i, agency) is not None]
        if found and not own:
            mine = visible_items(ctx)
            raise UserError(f"#{ref} 不是{agency}的列管案，無法{'回報' if for_reply else '查看'}。"
                            f"{agency}的列管案：{cases(mine)}。")
        found = own
    if len(found) > 1:
        options = "、".join(f"#{i.label}（{i.body}）" for i in found)
        raise UserError(f"有多個會議都有 #{ref}，請寫明是哪一個：{options}。")
    if not found:
        open_items = visible_items(ctx)
        code = re.sub(r"[\d-]+$", "", ref)
        if code and code not in {b.code for b in ctx.store.bodies()}:  # words before a number, not a code
            raise UserError(f"請在指令後寫案號，{EXAMPLE}。目前列管中的案件：{cases(open_items)}。")
        raise UserError(f"找不到 #{ref}。目前列管中的案件：{cases(open_items)}。")
    return found[0]
