"""LINE: the Messaging API as our own JSON over one aiohttp session (client.py, http.py). See docs/line.md.

`line_channel(runtime)` is what bot/app.py plugs in. The channel's modules are imported when it is
built, so `bot.channels.line.cost` (round_cost, for the reminder code) can be used without them.
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
