"""The agency directory, extended by the secretariat: 機關 新增 / 機關 別名 / 機關 列表."""

from __future__ import annotations

import re

from bot.context import Context
from bot.messages import Incoming, Outgoing
from bot.router import SECRETARIAT, Router, UserError
from handlers.common import first_word, resolve_agency

router = Router()
USAGE = ("用法：「機關 新增 名稱 [上級機關]」、「機關 別名 名稱 簡稱…」、「機關 列表 [關鍵字]」、「機關 查 簡稱」。")


@router.command("機關", "agency", roles=SECRETARIAT, summary="機關名錄：機關 新增 名稱 [上級]｜機關 別名 名稱 簡稱｜機關 列表")
async def agency(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    action, rest = first_word(args)
    words = [w for w in re.split(r"[\s、，,]+", rest.strip()) if w]
    if action in ("新增", "add") and words:
        return _add(msg, ctx, words)
    if action in ("別名", "alias") and len(words) >= 2:
        return _alias(msg, ctx, words)
    if action in ("列表", "list"):
        found = [a for a in ctx.directory.all() if not words or any(w in a.name for w in words)]
        lines = [f"・{a.name}" + (f"（{'、'.join(a.short)}）" if a.short else "") for a in found[:80]]
        more = f"\n…另有 {len(found) - 80} 個，請加關鍵字縮小範圍。" if len(found) > 80 else ""
        return [Outgoing(f"機關名錄 {len(found)} 個：\n" + "\n".join(lines) + more)]
    if action in ("查", "find") and words:
        name = ctx.directory.resolve(words[0])
        return [Outgoing(f"「{words[0]}」是「{name}」。" if name else ctx.directory.unknown(words[0]))]
    raise UserError(USAGE)


def _add(msg: Incoming, ctx: Context, words: list[str]) -> list[Outgoing]:
    name, parent_word = words[0], words[1] if len(words) > 1 else None
    if ctx.directory.get(name) is not None:
        raise UserError(f"「{name}」已在機關名錄裡。")
    parent = resolve_agency(ctx, parent_word) if parent_word else None
    kind = "unit" if parent else ("local" if name.endswith("政府") else "ministry")
    ctx.store.save_agency(name=name, parent=parent, kind=kind, actor=msg.user_key, chat=msg.chat.key)
    ctx.refresh_directory()
    under = f"（上級：{parent}）" if parent else ""
    return [Outgoing(f"已新增機關「{name}」{under}。")]


def _alias(msg: Incoming, ctx: Context, words: list[str]) -> list[Outgoing]:
    name = resolve_agency(ctx, words[0])
    found = ctx.directory.get(name)
    assert found is not None
    ctx.store.save_agency(name=name, short=words[1:], parent=found.parent, kind=found.kind,
                          actor=msg.user_key, chat=msg.chat.key)
    ctx.refresh_directory()
    return [Outgoing(f"已記下：{'、'.join(words[1:])} 都是「{name}」。")]
