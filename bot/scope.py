"""Which items an agency answers for: its own, its sub-units' (reminded in its chat), and the
collective addressees it belongs to (各部會, 各地方政府 …)."""

from __future__ import annotations

from collections.abc import Iterable, Set

from config.directory import AgencyDirectory
from storage.views import ItemView


def _as_set(names: Iterable[str]) -> Set[str]:
    """A round passes the bound agencies for every item: copying them each time made it quadratic."""
    return names if isinstance(names, Set) else set(names)


def descendants(directory: AgencyDirectory, agency: str) -> list[str]:
    found: list[str] = []
    queue = [agency]
    while queue:
        for child in directory.children(queue.pop()):
            if child.name not in found:
                found.append(child.name)
                queue.append(child.name)
    return found


def collectives_of(directory: AgencyDirectory, agency: str) -> list[str]:
    return [a.name for a in directory.all()
            if a.kind == "collective" and any(m.name == agency for m in directory.members(a.name))]


def agency_scope(directory: AgencyDirectory, agency: str) -> set[str]:
    """Every item-agency name a contact of `agency` may see and answer."""
    return {agency, *descendants(directory, agency), *collectives_of(directory, agency)}


def answering_as(directory: AgencyDirectory, item: ItemView, agency: str) -> str | None:
    """The agency a contact of `agency` replies for on `item` (itself, or its sub-unit), or None."""
    names = [name for name, _ in item.agencies]
    if agency in names:
        return agency
    for unit in descendants(directory, agency):
        if unit in names:
            return unit
    if set(collectives_of(directory, agency)) & set(names):
        return agency
    return None


def who_answers(directory: AgencyDirectory, item: ItemView, bound: Iterable[str]) -> list[str]:
    """Each agency expected to reply on `item`: collectives expand to their bound members."""
    bound = _as_set(bound)
    expected: list[str] = []
    for name, _ in item.agencies:
        agency = directory.get(name)
        if agency is not None and agency.kind == "collective":
            members = [m.name for m in directory.members(name) if m.name in bound]
            expected.extend(m for m in members if m not in expected)
        elif name not in expected:
            expected.append(name)
    return expected


def chat_agency_for(directory: AgencyDirectory, agency: str, bound: Iterable[str]) -> str | None:
    """The bound agency whose chat hears about `agency`: itself, or its nearest bound parent."""
    bound = _as_set(bound)
    current: str | None = agency
    while current is not None:
        if current in bound:
            return current
        found = directory.get(current)
        current = found.parent if found else None
    return None
