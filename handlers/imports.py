"""Importing minutes: read, show what was extracted, save only on 確認匯入 (or --yes on the CLI)."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from typing import Any

from bot.context import Context
from bot.dates import roc
from bot.messages import Incoming, Outgoing
from bot.minutes import MinutesReadError, extract, read_minutes
from bot.router import SECRETARIAT, Router, UserError
from config.directory import AgencyDirectory
from storage.imports import ImportResult
from storage.store import Store

router = Router()
DECISIONS = (("released", "解除列管"), ("continued", "繼續列管"), ("other", "另案處理"))
CONFIRM = "回覆「確認匯入」存檔，或「取消」。"


def digest(text: str) -> str:
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()


def extraction_of(text: str, directory: AgencyDirectory, body: str | None) -> dict[str, Any]:
    found: dict[str, Any] = extract(text, directory=directory, body=body).to_json(with_subject=True)
    if not found["items"] and not found["reviews"]:
        raise UserError("這份會議紀錄裡找不到決議或列管事項，沒有存任何東西。請確認檔案是會議紀錄。")
    return found


def body_name(extraction: dict[str, Any], override: str | None) -> str:
    name = override or extraction["meeting"].get("body")
    if not name:
        raise UserError("看不出這是哪個會議的紀錄。請在指令加上會議名稱（CLI：--body 名稱）。")
    return str(name)


def government_of(directory: AgencyDirectory, body: str) -> str | None:
    """The government a body belongs to, for its 本部 / 本府 / 社會局: the first agency in its name."""
    named = directory.find_all(body)
    return named[0] if named else None


def summary(store: Store, extraction: dict[str, Any], body: str) -> str:
    meeting = extraction["meeting"]
    when = f"（{roc(date.fromisoformat(meeting['date']))}）" if meeting.get("date") else ""
    lines = [f"已讀取「{meeting.get('title') or body}」{when}。"]
    existing = store.find_body(name=body)
    if existing is None or existing.name != body:
        lines.append(f"這是新的會議「{body}」，存檔時會一併建立。")
    parts = []
    for key, word in DECISIONS:
        cases = [r["case"] for r in extraction["reviews"] if r["decision"] == key]
        if cases:
            parts.append(f"{word} {len(cases)} 案（{'、'.join(cases)}）")
    if parts:
        lines.append("前次列管案：" + "，".join(parts) + "。")
    leads = Counter(a for i in extraction["items"] for a, r in zip(i["agencies"], i["roles"], strict=False)
                    if r == "lead")
    renewed = [i["case"] for i in extraction["items"] if i.get("case")]
    count = f"列管事項 {len(extraction['items'])} 案" + (f"（其中續辦 {len(renewed)} 案）" if renewed else "")
    by_agency = "、".join(f"{a} {n}" for a, n in leads.most_common())
    lines.append(count + (f"，主辦機關：{by_agency}。" if by_agency else "。"))
    if extraction["warnings"]:
        lines.append(f"需要確認 {len(extraction['warnings'])} 點：")
        lines += [f"・{w}" for w in extraction["warnings"]]
    return "\n".join(lines)


def saved_text(result: ImportResult, store: Store) -> str:
    if result.already:
        return f"這份會議紀錄已經匯入過了（{result.body}），沒有重複存檔。"
    created = f"新增 {len(result.created)} 案（{_span(result.created)}）" if result.created else "沒有新增案件"
    body = store.find_body(name=result.body)
    nxt = (f"下次會議：{roc(body.next_meeting)}。" if body and body.next_meeting
           else "下次會議：尚未設定（「下次會議 115/6/10」）。")
    backfilled = (f"前次列管案 {len(result.backfilled)} 案（{'、'.join(result.backfilled)}）本系統先前沒有資料，"
                  "已依本次紀錄建立並標示待補（「案 N」可查看）。" if result.backfilled else "")
    return f"已存檔：{created}，更新 {len(result.updated)} 案。{backfilled}{nxt}"


def save(ctx: Context, text: str, body_override: str | None, *, actor: str, chat: str | None) -> ImportResult:
    extraction = extraction_of(text, ctx.directory, body_override)
    body = body_name(extraction, body_override)
    government = government_of(ctx.directory, body)
    for review in extraction["reviews"]:  # 第9案請衛福部與法務部… names who carries it on
        review["agencies"] = ctx.directory.find_all(review.get("text") or "", government=government)
    return ctx.store.apply_minutes(extraction=extraction, body=body, digest=digest(text), actor=actor,
                                   chat=chat, government=government)


async def _offer(msg: Incoming, ctx: Context, text: str) -> list[Outgoing]:
    extraction = extraction_of(text, ctx.directory, None)
    body = body_name(extraction, None)
    ctx.store.set_pending_import(chat=msg.chat.key, author=msg.user_key, source_text=text, body=body)
    return [Outgoing(summary(ctx.store, extraction, body) + "\n" + CONFIRM)]


@router.command("匯入", "import", roles=SECRETARIAT, long_text=True,
                summary="匯入會議紀錄：「匯入」後貼上全文，或直接傳送檔案；確認後才存檔")
async def import_minutes(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    if msg.attachment is not None:
        return await import_file(msg, ctx) or []
    if not args.strip():
        raise UserError("請在「匯入」後貼上會議紀錄全文，或直接傳送檔案（.docx、.odt、.pdf、.txt）。")
    return await _offer(msg, ctx, args)


@router.fallback
async def import_file(msg: Incoming, ctx: Context) -> list[Outgoing] | None:
    """Minutes sent as a file by the secretariat are read and offered for import."""
    if msg.attachment is None or not ctx.actor.is_secretariat:
        return None
    try:
        text = read_minutes(msg.attachment.filename, msg.attachment.content)
    except MinutesReadError as exc:
        raise UserError(str(exc)) from exc
    return await _offer(msg, ctx, text)


@router.command("確認匯入", "confirm", roles=SECRETARIAT, summary="把剛才讀取的會議紀錄存檔")
async def confirm(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    pending = ctx.store.pending_import(chat=msg.chat.key)
    if pending is None:
        raise UserError("目前沒有等待確認的會議紀錄。請先「匯入」。")
    result = save(ctx, pending.source_text, pending.body, actor=msg.user_key, chat=msg.chat.key)
    ctx.store.drop_pending_import(chat=msg.chat.key)
    return [Outgoing(saved_text(result, ctx.store))]


@router.command("取消", "cancel", roles=SECRETARIAT, summary="放棄剛才讀取的會議紀錄")
async def cancel(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    if not ctx.store.drop_pending_import(chat=msg.chat.key):
        return [Outgoing("目前沒有等待確認的會議紀錄。")]
    return [Outgoing("已取消，這份會議紀錄沒有存檔。")]


def _span(cases: list[str]) -> str:
    numeric = [int(c) for c in cases if c.isdigit()]
    if len(numeric) == len(cases) and numeric == list(range(min(numeric), max(numeric) + 1)) and len(numeric) > 2:
        return f"{numeric[0]}–{numeric[-1]}"
    return "、".join(cases)
