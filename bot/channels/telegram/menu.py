"""The command menu (setMyCommands): every command's English alias, described in zh-TW.

Telegram accepts only Latin commands, so the menu lists the aliases (/list, /r, /bind); each
description starts with the Chinese word, which works too in private chats. Groups get the commands
an agency's contacts use; the secretariat's own groups and private chats get every command.
The menu is built from the router, so a new command appears in it without another list to keep.
"""

from __future__ import annotations

import logging
import re

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError

from bot.router import Command, Router

log = logging.getLogger(__name__)
_NAME = re.compile(r"^[a-z0-9_]{1,32}$")  # what Telegram accepts as a command
_HELP = "看可以使用的指令"


def description(command: Command) -> str:
    """「列表：列出列管中的案件」: the Chinese word, then the summary's first clause."""
    zh = command.names[0]
    short = re.split(r"[：；]", command.summary, maxsplit=1)[0].strip() if command.summary else _HELP
    text = short if short.startswith(zh) else f"{zh}：{short}"
    return text[:256]


def commands(router: Router, *, for_groups: bool) -> list[BotCommand]:
    """The menu; for groups only what an agency's contacts (or an unbound group) may use."""
    menu: dict[str, BotCommand] = {}
    for command in router.commands:
        if for_groups and not {"agency", "none"} & set(command.roles):
            continue
        alias = next((n for n in command.names[1:] if _NAME.match(n)), None)
        if alias and alias not in menu:
            menu[alias] = BotCommand(alias, description(command))
    return list(menu.values())[:100]


async def publish(api: Bot, router: Router, *, secretariat_chats: list[int]) -> None:
    """Set the menus; a failure is logged, never fatal (the commands work without a menu)."""
    try:
        await api.set_my_commands(commands(router, for_groups=False), scope=BotCommandScopeDefault())
        await api.set_my_commands(commands(router, for_groups=True), scope=BotCommandScopeAllGroupChats())
        for chat_id in secretariat_chats:
            await show_all(api, router, chat_id)
    except TelegramError as error:
        log.warning("無法設定 Telegram 指令選單：%s", error)


async def show_all(api: Bot, router: Router, chat_id: int) -> None:
    """A secretariat group sees every command in its menu."""
    await api.set_my_commands(commands(router, for_groups=False), scope=BotCommandScopeChat(chat_id))


async def show_group_menu(api: Bot, chat_id: int) -> None:
    """A group no longer the secretariat's falls back to the groups' menu."""
    await api.delete_my_commands(scope=BotCommandScopeChat(chat_id))
