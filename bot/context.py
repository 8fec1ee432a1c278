"""The one typed context every handler receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from config.directory import AgencyDirectory
from config.settings import Settings
from storage.store import Store

Role = Literal["secretariat", "agency", "none"]


@dataclass(frozen=True)
class Actor:
    """Who is speaking: the secretariat, a contact of `agency`, or someone in an unbound chat."""

    role: Role
    agency: str | None = None

    @property
    def is_secretariat(self) -> bool:
        return self.role == "secretariat"


class ChannelServices(Protocol):
    """What only a platform knows, reached through the channel that implements it."""

    async def quota(self) -> tuple[int | None, int] | None:
        """(monthly limit or None for unlimited, used this month), or None if the platform has none."""

    async def member_count(self, chat_id: str) -> int | None: ...


class NoServices:
    async def quota(self) -> tuple[int | None, int] | None:
        return None

    async def member_count(self, chat_id: str) -> int | None:
        return None


@dataclass
class Context:
    store: Store
    directory: AgencyDirectory
    settings: Settings
    clock: Callable[[], datetime]
    actor: Actor = field(default_factory=lambda: Actor("none"))
    services: ChannelServices = field(default_factory=NoServices)
    # channel-specific link maker for documents (LINE cannot send files); None: send the file
    file_link: Callable[[str, bytes], str] | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        return self.clock().astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()

    def with_actor(self, actor: Actor) -> Context:
        return Context(store=self.store, directory=self.directory, settings=self.settings,
                       clock=self.clock, actor=actor, services=self.services, file_link=self.file_link)

    def refresh_directory(self) -> None:
        """After the secretariat adds an agency or an alias: the base directory plus the database's."""
        self.directory = directory_with_entries(self.directory, self.store)


def directory_with_entries(directory: AgencyDirectory, store: Store) -> AgencyDirectory:
    from config.directory import Agency

    extra = [Agency(name=e.name, short=tuple(e.short), parent=e.parent, kind=e.kind)
             for e in store.agency_entries()]
    return AgencyDirectory.load_default().with_extra(extra) if extra else directory
