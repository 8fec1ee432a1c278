"""The command-line framework's own words in zh-TW: the help layout, the help option, every usage error.

Typer (and the Click it vendors) write "Usage", "Options", "Missing option" and the like in English,
mostly without gettext. Rather than patching strings per command, every command and group of the app
is made of the classes below (`localize`), which lay out help themselves, and `run` turns every
framework error into a zh-TW sentence from the error's own fields (its option, its value), not
from its English text. Rich's panels are left out: plain text wraps Chinese cleanly in any terminal.
"""

from __future__ import annotations

import logging
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, get_args, get_origin

import typer
from typer import _click as click
from typer._click import exceptions as errors
from typer._click.formatting import HelpFormatter, join_options
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.models import DefaultPlaceholder

log = logging.getLogger(__name__)

USAGE = "用法："
OPTIONS_METAVAR = "[選項]"
SUBCOMMAND_METAVAR = "指令 [參數]…"
HELP_OPTION = "顯示這份說明後結束。"
ABORTED = "已取消。"
# Names shown for values in help and errors, by the parameter's Python type.
TYPE_NAMES: dict[Any, str] = {str: "文字", Path: "路徑", int: "整數", float: "數字", bool: "是或否"}
# Arguments without a metavar of their own are named by their Python name; these read as zh-TW.
ARGUMENT_NAMES = {"file": "檔案", "agency": "機關", "user": "使用者", "name": "名稱", "aliases": "簡稱",
                  "keyword": "關鍵字", "day": "日期", "code": "綁定碼", "path": "路徑"}


def _type_name(annotation: Any) -> str:
    if get_origin(annotation) is list:
        (inner,) = get_args(annotation) or (str,)
        return _type_name(inner)
    return TYPE_NAMES.get(annotation, "值")


def param_label(param: click.core.Parameter | None) -> str:
    """--format for an option, 檔案 for an argument: how help and errors name a parameter."""
    if param is None:
        return ""
    if isinstance(param, TyperOption) or param.param_type_name == "option":
        return "／".join(param.opts)
    if param.metavar:
        return param.metavar
    name = param.name or ""
    return ARGUMENT_NAMES.get(name, name.upper())


def _record(param: click.core.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    if getattr(param, "hidden", False):
        return None
    typed = getattr(param, "type_descriptor", None)
    kind = _type_name(typed.annotation) if typed is not None else "值"
    many = "…" if getattr(param, "multiple", False) or param.nargs != 1 else ""
    if param.param_type_name == "argument":
        name = param_label(param) + many
    else:
        name, _ = join_options(param.opts)
        if param.secondary_opts:
            name += " / " + join_options(param.secondary_opts)[0]
        if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
            name += f" {param.metavar or kind}{many}"
    extra = []
    default = param.default
    shown = getattr(param, "show_default", True) is not False and not getattr(param, "is_flag", False)
    if shown and default not in (None, "", (), []) and not callable(default):
        extra.append(f"預設：{default}")
    if param.required:
        extra.append("必填")
    help_text = getattr(param, "help", None) or ""
    return name, (help_text + (f"〔{'；'.join(extra)}〕" if extra else "")).strip()


def width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _section(formatter: HelpFormatter, title: str, rows: Sequence[tuple[str, str]]) -> None:
    """A heading and its rows, the descriptions lined up (Click's own layout counts 字 as one column)."""
    if not rows:
        return
    formatter.write_paragraph()
    formatter.write(f"{title}：\n")
    first = max(width(name) for name, _ in rows)
    for name, text in rows:
        formatter.write(f"  {name}{' ' * (first - width(name))}  {text}".rstrip() + "\n")


class _Localized(click.Command):
    """Help in zh-TW for a command or a group; mixed in before Typer's own class."""

    def get_help_option(self, ctx: click.Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [OPTIONS_METAVAR] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                label = param_label(param) + ("…" if param.nargs != 1 else "")
                pieces.append(f"{label}" if param.required else f"[{label}]")
        if isinstance(self, TyperGroup):
            pieces.append(SUBCOMMAND_METAVAR)
        return pieces

    def format_usage(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE)

    def format_options(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        records = [(p, _record(p, ctx)) for p in self.get_params(ctx)]
        _section(formatter, "參數", [r for p, r in records if r and p.param_type_name == "argument"])
        _section(formatter, "選項", [r for p, r in records if r and p.param_type_name == "option"])
        if isinstance(self, TyperGroup):
            rows = []
            for name in self.list_commands(ctx):
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit=200)))
            _section(formatter, "指令", rows)


class ZhCommand(_Localized, TyperCommand):
    """A command whose help is zh-TW."""


class ZhGroup(_Localized, TyperGroup):
    """A group whose help is zh-TW."""


def localize(app: typer.Typer) -> None:
    """Every command and group of `app`, and of the apps added to it, built from the zh-TW classes
    (unless one asked for a class of its own)."""
    app.rich_markup_mode = None
    if isinstance(app.info.cls, DefaultPlaceholder) or app.info.cls in (None, TyperGroup):
        app.info.cls = ZhGroup
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = ZhCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            localize(group.typer_instance)  # its group class comes from the instance


_NO_COMMAND = re.compile(r"No such command '(.*)'\.(?: Did you mean (.*)\?)?$", re.S)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Missing command\.$"), "請在後面寫出要執行的指令。"),
    (re.compile(r"Got unexpected extra arguments?(?:\(s\))? \((.*)\)$", re.S), "多了無法辨識的參數：{0}。"),
    (re.compile(r"Argument '(.*)' takes (\d+) values\.$"), "參數「{0}」需要 {1} 個值。"),
    (re.compile(r"Option '(.*)' requires (?:an argument|(\d+) arguments)\.$"), "選項「{0}」後面要接一個值。"),
    (re.compile(r"Option '(.*)' does not take a value\.$"), "選項「{0}」不接受值。"),
)
# Value errors come from pydantic (「Input should be a valid integer…」) or Click (「'x' is not one of …」).
_VALUE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"valid integer"), "須為整數"),
    (re.compile(r"valid (?:number|float|decimal)"), "須為數字"),
    (re.compile(r"valid boolean"), "須為是或否"),
    (re.compile(r"valid date"), "須為日期"),
    (re.compile(r"Input should be ((?:'[^']*'(?:, | or )?)+)$"), "只能是 {0}"),
    (re.compile(r"'?(.*?)'? is not one of (.*)\.$", re.S), "「{0}」不在可用的值之中：{1}"),
    (re.compile(r"\w+ '(.*)' does not exist", re.S), "「{0}」不存在"),
    (re.compile(r"\w+ '(.*)' is a (?:file|directory)", re.S), "「{0}」的種類不對"),
)
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _suggestion(text: str | None) -> str:
    names = re.findall(r"'([^']*)'", text or "")
    return f"您是不是要找：{'、'.join(names)}？" if names else ""


def _value_problem(message: str) -> str:
    for pattern, template in _VALUE_PATTERNS:
        found = pattern.search(message)
        if found:
            return template.format(*(g.replace(" or ", "、").replace(", ", "、") for g in found.groups()))
    return "" if _LATIN_WORD.search(message) else message  # our own zh-TW sentences pass through


def explain(exc: errors.ClickException) -> str:
    """The error in zh-TW, built from its fields; never the framework's English."""
    if isinstance(exc, errors.MissingParameter):
        kind = "選項" if exc.param is not None and exc.param.param_type_name == "option" else "參數"
        return f"缺少{kind}「{param_label(exc.param) or exc.param_hint}」。"
    if isinstance(exc, errors.NoSuchOption):
        near = "、".join(sorted(exc.possibilities or ()))
        return f"沒有「{exc.option_name}」這個選項。" + (f"您是不是要找：{near}？" if near else "")
    if isinstance(exc, errors.BadParameter):
        label = param_label(exc.param) or (exc.param_hint if isinstance(exc.param_hint, str) else "")
        problem = _value_problem(exc.message)
        return f"「{label}」的值不正確" + (f"：{problem}。" if problem else "。")
    if isinstance(exc, errors.FileError):
        return f"無法開啟檔案「{exc.ui_filename}」。"
    unknown = _NO_COMMAND.match(exc.message)
    if unknown:
        return f"沒有「{unknown[1]}」這個指令。" + _suggestion(unknown[2])
    for pattern, template in _PATTERNS:
        found = pattern.match(exc.message)
        if found:
            return template.format(*(g or "" for g in found.groups()))
    if not _LATIN_WORD.search(exc.message):
        return exc.message
    log.debug("untranslated CLI error: %s", exc.message)
    return "指令的寫法不正確。"


def show(exc: errors.ClickException) -> None:
    """用法 line, where to find help, then 錯誤：… — all on stderr."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
        if ctx.command.get_help_option(ctx) is not None:
            typer.echo(f"執行「{ctx.command_path} {ctx.help_option_names[0]}」可看說明。", err=True)
    typer.echo(f"錯誤：{explain(exc)}", err=True)


def run(app: typer.Typer, args: Sequence[str] | None = None) -> NoReturn:
    """Run the app with zh-TW help and errors; exits with the command's code (2 for a usage error)."""
    localize(app)
    try:
        code = app(args=args, standalone_mode=False)
    except errors.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help(), err=True)
        sys.exit(exc.exit_code)
    except errors.ClickException as exc:
        show(exc)
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo(ABORTED, err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
