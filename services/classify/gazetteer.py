"""Gazetteers: English place names and known provider names mapped to administrative areas.

Pure domain code. A match is accepted only when every candidate area agrees (one nests inside the
other); conflicting candidates mean the name is ambiguous and nothing is returned.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from schemas.common import AreaRef
from schemas.reference import district_rows, local_authorities

_NON_WORD = re.compile(r"[^a-z0-9]+")
_LEGAL_SUFFIXES = ("limited", "ltd", "plc", "llp", "cic")
# fmt: off
GENERIC_PROVIDER_WORDS = frozenset((
    "the", "and", "of", "at", "in", "for", "a", "an", "care", "carers", "home", "homes", "nursing",
    "residential", "services", "service", "support", "supported", "living", "team", "health", "healthcare",
    "medical", "practice", "surgery", "dental", "dentist", "dentists", "clinic", "centre", "center",
    "hospital", "hospitals", "agency", "community", "main", "office", "domiciliary", "group", "trust", "nhs",
    "foundation", "house", "lodge", "court", "quality", "family", "partnership", "unit", "ward", "ltd",
    "limited",
))
# fmt: on


def normalise(text: str) -> str:
    """Lower case, '&' read as 'and', punctuation folded to single spaces."""
    return _NON_WORD.sub(" ", text.lower().replace("&", " and ")).strip()


def _padded(text: str) -> str:
    return f" {text} "


def is_within(inner: AreaRef, outer: AreaRef) -> bool:
    """True when every level `outer` names is named identically by `inner` (inner is as or more specific)."""
    pairs = (
        (inner.local_authority_code, outer.local_authority_code),
        (inner.icb_code, outer.icb_code),
        (inner.region_code, outer.region_code),
    )
    return all(theirs is None or mine == theirs for mine, theirs in pairs)


def most_specific(candidates: Iterable[AreaRef]) -> AreaRef | None:
    """The candidate every other candidate contains, or None when candidates conflict (or there are none)."""
    unique = list(dict.fromkeys(candidates))
    for candidate in sorted(unique, key=_specificity, reverse=True):
        if all(is_within(candidate, other) for other in unique):
            return candidate
    return None


def _specificity(area: AreaRef) -> int:
    return sum(code is not None for code in (area.local_authority_code, area.icb_code, area.region_code))


# --- reference areas -------------------------------------------------------------------------------------


def local_authority_area(code: str) -> AreaRef | None:
    """An upper-tier authority with its majority ICB and region, or None for an unknown code."""
    authority = local_authorities().get(code)
    if authority is None:
        return None
    return AreaRef(
        local_authority_code=authority.code,
        local_authority_name=authority.name,
        icb_code=authority.icb_code,
        icb_name=authority.icb_name,
        region_code=authority.region_code,
        region_name=authority.region_name,
    )


@cache
def icb_areas() -> dict[str, AreaRef]:
    """ICB code → ICB with its region (region left blank for the few ICBs spanning two regions)."""
    regions: dict[str, set[tuple[str, str]]] = defaultdict(set)
    names: dict[str, str] = {}
    for row in district_rows():
        names[row["icb24_code"]] = row["icb24_name"]
        regions[row["icb24_code"]].add((row["region24_code"], row["region24_name"]))
    areas = {}
    for code, name in names.items():
        region = next(iter(regions[code])) if len(regions[code]) == 1 else (None, None)
        areas[code] = AreaRef(icb_code=code, icb_name=name, region_code=region[0], region_name=region[1])
    return areas


@cache
def region_areas() -> dict[str, AreaRef]:
    return {
        row["region24_code"]: AreaRef(region_code=row["region24_code"], region_name=row["region24_name"])
        for row in district_rows()
    }


def _district_area(row: dict[str, str]) -> AreaRef:
    """A district stands for its upper-tier authority, in the district's majority ICB."""
    return AreaRef(
        local_authority_code=row["utla23_code"],
        local_authority_name=row["utla23_name"],
        icb_code=row["icb24_code"],
        icb_name=row["icb24_name"],
        region_code=row["region24_code"],
        region_name=row["region24_name"],
    )


def _authority_aliases(name: str) -> list[str]:
    """'Bristol, City of' is also 'Bristol' and 'City of Bristol'; 'Kingston upon Hull' also 'Hull'."""
    aliases = [name]
    if ", " in name:
        place, qualifier = name.split(", ", 1)
        aliases += [place, f"{qualifier} {place}"]
    if name.startswith("Kingston upon Hull"):
        aliases.append("Hull")
    if name == "County Durham":
        aliases.append("Durham")
    return aliases


def _icb_aliases(name: str) -> list[str]:
    """'NHS Devon Integrated Care Board' is also 'NHS Devon ICB', 'Devon ICB' and 'Devon'."""
    short = name.removeprefix("NHS ").removesuffix(" Integrated Care Board")
    return [name, f"NHS {short} ICB", f"{short} ICB", f"{short} Integrated Care Board", short]


@cache
def place_entries() -> dict[str, tuple[AreaRef, ...]]:
    """Normalised place name → the areas it may denote."""
    entries: dict[str, set[AreaRef]] = defaultdict(set)
    for row in district_rows():
        if row["is_majority_icb"] == "True":
            entries[normalise(row["ltla24_name"])].add(_district_area(row))
    for authority in local_authorities().values():
        area = local_authority_area(authority.code)
        assert area is not None
        for alias in _authority_aliases(authority.name):
            entries[normalise(alias)].add(area)
    for area in icb_areas().values():
        for alias in _icb_aliases(area.icb_name or ""):
            entries[normalise(alias)].add(area)
    for area in region_areas().values():
        entries[normalise(area.region_name or "")].add(area)
    return {name: tuple(areas) for name, areas in entries.items()}


@cache
def _place_pattern() -> re.Pattern[str]:
    names = sorted(place_entries(), key=len, reverse=True)  # longest first: alternation takes the first hit
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(name) for name in names) + r")(?![a-z0-9])")


def match_place(text: str) -> AreaRef | None:
    """The area a free-text place names, by whole-word matches (longest first); None if none or ambiguous."""
    names = [found.group(0) for found in _place_pattern().finditer(normalise(text))]
    return most_specific(area for name in names for area in place_entries()[name])


def authority_by_name(name: str) -> AreaRef | None:
    """An upper-tier authority by its exact (normalised) name, as CQC data spells it."""
    candidates = [area for area in place_entries().get(normalise(name), ()) if area.local_authority_code]
    return most_specific(candidates)


# --- provider names --------------------------------------------------------------------------------------


def provider_key(name: str) -> str:
    """Normalised provider name without a leading 'the' or trailing legal form."""
    words = normalise(name).split()
    if words and words[0] == "the":
        words = words[1:]
    while words and words[-1] in _LEGAL_SUFFIXES:
        words = words[:-1]
    return " ".join(words)


def distinctive_words(key: str) -> set[str]:
    return {word for word in key.split() if word not in GENERIC_PROVIDER_WORDS and not word.isdigit()}


@dataclass(frozen=True)
class NamedArea:
    """A provider or location name and the area it operates in."""

    name: str
    area: AreaRef


class ProviderGazetteer:
    """Known provider and location names; a name resolves when all its matches share one area."""

    def __init__(self, entries: Iterable[NamedArea]) -> None:
        self._areas: dict[str, set[AreaRef]] = defaultdict(set)
        self._by_word: dict[str, set[str]] = defaultdict(set)
        for entry in entries:
            key = provider_key(entry.name)
            if not distinctive_words(key):
                continue
            self._areas[key].add(entry.area)
            for word in distinctive_words(key):
                self._by_word[word].add(key)

    def __len__(self) -> int:
        return len(self._areas)

    def match(self, name: str) -> AreaRef | None:
        """Exact match on a distinctive name, else whole-word containment either way (two or more words)."""
        key = provider_key(name)
        words = distinctive_words(key)
        if not words:
            return None
        if key in self._areas:
            return most_specific(self._areas[key])
        candidates: list[AreaRef] = []
        for known in set().union(*(self._by_word.get(word, set()) for word in words)):
            shorter = min(key, known, key=len)
            if len(shorter.split()) >= 2 and _padded(shorter) in _padded(max(key, known, key=len)):
                candidates.extend(self._areas[known])
        return most_specific(candidates)
