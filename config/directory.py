"""The agency directory: canonical names, short names, and who belongs to whom.

Minutes and users name agencies loosely (衛福部, 保護司, 台北市, 本府社會局); everything the bot
stores uses one canonical name (衛生福利部保護服務司), so that a reply, a reminder and a report
all land on the same agency.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

KINDS = ("ministry", "local", "unit", "collective")

# One character for one, so that positions found in folded text are positions in the original.
_FOLD = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, ord("台"): ord("臺"), ord("内"): ord("內")}
_FOLDABLE = re.compile("[\uff01-\uff5e\u3000台内]")

# 本府 / 本部 …: the body's own government or one of its ancestors, by kind or by name ending.
_SELF_REFS: dict[str, tuple[str, str]] = {
    "本府": ("kind", "local"), "本市": ("kind", "local"), "本縣": ("kind", "local"),
    "本部": ("kind", "ministry"), "本院": ("suffix", "院"), "本署": ("suffix", "署"),
    "本局": ("suffix", "局"), "本處": ("suffix", "處"), "本司": ("suffix", "司"),
    "本會": ("suffix", "會"), "本中心": ("suffix", "中心"),
}
# 基本部分, 成本部分 …: 本 belongs to the word before it, or 本部分 means "this part".
_NOT_SELF_BEFORE = set("基根成版文樣劇課資原日腳藍範副標讀話")
_NOT_SELF_AFTER = set("分份")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Full-width ASCII to half-width and 台 to 臺, keeping every position."""
    # translate() looks each character up in a dict; parsing folds the same paragraphs many times.
    return text.translate(_FOLD) if _FOLDABLE.search(text) else text


def name_key(name: str) -> str:
    """How a name is looked up: folded, without any whitespace."""
    return "".join(fold(name).split())


@dataclass(frozen=True)
class Agency:
    name: str  # canonical: 衛生福利部保護服務司
    short: tuple[str, ...]  # short names/aliases: ("保護司",)
    parent: str | None  # canonical name of the parent: 衛生福利部
    kind: str  # "ministry", "local", "unit" or "collective"


@dataclass(frozen=True)
class Mention:
    """An agency named in a text: where, as written, and its canonical name (None if ambiguous)."""

    start: int
    end: int
    written: str
    name: str | None


class AgencyDirectory:
    def __init__(self, agencies: Iterable[Agency]) -> None:
        self._agencies: dict[str, Agency] = {}
        for agency in agencies:
            if agency.kind not in KINDS:
                raise ValueError(f"機關「{agency.name}」的類別「{agency.kind}」不正確")
            self._agencies[agency.name] = agency
        self._aliases: dict[str, list[tuple[int, str]]] = {}
        for agency in self._agencies.values():
            for weight, alias in self._names_of(agency):
                self._aliases.setdefault(alias, []).append((weight, agency.name))
        lengths: dict[str, set[int]] = {}
        for alias in self._aliases:
            lengths.setdefault(alias[0], set()).add(len(alias))
        self._lengths = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}

    # ── construction ──────────────────────────────────────────────────

    @classmethod
    def load_default(cls) -> AgencyDirectory:
        return _default()

    @classmethod
    def from_toml(cls, text: str) -> AgencyDirectory:
        data = tomllib.loads(text)
        templates = {name: t.get("units", []) for name, t in data.get("templates", {}).items()}
        return cls(_expand(data.get("agency", []), templates))

    def with_extra(self, extra: Iterable[Agency]) -> AgencyDirectory:
        merged = dict(self._agencies)
        for agency in extra:
            old = merged.get(agency.name)
            if old is None:
                merged[agency.name] = agency
            else:
                aliases = old.short + tuple(s for s in agency.short if s not in old.short)
                merged[agency.name] = replace(old, short=aliases)
        return AgencyDirectory(merged.values())

    # ── lookup ────────────────────────────────────────────────────────

    def all(self) -> list[Agency]:
        return list(self._agencies.values())

    def get(self, name: str) -> Agency | None:
        return self._agencies.get(name)

    def resolve(self, name: str, *, government: str | None = None) -> str | None:
        key = name_key(name)
        gov = self._government(government)
        if key in self._aliases:
            return self._choose(self._aliases[key], gov)
        for prefix in sorted(_SELF_REFS, key=len, reverse=True):
            if key.startswith(prefix):
                target = self._self_ref(prefix, gov)
                rest = key[len(prefix):]
                if target is None:
                    key = rest
                    break
                if not rest:
                    return target.name
                key = target.name + rest
                break
        if not key:
            return None
        return self._choose(self._aliases.get(key, []), gov)

    def candidates(self, name: str) -> list[str]:
        """Every agency a short name may mean (衛生局: the 22 city and county bureaus), in directory order."""
        meant = {n for _, n in self._aliases.get(name_key(name), [])}
        return [n for n in self._agencies if n in meant]

    def suggest(self, name: str, *, limit: int = 3, cutoff: float = 0.6) -> list[str]:
        """Agencies whose name or short name is nearly `name` (衛生福力部 → 衛生福利部): the closest only.

        A short name several agencies share (社會局) suggests none of them: it would be one more guess.
        """
        key = name_key(name)
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        scored: list[tuple[float, int, str]] = []
        for alias, meant in self._aliases.items():
            names = {n for _, n in meant}
            matcher.set_seq1(alias)
            if len(names) != 1 or matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
                continue
            if (ratio := matcher.ratio()) >= cutoff:
                scored.append((ratio, min(w for w, _ in meant), names.pop()))
        if not scored:
            return []
        best = max(r for r, _, _ in scored)
        found = dict.fromkeys(n for r, _, n in sorted(scored, key=lambda s: (-s[0], s[1])) if r >= best - 0.05)
        return list(found)[:limit]

    def unknown(self, name: str, *, government: str | None = None) -> str:
        """Why `name` names no single agency, in zh-TW: the candidates, a near miss, or how to add one."""
        written = name.strip()
        choices = self.candidates(written)
        if len(choices) > 1:
            shown = "、".join(choices[:6]) + (f"等 {len(choices)} 個" if len(choices) > 6 else "")
            return f"「{written}」有好幾個機關：{shown}，請寫全名，例如「{choices[0]}」。"
        near = self.suggest(written)
        if near:
            return f"找不到機關「{written}」。您是不是要找：{'、'.join(near)}？"
        return (f"找不到機關「{written}」。請用機關全名或常用簡稱，例如「衛生福利部」或「衛福部」；"
                "名錄裡沒有的機關，秘書處可以用「機關 新增 機關全名」加入。")

    def find_all(self, text: str, *, government: str | None = None) -> list[str]:
        seen: dict[str, None] = {}
        for mention in self.scan(text, government=government):
            if mention.name is not None:
                seen.setdefault(mention.name)
        return list(seen)

    def scan(self, text: str, *, government: str | None = None) -> list[Mention]:
        """Every agency named in `text`, left to right, the longest name at each place."""
        gov = self._government(government)
        compact, where = _compact(fold(text))
        found: list[Mention] = []
        i = 0
        while i < len(compact):
            hits = [h for h in (self._alias_at(compact, i, gov), self._self_at(compact, i, gov)) if h]
            hit = max(hits, key=lambda h: h[0]) if hits else None
            if hit is None:
                i += 1
                continue
            end, name = hit
            start, stop = where[i], where[end - 1] + 1
            found.append(Mention(start, stop, text[start:stop], name))
            i = end
        return found

    def children(self, name: str) -> list[Agency]:
        canonical = self.resolve(name) or name
        return [a for a in self._agencies.values() if a.parent == canonical]

    def members(self, collective: str) -> list[Agency]:
        canonical = self.resolve(collective) or collective
        parent_kind = {a.name: a.kind for a in self._agencies.values()}
        units = [a for a in self._agencies.values() if a.kind == "unit"]
        if canonical == "各部會":
            return [a for a in self._agencies.values() if a.kind == "ministry"]
        if canonical == "各地方政府":
            return [a for a in self._agencies.values() if a.kind == "local"]
        if canonical == "各司署":
            return [a for a in units if parent_kind.get(a.parent or "") == "ministry"]
        if canonical == "各局處":
            return [a for a in units if parent_kind.get(a.parent or "") == "local"]
        if canonical == "各區公所":
            return [a for a in units if a.name.endswith("區公所")]
        return []

    # ── internals ─────────────────────────────────────────────────────

    def _names_of(self, agency: Agency) -> Iterator[tuple[int, str]]:
        """(weight, folded alias): 0 canonical, 1 declared short or qualified, 2 a unit's bare name.

        A bare unit name (社會局) belongs to many governments; it only resolves in context.
        """
        yield 0, name_key(agency.name)
        own = self._local_names(agency)
        for alias in agency.short:
            yield (2 if alias == own[0] else 1), name_key(alias)
        parent = self._agencies.get(agency.parent or "")
        if parent is not None:
            for _, parent_alias in self._names_of(parent):
                for local in own:
                    yield 1, parent_alias + name_key(local)

    def _local_names(self, agency: Agency) -> tuple[str, ...]:
        parent = agency.parent or ""
        if parent and agency.name.startswith(parent) and len(agency.name) > len(parent):
            local = agency.name[len(parent):]
            return (local, *[s for s in agency.short if s != local])
        return agency.short or (agency.name,)

    def _chain(self, agency: Agency | None) -> list[Agency]:
        chain: list[Agency] = []
        while agency is not None and agency not in chain:
            chain.append(agency)
            agency = self._agencies.get(agency.parent or "")
        return chain

    def _government(self, government: str | None) -> Agency | None:
        if not government:
            return None
        name = self.resolve(government)
        return self._agencies.get(name) if name else None

    def _self_ref(self, prefix: str, gov: Agency | None) -> Agency | None:
        how, what = _SELF_REFS[prefix]
        for agency in self._chain(gov):
            if (how == "kind" and agency.kind == what) or (how == "suffix" and agency.name.endswith(what)):
                return agency
        return None

    def _choose(self, candidates: list[tuple[int, str]], gov: Agency | None) -> str | None:
        if not candidates:
            return None
        if len({name for _, name in candidates}) == 1:
            return candidates[0][1]
        if gov is not None:
            root = self._chain(gov)[-1]
            local = [(w, n) for w, n in candidates if self._chain(self._agencies[n])[-1] == root]
            if local:
                candidates = local
        best = min(w for w, _ in candidates)
        names = {n for w, n in candidates if w == best}
        return names.pop() if len(names) == 1 else None

    def _alias_at(self, compact: str, i: int, gov: Agency | None) -> tuple[int, str | None] | None:
        for length in self._lengths.get(compact[i], ()):
            alias = compact[i : i + length]
            if len(alias) == length and alias in self._aliases:
                if alias.endswith("部") and compact[i + length : i + length + 1] in ("門", "分"):
                    continue  # 教育部門 is a sector, not the ministry
                return i + length, self._choose(self._aliases[alias], gov)
        return None

    def _self_at(self, compact: str, i: int, gov: Agency | None) -> tuple[int, str | None] | None:
        if gov is None or compact[i] != "本" or (i and compact[i - 1] in _NOT_SELF_BEFORE):
            return None
        for prefix in sorted(_SELF_REFS, key=len, reverse=True):
            if not compact.startswith(prefix, i) or compact[i + len(prefix) : i + len(prefix) + 1] in _NOT_SELF_AFTER:
                continue
            target = self._self_ref(prefix, gov)
            if target is None:
                return None
            rest = compact[i + len(prefix) : i + len(prefix) + 30]
            for length in range(len(rest), 0, -1):
                name = self._choose(self._aliases.get(target.name + rest[:length], []), target)
                if name is not None:
                    return i + len(prefix) + length, name
            return i + len(prefix), target.name
        return None


def _compact(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, and for each kept character its index in the text."""
    where = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in where), where


def _expand(entries: list[dict[str, Any]], templates: dict[str, list[dict[str, Any]]]) -> list[Agency]:
    agencies: list[Agency] = []
    for entry in entries:
        agencies.append(Agency(entry["name"], tuple(entry.get("short", ())), None, entry["kind"]))
        units = _merge_units(templates.get(entry.get("template", ""), []), entry.get("units", []))
        agencies.extend(_units(entry["name"], units))
    return agencies


def _merge_units(template: list[dict[str, Any]], own: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged = {u["name"]: dict(u) for u in template}
    for unit in own:
        base = merged.get(unit["name"], {})
        merged[unit["name"]] = {**base, **unit}
    return list(merged.values())


def _units(parent: str, units: list[dict[str, Any]]) -> list[Agency]:
    found: list[Agency] = []
    for unit in units:
        full = unit.get("full") or parent + unit["name"]
        short = tuple(dict.fromkeys([unit["name"], *unit.get("short", ())]))
        found.append(Agency(full, short, parent, "unit"))
        found.extend(_units(full, unit.get("units", [])))
    return found


@lru_cache(maxsize=1)
def _default() -> AgencyDirectory:
    text = resources.files("config").joinpath("agencies.toml").read_text(encoding="utf-8")
    return AgencyDirectory.from_toml(text)
