"""Owners the minutes name by reference rather than by name: the body itself and the unit visited.

A committee decides for itself (本大樓決定於管理室設置意見箱, 決議明年度…降為50瓩) and asks its own
staff (請幕僚再徵詢委員意見); an inspection's instructions go to the unit inspected, written 該局 or
not at all (赴第九河川局視察…亦指示該局…). Both are shown as inferred where the point names nobody.
"""

from __future__ import annotations

import re

from bot.minutes.roles import LEAD, Owner, RoleFinder
from bot.minutes.sweep import decided, instructs

_STAFF = ("幕僚", "幕僚單位")
_THAT_UNIT = re.compile(r"該[局處署所校院會家隊]")


class SelfRefs:
    def __init__(self, roles: RoleFinder, own: str | None, visited: str | None) -> None:
        self.roles = roles
        self.own = own  # the committee itself
        self.visited = visited  # the unit an inspection visits

    def substitute(self, owners: list[Owner]) -> list[Owner]:
        """幕僚 → the committee; 該院 → the unit visited."""
        if self.own and any(o.written in _STAFF for o in owners):
            owners = [Owner(self.own, self.own, LEAD)] + [o for o in owners if o.written not in _STAFF]
        if self.visited and any(_THAT_UNIT.fullmatch(o.written.strip()) for o in owners):
            visited = self._visited()
            owners = [visited if _THAT_UNIT.fullmatch(o.written.strip()) else o for o in owners]
        return owners

    def fallback(self, part: str) -> list[Owner]:
        """Who a point naming nobody belongs to, when it is the body's own or the visited unit's."""
        if self.visited and (instructs(part) or _THAT_UNIT.search(part)):
            return [self._visited()]
        if self.own and decided(part):
            return [Owner(self.own, self.own, LEAD)]
        return []

    def _visited(self) -> Owner:
        assert self.visited is not None
        found = self.roles.named(self.visited).owners
        return found[0] if found else Owner(self.visited, None, LEAD)
