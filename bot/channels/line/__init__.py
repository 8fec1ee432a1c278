"""LINE: the only code that imports linebot (the v3 async SDK). See docs/line.md.

`line_channel(runtime)` is what bot/app.py plugs in. The SDK is imported when the channel is built,
so `bot.channels.line.cost` (round_cost, for the reminder code) can be used without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.channels.line.channel import LineChannel
    from bot.runtime import Runtime


def line_channel(runtime: Runtime) -> LineChannel:
    from bot.channels.line.channel import LineChannel

    return LineChannel(runtime)


__all__ = ["line_channel"]
