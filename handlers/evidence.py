"""佐證: the photos and files agencies send with their replies.

A file lands on the reply it follows (same person, same chat, within 10 minutes), on the item its
caption names (`#6 說明`, a new reply with that text) or on the item of the bot's message it quotes (a
reminder, an acknowledgement). When none of these says which item, the bot asks with the agency's
open items as buttons; it never guesses. Types are judged by content (bot/evidence/sniff.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from bot.context import Context
from bot.dates import roc_short
from bot.evidence.sniff import MAX_BYTES, safe_name, sniff
from bot.files import FileLinks, files_folder
from bot.messages import Button, Incoming, Outgoing
from bot.reports.model import AgencyStatus
from bot.router import MEMBERS, Router, UserError
from bot.scope import answering_as
from handlers.common import find_item, visible_items
from handlers.progress import Round, standing
from handlers.replies import COMMAND_REPLY, HASH_ONLY, HASH_REPLY, _agency_for, check_length, is_late
from storage.evidence import EvidenceView
from storage.views import BodyView, ItemView

router = Router()
FOLLOWS = timedelta(minutes=10)  # a file this soon after a reply, by the same person, goes with it
NOT_EVIDENCE = "這種檔案無法作為佐證，請改傳 PDF 或圖片（JPEG、PNG、HEIC），或 Word、Excel、ODF 文件。"
MAX_BUTTONS = 13  # LINE's quick replies
LISTED = 20  # files listed with links in 案 N (a LINE text holds 5,000 characters)
REPORT_LINKS = timedelta(days=90)  # a report is read at its meeting and after: its links last longer


@dataclass(frozen=True)
class Target:
    item: ItemView
    reply_id: int | None  # an existing reply it goes with; None: a new reply carries it
    text: str  # the new reply's text (a caption), "" when the file comes alone


def too_big(name: str, size: int) -> str:
    return (f"「{name}」有 {size / 1024 / 1024:.1f} MB，超過佐證檔案 20 MB 的上限，沒有保存。"
            "請壓縮或分成幾個檔案再傳（照片可用一般畫質傳送）。")


def refusal(*, name: str, size: int | None, kind: str) -> str | None:
    """What is refused before fetching anything: a video or a voice message, a file over 20 MB."""
    if kind in ("video", "audio"):
        return NOT_EVIDENCE
    if size is not None and size > MAX_BYTES:
        return too_big(name, size)
    return None


def unavailable(name: str, *, gone: bool = False, big: bool = False) -> list[Outgoing]:
    if big:
        return [Outgoing(f"「{name}」超過 20 MB，機器人無法下載，沒有保存。請壓縮或分成幾個檔案再傳。")]
    if gone:
        return [Outgoing(f"「{name}」在平台上已經過期或無法取得，沒有保存。請再傳一次。")]
    return [Outgoing(f"暫時無法取得「{name}」（平台沒有回應），沒有保存。請稍後再傳一次。")]


def _caption(msg: Incoming) -> tuple[str | None, str]:
    """(the case a caption names, the caption's text after it); (None, caption) without a case."""
    text = msg.text.strip()
    m = HASH_REPLY.match(text) or COMMAND_REPLY.match(text)
    if m:
        return m.group("case"), m.group("text").strip()
    only = HASH_ONLY.match(text)
    return (only.group("case"), "") if only else (None, text)


def _mine(ctx: Context, items: list[ItemView]) -> list[ItemView]:
    agency = ctx.actor.agency or ""
    return [i for i in items if answering_as(ctx.directory, i, agency)]


def _with_recent(msg: Incoming, ctx: Context, item: ItemView, text: str) -> Target:
    """On `item`: with the person's reply of the last minutes there, unless the caption says more."""
    recent = ctx.store.recent_reply(chat=msg.chat.key, author=msg.user_key, since=msg.at - FOLLOWS,
                                     until=msg.at)
    if not text and recent is not None and recent[1] == item.id:
        return Target(item, recent[0], "")
    return Target(item, None, text)


def choose(msg: Incoming, ctx: Context) -> Target | list[ItemView]:
    """The item (and reply) a file belongs to, or the items to ask about."""
    case, text = _caption(msg)
    if case is not None:
        item = find_item(ctx, case, for_reply=True)  # another agency's item is refused here
        _agency_for(ctx, item)
        return _with_recent(msg, ctx, item, text)
    if msg.reply_to is not None:
        quoted = ctx.store.items_of_message(chat=msg.chat.key, message_id=msg.reply_to) or []
        mine = _mine(ctx, ctx.store.items(ids=quoted)) if quoted else []
        if len(mine) == 1:
            return _with_recent(msg, ctx, mine[0], text)
        if mine:
            return mine
    recent = ctx.store.recent_reply(chat=msg.chat.key, author=msg.user_key, since=msg.at - FOLLOWS,
                                     until=msg.at)
    if recent is not None and not text:
        [item] = ctx.store.items(ids=[recent[1]], status="all")
        return Target(item, recent[0], "")
    return visible_items(ctx)


def _check_quota(ctx: Context, body_id: int, size: int) -> None:
    limit = ctx.settings.evidence_quota_mb * 1024 * 1024
    used = ctx.store.evidence_usage(body_id=body_id)
    if used + size > limit:
        raise UserError(f"本會議的佐證空間已用 {used / 1024 / 1024:,.0f} MB（上限 {ctx.settings.evidence_quota_mb:,} MB），"
                        "這個檔案沒有保存。請通知會議秘書處。")


async def received(msg: Incoming, name: str, content: bytes, ctx: Context) -> list[Outgoing]:
    """A fetched file: checked, kept, and said where it went (or asked where it goes)."""
    if len(content) > MAX_BYTES:
        return [Outgoing(too_big(name, len(content)))]
    kind = sniff(content)
    if kind is None:
        return [Outgoing(NOT_EVIDENCE)]
    if ctx.actor.agency is None or ctx.actor.is_secretariat or msg.message_id is None:
        return []  # the chat was unbound meanwhile: nobody's evidence
    name = safe_name(name, kind)
    try:
        target = choose(msg, ctx)
    except UserError as refused:
        return [Outgoing(f"「{name}」沒有保存：{refused}")]
    import hashlib

    digest = hashlib.sha256(content).hexdigest()
    if isinstance(target, list):
        if not target:
            return [Outgoing(f"「{name}」沒有保存：貴機關目前沒有列管中的案件。")]
        _check_quota(ctx, target[0].body_id, len(content))
        file_id, _ = ctx.store.store_evidence(content=content, sha256=digest, name=name, mime=kind.mime,
                                              agency=ctx.actor.agency, author=msg.user_key, chat=msg.chat.key,
                                              message_id=msg.message_id, at=msg.at, author_name=msg.user_name,
                                              body_id=target[0].body_id)
        buttons = [Button(f"#{i.label}", f"佐證 {file_id} #{i.label}") for i in target[:MAX_BUTTONS]]
        return [Outgoing(f"收到「{name}」。這是哪一案的佐證？請點選案號。", quick_replies=buttons)]
    item = target.item
    _check_quota(ctx, item.body_id, len(content))
    agency = _agency_for(ctx, item)
    reply_id = target.reply_id
    if reply_id is None:
        check_length(target.text)
        reply_id = ctx.store.add_reply(item_id=item.id, agency=agency, text=target.text, author=msg.user_key,
                                       chat=msg.chat.key, author_name=msg.user_name, message_id=msg.message_id,
                                       late=is_late(ctx, item), at=msg.at)
    ctx.store.store_evidence(content=content, sha256=digest, name=name, mime=kind.mime, agency=agency,
                             author=msg.user_key, chat=msg.chat.key, message_id=msg.message_id, at=msg.at,
                             author_name=msg.user_name, body_id=item.body_id, item_id=item.id, reply_id=reply_id)
    return [acknowledgement(ctx, item, name, agency, msg.user_name, with_text=bool(target.text))]


def acknowledgement(ctx: Context, item: ItemView, name: str, agency: str, person: str | None, *,
                    with_text: bool = False) -> Outgoing:
    who = f"，{agency} {person}" if person else f"，{agency}"
    what = "辦理情形與佐證" if with_text else "佐證"
    return Outgoing(f"已記錄 #{item.label} {what}「{name}」（{roc_short(ctx.today())}{who}）。", item_ids=[item.id])


@router.command("佐證", "evidence", roles=MEMBERS, summary="把剛傳的檔案附到某一案（點選機器人問的案號按鈕）")
async def attach(msg: Incoming, args: str, ctx: Context) -> list[Outgoing]:
    number, _, ref = args.strip().partition(" ")
    file = ctx.store.evidence(file_id=int(number)) if number.isascii() and number.isdigit() and len(number) < 10 \
        else None
    if file is None or file.chat != msg.chat.key or file.withdrawn:
        raise UserError("找不到這個檔案，請再傳一次。")
    if file.item_id is not None:
        [item] = ctx.store.items(ids=[file.item_id], status="all")
        return [Outgoing(f"「{file.name}」已經附在 #{item.label}。")]
    item = find_item(ctx, ref.strip(), for_reply=True)
    agency = _agency_for(ctx, item)
    reply_id = ctx.store.add_reply(item_id=item.id, agency=agency, text="", author=msg.user_key,
                                   chat=msg.chat.key, author_name=msg.user_name,
                                   message_id=f"evidence:{file.id}", late=is_late(ctx, item), at=file.at)
    ctx.store.attach_evidence(file_id=file.id, item_id=item.id, reply_id=reply_id, author=msg.user_key,
                              chat=msg.chat.key)
    return [acknowledgement(ctx, item, file.name, agency, msg.user_name)]


def withdraw_file(msg: Incoming, ref: str, ctx: Context) -> list[Outgoing]:
    """撤回 #6 附件: this agency's latest file on the item no longer counts (kept, marked)."""
    item = find_item(ctx, ref)
    files = [f for f in ctx.store.evidence_of(item_ids=[item.id])
             if ctx.actor.is_secretariat or f.agency == _agency_for(ctx, item)]
    if not files:
        raise UserError(f"#{item.label} 沒有可以撤回的佐證檔案。")
    file = ctx.store.withdraw_evidence(file_id=files[-1].id, author=msg.user_key, chat=msg.chat.key)
    return [Outgoing(f"已撤回 #{item.label} 的佐證「{file.name}」，不再列入報告；紀錄仍保留。")]


def links(ctx: Context) -> FileLinks:
    """Signed links to files kept in the database, with the same secret the /files route checks."""
    secret = ctx.settings.secret_key or ctx.store.secret(key="secret_key")
    return FileLinks(secret=secret, folder=files_folder(ctx.settings), public_url=ctx.settings.public_url,
                     clock=ctx.clock)


def visible_files(ctx: Context, item: ItemView) -> list[EvidenceView]:
    files = ctx.store.evidence_of(item_ids=[item.id])
    if ctx.actor.is_secretariat:
        return files
    agency = answering_as(ctx.directory, item, ctx.actor.agency or "")
    return [f for f in files if f.agency == agency]


def evidence_lines(ctx: Context, item: ItemView) -> list[str]:
    """案 N: each file with a signed download link (7 days), newest last."""
    files = visible_files(ctx, item)
    if not files:
        return []
    signer = links(ctx)
    lines = [f"佐證：{len(files)} 個檔案（下載連結 7 日內有效）"]
    for f in files[-LISTED:]:
        when = roc_short(f.at.astimezone(ctx.tz).date())
        lines.append(f"・{f.agency} {when}「{f.name}」（{size_text(f.size)}）{signer.evidence_link(f.id)}")
    if len(files) > LISTED:
        lines.append(f"（另有較早的 {len(files) - LISTED} 個檔案，請用「報告 附件」下載全部）")
    return lines


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def file_names(files: list[EvidenceView], signer: FileLinks | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the report prints, with links: each document by name, the photos counted (照片 2 張, one
    photo linked by itself)."""
    photos = [f for f in files if f.is_image]
    shown: list[tuple[str, EvidenceView | None]] = [(f.name, f) for f in files if not f.is_image]
    if photos:
        shown.append((f"照片 {len(photos)} 張", photos[0] if len(photos) == 1 else None))
    urls = [signer.evidence_link(f.id, ttl=REPORT_LINKS) if signer and f else "" for _, f in shown]
    return tuple(name for name, _ in shown), tuple(urls)


def with_files(ctx: Context, item: ItemView, found: tuple[AgencyStatus, ...],
               window: Round) -> tuple[AgencyStatus, ...]:
    """Each agency's 辦理情形 with the 佐證 of its standing replies in the report's round."""
    files: dict[str, dict[int, EvidenceView]] = {}
    for first, version in standing(item, window.until):
        if window.holds(first.at):
            for f in (*first.files, *version.files):
                files.setdefault(version.agency, {})[f.id] = f
    if not files:
        return found
    signer = links(ctx) if ctx.settings.public_url else None  # a link without a public address opens nothing
    out = []
    for s in found:
        if s.agency in files:
            names, urls = file_names(list(files[s.agency].values()), signer)
            s = replace(s, files=names, file_links=urls)
        out.append(s)
    return tuple(out)


def evidence_zip(msg: Incoming, rest: str, ctx: Context) -> list[Outgoing]:
    """報告 6 附件: one meeting's 佐證 as a zip (the items its report lists), by link, valid 7 days."""
    from handlers.common import pick_body

    body, meeting = pick_body(ctx, rest)
    built = build_zip(ctx, body, meeting or "next")
    if isinstance(built, str):
        return [Outgoing(built)]
    path, link, count, name = built
    size = size_text(path.stat().st_size)
    return [Outgoing(f"{name}的佐證 {count} 個檔案（{size}，依案號與機關分資料夾，附索引）：\n{link}\n連結 7 日內有效。")]


def build_zip(ctx: Context, body: BodyView, meeting: str) -> tuple[Path, str, int, str] | str:
    """One meeting's 佐證 as a zip in the files folder (path, link, file count, meeting), or why there is none."""
    from bot.evidence.bundle import entries_of, write_zip
    from handlers.reports import report_items

    items, window, name = report_items(ctx, body, meeting)
    found = []
    for item in items:
        picked: dict[int, EvidenceView] = {}
        for first, version in standing(item, window.until):
            if window.holds(first.at):
                picked |= {f.id: f for f in (*first.files, *version.files)}
        found.append((item.label, item.subject or item.text[:20], sorted(picked.values(), key=lambda f: f.at)))
    entries = entries_of(found)
    if not entries:
        return f"{name}的列管案目前沒有佐證檔案。"
    path, link = links(ctx).reserve(f"{body.name}_{name}_佐證.zip")
    count = write_zip(path, entries, lambda ids: ctx.store.evidence_contents(file_ids=ids), ctx.tz)
    return path, link, count, name


def usage_text(ctx: Context) -> str:
    """用量: the 佐證 space each body uses of its quota (LIEGUAN_EVIDENCE_QUOTA_MB)."""
    limit = ctx.settings.evidence_quota_mb
    lines = [f"\n佐證檔案空間（每個會議上限 {limit:,} MB）："]
    for body in ctx.store.bodies():
        used = ctx.store.evidence_usage(body_id=body.id)
        lines.append(f"・{body.name}：已用 {size_text(used) if used else '0 MB'}（{used / (limit * 1024 * 1024):.0%}）")
    return "\n".join(lines) if len(lines) > 1 else ""


def desk_files(ctx: Context, item: ItemView) -> dict[int, list[tuple[EvidenceView, str]]]:
    """The web desk's item page: each reply's files with a link on the desk's own host (relative)."""
    signer = links(ctx)
    signer.public_url = ""
    found: dict[int, list[tuple[EvidenceView, str]]] = {}
    for f in ctx.store.evidence_of(item_ids=[item.id]):
        if f.reply_id is not None:
            found.setdefault(f.reply_id, []).append((f, signer.evidence_link(f.id, ttl=timedelta(hours=12))))
    return found
