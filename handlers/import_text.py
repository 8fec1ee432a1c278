"""What the chat says about an import under review, and once it is saved."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from bot.dates import roc
from bot.format import one_line
from handlers.import_review import ANSWER_ZH, DECISION_ZH, UNSEEN, WORK, ImportReview, confidence_text
from storage.imports import ImportResult
from storage.store import Store

ROLE_ZH = {"lead": "主辦", "assist": "協辦"}
HOW_TO_TICK = "改勾選：「匯入 勾選 3」「匯入 不要 2 5-7」；看全文：「匯入 看 4」。"


def summary(store: Store, review: ImportReview, body: str) -> str:
    extraction = review.extraction
    meeting = extraction["meeting"]
    when = f"（{roc(date.fromisoformat(meeting['date']))}）" if meeting.get("date") else ""
    lines = [f"已讀取「{meeting.get('title') or body}」{when}。"]
    existing = store.find_body(name=body)
    if existing is None or existing.name != body:
        lines.append(f"這是新的會議「{body}」，存檔時會一併建立。")
    parts = []
    for key, word in DECISION_ZH.items():
        cases = list(dict.fromkeys(r["case"] for r in extraction["reviews"] if r["decision"] == key))
        if cases:
            parts.append(f"{word} {len(cases)} 案（{'、'.join(cases)}）")
    if parts:
        lines.append("前次列管案：" + "，".join(parts) + "。")
    lines += _points(review)
    lines += _questions(review)
    if extraction["warnings"]:
        lines.append(f"需要確認 {len(extraction['warnings'])} 點：")
        lines += [f"・{w}" for w in extraction["warnings"]]
    lines.append(HOW_TO_TICK)
    return "\n".join(lines)


def _points(review: ImportReview) -> list[str]:
    entries = review.entries
    items = len(review.extraction["items"])
    ticked = review.ticked_items()
    renewed = [i["case"] for i in ticked if i.get("case")]
    leads = Counter(a for i in ticked for a, r in zip(i["agencies"], i["roles"], strict=False) if r == "lead")
    by_agency = "、".join(f"{a} {n}" for a, n in leads.most_common())
    lines = [f"列管事項：勾選 {len(ticked)} 項（☑ 存檔，☐ 不存）"
             + (f"，其中續辦 {len(renewed)} 案" if renewed else "")
             + (f"；主辦機關：{by_agency}" if by_agency else "") + "。"]
    lines += [_line(review, n, entries[n - 1]) for n in range(1, items + 1)]
    if len(entries) > items:
        lines.append(f"可能也是決議、請您判斷（預設不存）{len(entries) - items} 項：")
        lines += [_line(review, n, entries[n - 1], reason=True) for n in range(items + 1, len(entries) + 1)]
    return lines


def _line(review: ImportReview, n: int, item: dict[str, Any], *, reason: bool = False) -> str:
    mark = "☑" if n in review.ticked else "☐"
    who = "、".join(item["agencies"]) or "未寫明機關"
    renew = f"（續辦第{item['case']}案）" if item.get("case") else ""
    why = f"　理由：{item['reason']}" if reason and item.get("reason") else ""
    return f"{mark} {n}.〔{confidence_text(item)}〕{who}｜{one_line(item['text'], 50)}{renew}{why}"


def detail(review: ImportReview, n: int) -> str:
    """One point whole: text, agencies with roles, due, source, confidence and reason."""
    if not 1 <= n <= len(review.entries):
        return f"沒有第 {n} 項：編號是 1 到 {len(review.entries)}。"
    item = review.entries[n - 1]
    mark = "☑ 已勾選" if n in review.ticked else "☐ 未勾選"
    agencies = "、".join(f"{ROLE_ZH.get(r, r)}：{a}" for a, r in zip(item["agencies"], item["roles"], strict=False))
    lines = [f"第 {n} 項（{mark}，可信度 {confidence_text(item)}）", item["text"],
             f"機關：{agencies or '未寫明'}{'（推定）' if item.get('agencies_inferred') else ''}"]
    if item.get("due"):
        lines.append("期限：" + ("下次會議" if item["due"] == "next_meeting"
                                 else roc(date.fromisoformat(item["due"]))))
    if item.get("case"):
        lines.append(f"續辦：第{item['case']}案")
    if item.get("source"):
        lines.append(f"出處：{item['source']}")
    if item.get("reason"):
        lines.append(f"理由：{item['reason']}")
    return "\n".join(lines)


def _questions(review: ImportReview) -> list[str]:
    conflicts = review.conflicts()
    work = [c for c in conflicts if c.kind == WORK]
    unseen = [c for c in conflicts if c.kind == UNSEEN]
    lines = []
    if work:
        lines.append(f"需要您決定 {len(work)} 案：")
        for c in work:
            answer = review.answer_of(c)
            said = f"（已回答：{ANSWER_ZH[answer]}）" if answer else f"回覆「匯入 繼續 {c.case}」或「匯入 解除 {c.case}」。"
            lines.append(f"・{c.question()}{said}")
    if unseen:
        cases = "、".join(c.case for c in unseen)
        skipped = [c.case for c in unseen if review.answer_of(c) == "skip"]
        lines.append(f"本系統沒有資料的前次列管案 {len(unseen)} 案（{cases}）：存檔時依本次紀錄建立並標示待補"
                     + (f"，其中略過 {'、'.join(skipped)}" if skipped else "")
                     + f"。不記錄的話回覆「匯入 略過 {unseen[0].case}」或「匯入 略過 全部」，改回「匯入 建立 {unseen[0].case}」。")
    return lines


def unanswered_text(review: ImportReview) -> str:
    """Why 確認匯入 cannot save yet, and what to type; empty when it can."""
    waiting = review.unanswered()
    if not waiting:
        return ""
    lines = [f"還有 {len(waiting)} 案需要您決定："]
    lines += [f"・{c.question()}回覆「匯入 繼續 {c.case}」或「匯入 解除 {c.case}」。" for c in waiting]
    return "\n".join(lines)


def saved_text(result: ImportResult, store: Store) -> str:
    if result.already:
        return f"這份會議紀錄已經匯入過了（{result.body}），沒有重複存檔。"
    created = f"新增 {len(result.created)} 案（{_cases(result.created)}）" if result.created else "沒有新增案件"
    body = store.find_body(name=result.body)
    nxt = (f"下次會議：{roc(body.next_meeting)}。" if body and body.next_meeting
           else "下次會議：尚未設定（「下次會議 115/6/10」）。")
    backfilled = (f"前次列管案 {len(result.backfilled)} 案（{'、'.join(result.backfilled)}）本系統先前沒有資料，"
                  "已依本次紀錄建立並標示待補（「案 N」可查看）。" if result.backfilled else "")
    skipped = f"略過 {len(result.skipped)} 案（{'、'.join(result.skipped)}）。" if result.skipped else ""
    return f"已存檔：{created}，更新 {len(result.updated)} 案。{backfilled}{skipped}{nxt}"


def _cases(cases: list[str]) -> str:
    numeric = [int(c) for c in cases if c.isdigit()]
    if len(numeric) == len(cases) and numeric == list(range(min(numeric), max(numeric) + 1)) and len(numeric) > 2:
        return f"{numeric[0]}–{numeric[-1]}"
    return "、".join(cases)
