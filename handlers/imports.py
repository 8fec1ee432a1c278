"""Importing minutes: read, review (tick, untick, answer the conflicts), save only on 確認匯入 (or --yes).

In a chat: 「匯入」 + the text, or a file, shows the review; 「匯入 勾選 3」「匯入 不要 2 5-7」 change what
is ticked, 「匯入 繼續 3」「匯入 解除 3」「匯入 建立 5」「匯入 略過 5」 answer the conflicts,
「匯入 看 4」 shows one point whole, 「確認匯入」 saves exactly what is ticked, 「取消」 drops it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from typing import Any

from bot.context import Context
from bot.dates import halfwidth
from bot.messages import Incoming, Outgoing
from bot.minutes import MinutesReadError, extract
from bot.minutes.reader import read_document
from bot.router import SECRETARIAT, Router, UserError
from config.directory import AgencyDirectory
from handlers.import_review import (
    ANSWER_ZH,
    CREATE,
    KEEP,
    RELEASE,
    SKIP,
    ImportReview,
    ReviewError,
    parse_numbers,
    span,
)
from handlers.import_text import detail, saved_text, summary, unanswered_text
from storage.imports import ImportResult

__all__ = ["body_name", "digest", "extraction_of", "review_of", "save", "saved_text", "summary"]

log = logging.getLogger(__name__)
router = Router()
CONFIRM = "回覆「確認匯入」存檔，或「取消」。"
TICK, UNTICK, SHOW = "tick", "untick", "show"
SHOW_AT_ONCE = 10
_WORDS = {
    "勾選": TICK, "tick": TICK, "不要": UNTICK, "取消勾選": UNTICK, "untick": UNTICK,
    "繼續列管": KEEP, "繼續": KEEP, "keep": KEEP, "解除列管": RELEASE, "解除": RELEASE, "release": RELEASE,
    "建立待補": CREATE, "建立": CREATE, "create": CREATE, "略過": SKIP, "skip": SKIP,
    "看": SHOW, "show": SHOW,
}
_SUBCOMMAND = re.compile(
    r"^(?P<word>" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\s*(?P<rest>[#第\d\s,，、\-–~～至到項案]+|全部|all)$",
    re.IGNORECASE)


def digest(text: str) -> str:
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()


def extraction_of(text: str, directory: AgencyDirectory, body: str | None) -> dict[str, Any]:
    found: dict[str, Any] = extract(text, directory=directory, body=body).to_json(with_subject=True)
    if not found["items"] and not found["reviews"] and not found.get("candidates"):
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


def review_of(ctx: Context, extraction: dict[str, Any], body: str) -> ImportReview:
    """A fresh review: the likely decisions ticked, the bot's own cases known."""
    cases = [str(r["case"]) for r in extraction["reviews"]]
    return ImportReview.fresh(extraction, ctx.store.known_cases(body=body, cases=cases))


def save(ctx: Context, text: str, body_override: str | None, *, actor: str, chat: str | None,
         review: ImportReview | None = None, resolve: Iterable[str] = ()) -> ImportResult:
    """Save what `review` has ticked (a fresh one when not given, its conflicts answered by `resolve`)."""
    if review is None:
        extraction = extraction_of(text, ctx.directory, body_override)
        review = review_of(ctx, extraction, body_name(extraction, body_override))
        for answer in resolve:
            review.answer_all(answer)
    body = body_name(review.extraction, body_override)
    chosen, answers = review.chosen(text)
    government = government_of(ctx.directory, body)
    for found in chosen["reviews"]:  # 第9案請衛福部與法務部… names who carries it on
        found["agencies"] = ctx.directory.find_all(found.get("text") or "", government=government)
    return ctx.store.apply_minutes(extraction=chosen, body=body, digest=digest(text), actor=actor,
                                   chat=chat, government=government, answers=answers)


async def _offer(msg: Incoming, ctx: Context, text: str, notes: Iterable[str] = ()) -> list[Outgoing]:
    extraction = extraction_of(text, ctx.directory, None)
    extraction["warnings"] = [*notes, *extraction["warnings"]]  # what the reader noticed: Big5, UTF-16
    body = body_name(extraction, None)
    meeting = extraction["meeting"]
    if ctx.store.minutes_imported(body=body, digest=digest(text), number=meeting.get("number")):
        return [Outgoing(f"這份會議紀錄已經匯入過了（{body}），沒有重複存檔。")]
    review = review_of(ctx, extraction, body)
    ctx.store.set_pending_import(chat=msg.chat.key, author=msg.user_key, source_text=text, body=body,
                                 review=review.state())
    return [Outgoing(summary(ctx.store, review, body) + "\n" + CONFIRM)]


def _pending(ctx: Context, chat: str) -> tuple[Any, ImportReview]:
    pending = ctx.store.pending_import(chat=chat)
    if pending is None:
        raise UserError("目前沒有等待確認的會議紀錄。請先「匯入」。")
    if pending.review is None:  # read before reviews were kept: review it afresh
        extraction = extraction_of(pending.source_text, ctx.directory, pending.body)
        return pending, review_of(ctx, extraction, body_name(extraction, pending.body))
    cases = [str(r["case"]) for r in pending.review["extraction"]["reviews"]]
    known = ctx.store.known_cases(body=pending.body or "", cases=cases)
    return pending, ImportReview.from_state(pending.review, known)


@router.command("匯入", "import", roles=SECRETARIAT, long_text=True,
                summary="匯入會議紀錄：「匯入」後貼上全文，或直接傳送檔案；「匯入 勾選 3」「匯入 不要 2」調整，確認後才存檔")
async def import_minutes(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    if msg.attachment is not None:
        return await import_file(msg, ctx) or []
    sub = _SUBCOMMAND.match(halfwidth(args).strip())
    if sub is not None:
        return _change(msg, ctx, _WORDS[sub.group("word").lower()], sub.group("rest"))
    if not args.strip():
        if ctx.store.pending_import(chat=msg.chat.key) is not None:
            _, review = _pending(ctx, msg.chat.key)
            return [Outgoing(summary(ctx.store, review, body_name(review.extraction, None)) + "\n" + CONFIRM)]
        raise UserError("請在「匯入」後貼上會議紀錄全文，或直接傳送檔案（.docx、.odt、.pdf、.txt）。")
    return await _offer(msg, ctx, args)


def _change(msg: Incoming, ctx: Context, action: str, rest: str) -> list[Outgoing]:
    pending, review = _pending(ctx, msg.chat.key)
    every = rest.strip().lower() in ("全部", "all")
    try:
        if action == SHOW:
            numbers = parse_numbers(rest) if not every else list(range(1, len(review.entries) + 1))
            if len(numbers) > SHOW_AT_ONCE:
                raise ReviewError(f"一次最多看 {SHOW_AT_ONCE} 項，例如「匯入 看 3-{2 + SHOW_AT_ONCE}」。")
            return [Outgoing("\n\n".join(detail(review, n) for n in numbers))]
        if action in (TICK, UNTICK):
            numbers = parse_numbers(rest) if not every else list(range(1, len(review.entries) + 1))
            review.set_ticks(numbers, on=action == TICK)
            which = "全部" if every else f"第 {span(numbers)} 項"
            done = f"已{'勾選' if action == TICK else '取消勾選'}{which}。"
        elif every:
            if not review.answer_all(action):
                raise ReviewError(f"沒有可以回答「{ANSWER_ZH[action]}」的案。")
            done = f"全部：{_ANSWERED[action]}。"
        else:
            cases = [c for c in re.split(r"[\s,，、]+", rest.replace("第", "").replace("案", "")) if c]
            for case in cases:
                review.answer(case, action)
            done = f"第{'、'.join(cases)}案：{_ANSWERED[action]}。"
    except ReviewError as exc:
        raise UserError(str(exc)) from exc
    ctx.store.set_pending_import(chat=msg.chat.key, author=pending.author, source_text=pending.source_text,
                                 body=pending.body, review=review.state())
    return [Outgoing(done + "\n" + _standing(review))]


_ANSWERED = {KEEP: "繼續列管，交辦的事項列為本案新工作", RELEASE: "解除列管，交辦的事項不列管",
             CREATE: "依本次紀錄建立並標示待補", SKIP: "略過，不記錄"}


def _standing(review: ImportReview) -> str:
    ticked = sorted(review.ticked)
    line = f"目前勾選 {len(ticked)} 項" + (f"：{span(ticked)}" if ticked else "") + "。"
    waiting = unanswered_text(review)
    return line + ("\n" + waiting if waiting else "\n" + CONFIRM)


@router.fallback
async def import_file(msg: Incoming, ctx: Context) -> list[Outgoing] | None:
    """Minutes sent as a file by the secretariat are read and offered for import."""
    if msg.attachment is None or not ctx.actor.is_secretariat:
        return None
    try:
        document = read_document(msg.attachment.filename, msg.attachment.content)
    except MinutesReadError as exc:
        log.info("minutes file refused in %s: %s", msg.chat.key, exc)
        raise UserError(f"{exc}這個檔案沒有匯入，也沒有存任何東西。") from exc
    return await _offer(msg, ctx, document.text, document.warnings)


@router.command("確認匯入", "confirm", roles=SECRETARIAT, summary="把剛才讀取的會議紀錄存檔（只存勾選的事項）")
async def confirm(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    pending, review = _pending(ctx, msg.chat.key)
    waiting = unanswered_text(review)
    if waiting:
        raise UserError("還不能存檔。" + waiting)
    result = save(ctx, pending.source_text, pending.body, actor=msg.user_key, chat=msg.chat.key, review=review)
    ctx.store.drop_pending_import(chat=msg.chat.key)
    return [Outgoing(saved_text(result, ctx.store))]


@router.command("取消", "cancel", roles=SECRETARIAT, summary="放棄剛才讀取的會議紀錄")
async def cancel(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    if not ctx.store.drop_pending_import(chat=msg.chat.key):
        return [Outgoing("目前沒有等待確認的會議紀錄。")]
    return [Outgoing("已取消，這份會議紀錄沒有存檔。")]
