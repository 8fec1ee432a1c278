"""The composition of one bot: database, directory, router; and the path of every message."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.context import Actor, ChannelServices, Context, NoServices, directory_with_entries
from bot.messages import Incoming, Outgoing
from bot.router import Router
from config.directory import AgencyDirectory
from config.settings import Settings
from storage.db import make_engine
from storage.models import SECRETARIAT
from storage.store import Store

log = logging.getLogger(__name__)


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Bot:
    store: Store
    settings: Settings
    directory: AgencyDirectory
    router: Router
    clock: Callable[[], datetime]

    def context(self, *, actor: Actor | None = None, services: ChannelServices | None = None) -> Context:
        return Context(store=self.store, directory=self.directory, settings=self.settings, clock=self.clock,
                       actor=actor or Actor("none"), services=services or NoServices())

    def actor_for(self, msg: Incoming) -> Actor:
        """Admins act as the secretariat anywhere; otherwise the chat's binding decides."""
        admin, bound = self.store.standing(user=msg.user_key, chat=msg.chat.key)
        if admin or bound == SECRETARIAT:
            return Actor("secretariat")
        return Actor("agency", bound) if bound else Actor("none")

    async def handle(self, msg: Incoming, *, actor: Actor | None = None,
                     services: ChannelServices | None = None) -> list[Outgoing]:
        ctx = self.context(actor=actor or self.actor_for(msg), services=services)
        if msg.edited:
            from handlers.replies import edited

            return await edited(msg, ctx)
        answers = await self.router.dispatch(msg, ctx)
        self.directory = ctx.directory  # the secretariat may have added an agency
        return answers


def open_bot(settings: Settings, *, clock: Callable[[], datetime] = system_clock) -> Bot:
    from handlers import build_router

    defaults = {"reminder_weekday": settings.reminder_weekday, "reminder_time": settings.reminder_time,
                "deadline_office_days": settings.deadline_office_days}
    store = Store(make_engine(settings.database_url), clock=clock, body_defaults=defaults)
    directory = directory_with_entries(AgencyDirectory.load_default(), store)
    return Bot(store=store, settings=settings, directory=directory, router=build_router(), clock=clock)
