"""Telegram: the same bot in Telegram groups and private chats (the only code that imports telegram)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.channels.telegram.channel import TelegramChannel

if TYPE_CHECKING:
    from bot.runtime import Channel, Runtime


def telegram_channel(runtime: Runtime) -> Channel:
    return TelegramChannel(runtime)


__all__ = ["TelegramChannel", "telegram_channel"]
