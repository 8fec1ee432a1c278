"""The `lieguan` command: zh-TW on stdout, errors on stderr with a non-zero exit, never a traceback."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:  # each command imports what it needs: `lieguan --help` loads no database, SDK or report library
    from bot.core import Bot
    from config.settings import Settings
    from storage.views import BodyView, ItemView

SECRETARIAT = "秘書處"  # storage.models.SECRETARIAT, spelled out so that building the help imports no SQLAlchemy

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True,
                  help="列管：追蹤會議決議事項的聊天機器人。")
admin_app = typer.Typer(help="管理秘書處人員（平台:使用者代號）。", no_args_is_help=True)
agency_app = typer.Typer(help="機關名錄。", no_args_is_help=True)
app.add_typer(admin_app, name="admin")
app.add_typer(agency_app, name="agency")


class CliError(Exception):
    """Printed on stderr as it is, exit 1."""


def fail(message: str) -> NoReturn:
    raise CliError(message)


def body_named(bot: Bot, name: str | None) -> BodyView | None:
    """The body `--body NAME` names (its name, code or a unique part of its name); None when not given."""
    if name is None:
        return None
    found = bot.store.find_body(name=name)
    if found is None:
        fail(f"找不到會議「{name}」。")
    return found


def ready_bot() -> Bot:
    from bot.core import open_bot
    from config.settings import load_settings
    from storage.db import migrate

    settings = load_settings()
    migrate(settings.database_url)
    return open_bot(settings)


@app.command()
def init() -> None:
    """建立或更新資料庫（migrate 到最新版）。"""
    from config.settings import load_settings
    from storage.db import migrate

    settings = load_settings()
    migrate(settings.database_url)
    typer.echo(f"資料庫已就緒：{settings.database_url}")


@app.command()
def serve() -> None:
    """啟動機器人：網頁服務、已設定的 LINE／Telegram 頻道、排程。"""
    from bot.app import run
    from config.settings import load_settings
    from storage.db import migrate

    settings = load_settings()
    migrate(settings.database_url)
    run(settings)


@app.command()
def chat(as_: Annotated[str, typer.Option("--as", help="以「秘書處」或某機關的身分對話")] = SECRETARIAT) -> None:
    """在終端機與機器人對話（與 LINE、Telegram 相同的指令）。"""
    from bot.app import build_runtime
    from bot.channels.console import ConsoleChannel

    bot = ready_bot()
    try:
        console = ConsoleChannel(bot, speaking_as=as_, outbox=build_runtime(bot).outbox)
    except ValueError as exc:
        fail(str(exc))
    if not sys.stdin.isatty():
        for line in sys.stdin:
            if line.strip():
                typer.echo(asyncio.run(console.say(line.rstrip("\n"))))
                typer.echo("")
        return
    typer.echo(f"以「{as_}」身分與列管機器人對話。輸入「說明」看指令，Ctrl-D 或「離開」結束。")
    while True:
        try:
            line = input("> ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            return
        if line.strip() in ("離開", "exit", "quit"):
            return
        if line.strip():
            typer.echo(asyncio.run(console.say(line)))


def item_json(item: ItemView, settings: Settings) -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(settings.timezone)
    last = item.latest_reply()
    due: str | None = item.due_date.isoformat() if item.due_date else (
        "next_meeting" if item.due_next_meeting else None)
    return {
        "body": item.body, "case": item.label, "text": item.text, "status": item.status, "due": due,
        "agencies": [{"name": n, "role": r} for n, r in item.agencies],
        "last_reply": None if last is None else {
            "agency": last.agency, "text": last.text, "at": last.at.astimezone(tz).isoformat(timespec="seconds")},
        "subject": item.subject, "meeting": item.meeting_number, "source": item.source,
        "proposal": None if item.proposal is None else {"kind": item.proposal, "reason": item.proposal_reason},
        # every reply as stored, oldest first; `superseded` and `corrects` tell which a correction replaced
        "replies": [{"agency": r.agency, "text": r.text, "at": r.at.astimezone(tz).isoformat(timespec="seconds"),
                     "kind": r.contract_kind, "withdrawn": r.withdrawn,
                     "files": [{"name": f.name, "type": f.mime, "size": f.size, "sha256": f.sha256,
                                "at": f.at.astimezone(tz).isoformat(timespec="seconds")} for f in r.files],
                     "id": r.id,
                     "corrects": r.corrects, "superseded": r.superseded, "late": r.late}
                    for r in item.replies],
    }


@app.command()
def items(
    body: Annotated[str | None, typer.Option(help="會議名稱或代號")] = None,
    status: Annotated[str, typer.Option(help="open｜released｜all")] = "open",
    agency: Annotated[str | None, typer.Option(help="機關")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="輸出 JSON")] = False,
) -> None:
    """列出列管案。"""
    from bot.format import agencies_text, due_text, status_text

    if status not in ("open", "released", "all"):
        fail("--status 只能是 open、released 或 all。")
    bot = ready_bot()
    found = body_named(bot, body)
    body_id = found.id if found else None
    names = None
    if agency is not None:
        resolved = bot.directory.resolve(agency)
        if resolved is None:
            fail(bot.directory.unknown(agency))
        names = [resolved]
    rows = bot.store.items(body_id=body_id, status=status, agencies=names)
    if as_json:
        typer.echo(json.dumps([item_json(i, bot.settings) for i in rows], ensure_ascii=False, indent=1))
        return
    if not rows:
        typer.echo("沒有符合的列管案。")
    for i in rows:
        typer.echo(f"#{i.label}【{status_text(i)}】{i.text[:40]}　{agencies_text(i)}　{due_text(i)}")


@app.command("bind-code")
def bind_code(agency: Annotated[str, typer.Argument(help="機關名稱，或「秘書處」")]) -> None:
    """產生綁定碼（最後一行就是綁定碼）。"""
    from handlers.binding import bind_target

    bot = ready_bot()
    from bot.router import UserError

    try:
        target = bind_target(bot.context(), agency)
    except UserError as exc:
        fail(str(exc))
    code = bot.store.create_bind_code(agency=target, actor="cli", chat=None)
    typer.echo(f"{target}的綁定碼（24 小時內有效、限用一次），在群組輸入「綁定 {code}」：")
    typer.echo(code)


@admin_app.command("add")
def admin_add(user: Annotated[str, typer.Argument(help="例如 line:U1234… 或 telegram:12345")]) -> None:
    """讓一個人在任何群組都以秘書處身分操作。"""
    if ":" not in user:
        fail("請寫成「平台:使用者代號」，例如 line:U4af4980629… 或 telegram:123456789。")
    added = ready_bot().store.add_admin(user=user, actor="cli")
    typer.echo(f"已加入秘書處人員：{user}" if added else f"{user} 已經是秘書處人員。")


@admin_app.command("remove")
def admin_remove(user: str) -> None:
    """移除秘書處人員。"""
    if not ready_bot().store.remove_admin(user=user, actor="cli"):
        fail(f"{user} 不是秘書處人員。")
    typer.echo(f"已移除秘書處人員：{user}")


@admin_app.command("list")
def admin_list() -> None:
    """列出秘書處人員。"""
    people = ready_bot().store.admins()
    typer.echo("\n".join(people) if people else "目前沒有個別指定的秘書處人員（秘書處群組的成員都算）。")


@agency_app.command("add")
def agency_add(name: str, parent: Annotated[str | None, typer.Option(help="上級機關")] = None,
               short: Annotated[list[str] | None, typer.Option(help="簡稱，可重複")] = None) -> None:
    """在機關名錄新增機關。"""
    bot = ready_bot()
    if bot.directory.get(name) is not None:
        fail(f"「{name}」已在機關名錄裡。")
    parent_name = bot.directory.resolve(parent) if parent else None
    if parent and parent_name is None:
        fail(f"找不到上級機關「{parent}」。")
    kind = "unit" if parent_name else ("local" if name.endswith("政府") else "ministry")
    bot.store.save_agency(name=name, short=short or [], parent=parent_name, kind=kind, actor="cli", chat=None)
    typer.echo(f"已新增機關「{name}」。")


@agency_app.command("alias")
def agency_alias(name: str, aliases: list[str]) -> None:
    """替機關加上簡稱。"""
    bot = ready_bot()
    canonical = bot.directory.resolve(name)
    found = bot.directory.get(canonical) if canonical else None
    if found is None:
        fail(f"找不到機關「{name}」。")
    bot.store.save_agency(name=found.name, short=aliases, parent=found.parent, kind=found.kind,
                          actor="cli", chat=None)
    typer.echo(f"已記下：{'、'.join(aliases)} 都是「{found.name}」。")


@agency_app.command("list")
def agency_list(keyword: Annotated[str | None, typer.Argument()] = None) -> None:
    """列出機關名錄。"""
    for a in ready_bot().directory.all():
        if keyword is None or keyword in a.name:
            typer.echo(a.name + (f"（{'、'.join(a.short)}）" if a.short else ""))


def main() -> None:
    import bot.cli_import
    import bot.cli_ops  # backup, restore, move-to
    import bot.cli_remind
    import bot.cli_report
    import bot.cli_web  # noqa: F401  (registers `report`, `web-login`)
    from bot.cli_zh import run

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        run(app)  # zh-TW help and framework errors (bot/cli_zh.py)
    except CliError as exc:
        typer.echo(f"錯誤：{exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # the user gets a sentence, the log gets the rest
        logging.getLogger("lieguan").debug("command failed", exc_info=True)
        typer.echo(f"錯誤：{exc.__class__.__name__}: {exc}", err=True)
        sys.exit(1)
