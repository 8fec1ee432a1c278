"""Desk forms that are chat commands: the same handler runs, as the person signed in (web:<user>).

Only for handlers whose answers go back to the one asking (提醒, 停班, 下次會議): an answer meant
for another chat would need the outbox, which a page does not hold.
"""

from __future__ import annotations

import logging

from bot.dates import DateError
from bot.messages import ChatRef, Incoming
from bot.router import Handler, UserError
from bot.web.desk import Desk
from storage.base import StoreError

log = logging.getLogger(__name__)
DESK_CHAT = ChatRef("web", "desk")


async def run_command(desk: Desk, handler: Handler, args: str) -> tuple[str | None, str | None]:
    """(what the bot answered, None) or (None, the polite refusal)."""
    ctx = desk.context()
    msg = Incoming(chat=DESK_CHAT, user_id=desk.user.user, user_name=desk.user.name, text=args, at=ctx.now(),
                   chat_kind="private")
    try:
        answers = await handler(msg, args, ctx)
    except (UserError, StoreError, DateError) as refusal:
        log.info("web desk refused %r from %s: %s", args[:80], desk.user.user, refusal)
        return None, str(refusal)
    assert all(o.chat is None for o in answers), "a desk form ran a command that writes to other chats"
    return "\n".join(o.text for o in answers), None
