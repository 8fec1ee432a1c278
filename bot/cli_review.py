"""The import review in the terminal: every point whole and numbered, ticks changed by number,
each conflict answered, then one confirmation. Display with rich, questions with plain input()."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table

from bot.dates import halfwidth, roc, roc_short
from handlers.import_review import (
    ANSWER_ZH,
    CREATE,
    DECISION_ZH,
    SKIP,
    UNSEEN,
    Conflict,
    ImportReview,
    ReviewError,
    confidence_text,
    parse_numbers,
    span,
)

Ask = Callable[[str], str]
ROLE = {"lead": "主辦", "assist": "協辦"}
TICKS_PROMPT = ("調整勾選：輸入編號切換（例如「2 5-7」），或「取消 3」「勾選 4」；"
                "「全文」重看清單，「放棄」不存檔離開；直接按 Enter 進入下一步。\n> ")


class Abandoned(Exception):
    """The user left the review: nothing is saved."""


def due_label(due: str | None) -> str:
    if due == "next_meeting":
        return "下次會議"
    return roc_short(date.fromisoformat(due)) if due else ""


def show(review: ImportReview, console: Console) -> None:
    extraction = review.extraction
    meeting = extraction["meeting"]
    when = roc(date.fromisoformat(meeting["date"])) if meeting.get("date") else "（未寫明）"
    console.print(f"[bold]{meeting.get('title') or meeting.get('body')}[/bold]")
    console.print(f"會議：{meeting.get('body')}　第 {meeting.get('number') or '?'} 次　日期：{when}　"
                  f"主持人：{meeting.get('chair') or '—'}　紀錄：{meeting.get('recorder') or '—'}")
    if extraction["reviews"]:
        _show_reviews(review, console)
    items = len(extraction["items"])
    if items:
        console.print(_points(review, 1, items, f"列管事項 {items} 項（☑ 勾選的才存檔）"))
    else:
        console.print("沒有把握是決議的事項；下面的候選事項請逐一判斷。" if review.entries else "沒有找到列管事項。")
    if len(review.entries) > items:
        console.print(_points(review, items + 1, len(review.entries),
                              f"可能也是決議的候選事項 {len(review.entries) - items} 項（預設不勾選，請判斷）"))
    show_conflicts(review, console)
    for warning in extraction["warnings"]:
        console.print(f"[yellow]需要確認：{warning}[/yellow]")


def _show_reviews(review: ImportReview, console: Console) -> None:
    unseen = {c.case for c in review.conflicts() if c.kind == UNSEEN}
    table = Table(title="前次列管案的決定", show_lines=True)
    for column in ("案號", "決定", "紀錄原文"):
        table.add_column(column)
    if review.known is not None:
        table.add_column("本系統")
    for r in review.extraction["reviews"]:
        row = [r["case"], DECISION_ZH.get(r["decision"], r["decision"]), r.get("text") or ""]
        if review.known is not None:
            row.append("已列管" if r["case"] in review.known else "沒有資料（待補）" if r["case"] in unseen
                       else "沒有資料（依本次紀錄續辦建立）")
        table.add_row(*row)
    console.print(table)


def _points(review: ImportReview, first: int, last: int, title: str) -> Table:
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("勾選", no_wrap=True)
    table.add_column("內容", ratio=5, overflow="fold")
    table.add_column("機關／期限", ratio=2, overflow="fold")
    table.add_column("可信度／理由", ratio=2, overflow="fold")
    for n in range(first, last + 1):
        item: dict[str, Any] = review.entries[n - 1]
        agencies = "\n".join(f"{ROLE.get(r, r)}：{a}" for a, r in zip(item["agencies"], item["roles"], strict=False))
        agencies += "（推定）" if item.get("agencies_inferred") else ""
        due = due_label(item.get("due"))
        where = "\n".join(x for x in (agencies or "未寫明機關", f"期限：{due}" if due else "",
                                      f"續辦第{item['case']}案" if item.get("case") else "") if x)
        why = "\n".join(x for x in (confidence_text(item), item.get("reason") or "", item.get("source") or "") if x)
        table.add_row(str(n), "☑" if n in review.ticked else "☐", item["text"], where, why)
    return table


def show_conflicts(review: ImportReview, console: Console) -> None:
    conflicts = review.conflicts()
    if conflicts:
        console.print(f"[bold]需要回答 {len(conflicts)} 題：[/bold]")
    for c in conflicts:
        answer = review.answer_of(c) if c.case in review.answers else None
        said = f"（已回答：{ANSWER_ZH[answer]}）" if answer else ""
        console.print(f"・{c.question()}{said}")


def ticked_line(review: ImportReview) -> str:
    ticked = sorted(review.ticked)
    return f"目前勾選 {len(ticked)} 項" + (f"：{span(ticked)}" if ticked else "（不會存任何事項）")


def typed(prompt: str) -> str:
    """input(), its prompt on stdout: input() itself writes it to stderr when both ends are a terminal."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    return input()


def run(review: ImportReview, body: str, console: Console, ask: Ask = typed) -> bool:
    """The whole review; True when the user confirms saving, False (or Abandoned) when not."""
    show(review, console)
    while True:
        _ticks(review, console, ask)
        for conflict in review.conflicts():  # a case released yet given work first: it has no default
            if conflict.kind != UNSEEN and conflict.case not in review.answers:
                _answer(review, conflict, console, ask)
        _unseen_at_once(review, console, ask)
        for conflict in review.conflicts():
            if conflict.case not in review.answers:
                _answer(review, conflict, console, ask)
        console.print(_plan(review, body))
        reply = halfwidth(ask("確定存檔嗎？輸入「是」存檔、「否」不存檔、「改」回到勾選：\n> ")).strip().lower()
        if reply in ("是", "y", "yes", "確定", "存檔"):
            return True
        if reply not in ("改", "e", "edit"):
            return False


def _ticks(review: ImportReview, console: Console, ask: Ask) -> None:
    while True:
        line = halfwidth(ask(TICKS_PROMPT)).strip()
        if not line:
            return
        if line in ("放棄", "離開", "q", "quit"):
            raise Abandoned
        if line in ("全文", "清單", "列表", "l", "list"):
            show(review, console)
            continue
        m = re.match(r"^(取消勾選|取消|不要|勾選|切換)?\s*(.*)$", line)
        assert m is not None
        word, rest = m.group(1), m.group(2)
        try:
            review.set_ticks(parse_numbers(rest), on=None if word in (None, "切換") else word == "勾選")
        except ReviewError as exc:
            console.print(f"[red]{exc}[/red]")
            continue
        console.print(ticked_line(review))


def _unseen_at_once(review: ImportReview, console: Console, ask: Ask) -> None:
    """Several earlier cases the bot has never seen (a first import): one question for all of them."""
    waiting = [c for c in review.conflicts() if c.kind == UNSEEN and c.case not in review.answers]
    if len(waiting) < 2:
        return
    cases = "、".join(c.case for c in waiting)
    console.print(f"[bold]前次列管案 {len(waiting)} 案（{cases}）本系統沒有資料（前次會議紀錄未匯入）。[/bold]\n"
                  "  1) 全部建立待補：依本次紀錄建立，標示待補\n  2) 全部略過：不記錄這些案\n  3) 逐案決定")
    while True:
        reply = halfwidth(ask("請輸入 1、2 或 3（直接按 Enter＝1）：")).strip()
        if reply in ("", "1", "2"):
            for conflict in waiting:
                review.answer(conflict.case, SKIP if reply == "2" else CREATE)
            return
        if reply == "3":
            return
        console.print("[red]請輸入 1、2 或 3。[/red]")


def _answer(review: ImportReview, conflict: Conflict, console: Console, ask: Ask) -> None:
    (first, first_text), (second, second_text) = conflict.choices()
    console.print(f"[bold]{conflict.question()}[/bold]\n  1) {first_text}\n  2) {second_text}")
    default = "（直接按 Enter＝1）" if conflict.kind == UNSEEN else ""
    while True:
        reply = halfwidth(ask(f"請輸入 1 或 2{default}：")).strip()
        chosen = {"1": first, "2": second, ANSWER_ZH[first]: first, ANSWER_ZH[second]: second}.get(reply)
        if chosen is None and not reply and conflict.kind == UNSEEN:
            chosen = first
        if chosen is not None:
            review.answer(conflict.case, chosen)
            return
        console.print("[red]請輸入 1 或 2。[/red]")


def _plan(review: ImportReview, body: str) -> str:
    lines = [f"將存入「{body}」：{ticked_line(review)}。"]
    for c in review.conflicts():
        answer = review.answer_of(c)
        lines.append(f"・第{c.case}案：{ANSWER_ZH[answer] if answer else '尚未回答'}")
    return "\n".join(lines)
