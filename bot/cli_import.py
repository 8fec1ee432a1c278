"""`lieguan import FILE`: the extraction reviewed in the terminal, saved only after confirmation."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.cli import app, fail, ready_bot

if TYPE_CHECKING:  # imported where used: the help and --dry-run need no database and no rich
    from rich.console import Console

    from bot.core import Bot
    from handlers.import_review import ImportReview

RESOLVE_HELP = ("衝突怎麼處理（可重複）：keep 繼續列管、release 解除列管（解除列管卻又交辦工作的案），"
                "create 建立待補、skip 略過（本系統沒有資料的前次列管案）；也可寫 3=keep 只指第3案")


def _read(file: Path) -> tuple[str, list[str]]:
    from bot.minutes import MinutesReadError
    from bot.minutes.reader import read_document

    if not file.is_file():
        fail(f"找不到檔案：{file}")
    try:
        document = read_document(file.name, file.read_bytes())
    except MinutesReadError as exc:
        fail(str(exc))
    return document.text, document.warnings


def _resolve(review: ImportReview, values: list[str]) -> None:
    from handlers.import_review import ANSWER_ZH, ReviewError

    for value in values:
        case, _, answer = value.rpartition("=")
        answer = answer.strip().lower()
        if answer not in ANSWER_ZH:
            fail(f"--resolve 看不懂「{value}」：請寫 keep、release、create 或 skip（或 3=keep）。")
        try:
            if case:
                review.answer(case, answer)
            else:
                review.answer_all(answer)
        except ReviewError as exc:
            fail(f"--resolve {value}：{exc}")


@app.command("import")
def import_minutes(
    file: Annotated[Path, typer.Argument(help="會議紀錄檔（.txt、.docx、.odt 或可選取文字的 .pdf）")],
    body: Annotated[str | None, typer.Option(help="會議名稱（預設取自紀錄標題）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只顯示擷取結果，不存檔、不需資料庫")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="輸出 JSON：會議、前次列管案的決定、列管事項與待確認事項")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="不詢問，只存勾選的事項；有未回答的衝突就不存")] = False,
    resolve: Annotated[list[str] | None, typer.Option("--resolve", help=RESOLVE_HELP)] = None,
) -> None:
    """匯入會議紀錄：逐項檢視擷取的列管事項、調整勾選、回答衝突，確認後存檔。"""
    text, notes = _read(file)
    if dry_run:
        from bot.minutes import extract
        from config.directory import AgencyDirectory

        extraction = extract(text, directory=AgencyDirectory.load_default(), body=body).to_json()
        extraction["warnings"] = notes + extraction["warnings"]
        if as_json:
            typer.echo(json.dumps(extraction, ensure_ascii=False, indent=1))
        else:
            from rich.console import Console

            from bot.cli_review import show
            from handlers.import_review import ImportReview

            show(ImportReview.fresh(extraction), Console())
        return
    if as_json and not yes:
        fail("--json 不會逐項詢問：請加 --yes 直接存勾選的事項，或加 --dry-run 只看擷取結果。")
    _save(ready_bot(), text, notes, body, yes=yes, as_json=as_json, resolve=resolve or [])


def _save(bot: Bot, text: str, notes: list[str], body: str | None, *, yes: bool, as_json: bool,
          resolve: list[str]) -> None:
    from rich.console import Console

    from bot.cli_review import show
    from bot.router import UserError
    from handlers.imports import body_name, digest, extraction_of, review_of, save, saved_text
    from storage.base import StoreError

    console = Console()
    try:
        extraction = extraction_of(text, bot.directory, body)
        extraction["warnings"] = notes + extraction["warnings"]
        name = body_name(extraction, body)
        if bot.store.minutes_imported(body=name, digest=digest(text), number=extraction["meeting"].get("number")):
            _done(as_json, {"body": name, "already": True, "created": [], "updated": []},
                  f"這份會議紀錄已經匯入過了（{name}），沒有重複存檔。")
            return
        review = review_of(bot.context(), extraction, name)
        _resolve(review, resolve)
        if yes:
            _check_answered(review, as_json, console)
        elif not sys.stdin.isatty():
            show(review, console)
            fail("未確認，沒有存檔。（在終端機執行可逐項確認；或加 --yes 直接存勾選的事項）")
        elif not _confirmed(review, name, console):
            fail("沒有存檔。")
        result = save(bot.context(), text, body, actor="cli", chat=None, review=review)
    except (UserError, StoreError) as exc:
        fail(str(exc))
    _done(as_json, {"body": result.body, "already": result.already, "created": result.created,
                    "updated": result.updated, "backfilled": result.backfilled, "skipped": result.skipped},
          saved_text(result, bot.store))


def _check_answered(review: ImportReview, as_json: bool, console: Console) -> None:
    from bot.cli_review import show

    if not as_json:
        show(review, console)
    waiting = review.unanswered()
    if waiting:
        lines = [f"還有 {len(waiting)} 案需要決定，沒有存檔："] + [f"・{c.question()}" for c in waiting]
        lines.append("請加 --resolve keep（繼續列管）或 --resolve release（解除列管），"
                     f"或只指一案，例如 --resolve {waiting[0].case}=keep；也可以不加 --yes，在終端機逐項回答。")
        fail("\n".join(lines))


def _confirmed(review: ImportReview, name: str, console: Console) -> bool:
    from bot.cli_review import Abandoned, run

    try:
        return run(review, name, console)
    except (Abandoned, EOFError, KeyboardInterrupt):
        console.print("")
        return False


def _done(as_json: bool, found: dict[str, Any], text: str) -> None:
    typer.echo(json.dumps(found, ensure_ascii=False) if as_json else text)
