"""One source for reference lookups: council, ICB and region names and codes, read from `schemas.reference`.

Every service resolves an area through this module: ingest when a source names a council, classify
when it completes or guesses an item's area, the query API and CLI when a user asks for an area by code
or by name. A renamed council or a new alias is a change to `schemas/reference_data` or to the alias
rules here, and nowhere else.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Literal, NamedTuple

from schemas.common import AreaRef
from schemas.reference import LocalAuthority, district_rows, local_authorities

AreaLevel = Literal["local_authority", "icb", "region"]

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Words a source adds around a council's name: 'Healthwatch Kent', 'Bristol City Council', 'City of Bristol'.
_COUNCIL_NOISE = frozenset(
    ("healthwatch", "council", "borough", "metropolitan", "district", "royal", "london", "of", "the", "city")
    + ("county", "and")
)
_REGION_ALIASES = {"yorkshire and humberside": "yorkshire and the humber", "east": "east of england"}


def normalise(text: str) -> str:
    """The one name-normalisation rule: lower case, '&' read as 'and', punctuation folded to single spaces."""
    return _NON_WORD.sub(" ", text.lower().replace("&", " and ")).strip()


def _council_key(name: str) -> str:
    """A spelling-tolerant key: 'Bristol, City of', 'City of Bristol' and 'Bristol City Council' match."""
    return " ".join(sorted(word for word in normalise(name).split() if word not in _COUNCIL_NOISE))


# --- areas by code -----------------------------------------------------------------------------------------


def _authority_area(authority: LocalAuthority) -> AreaRef:
    return AreaRef(
        local_authority_code=authority.code,
        local_authority_name=authority.name,
        icb_code=authority.icb_code,
        icb_name=authority.icb_name,
        region_code=authority.region_code,
        region_name=authority.region_name,
    )


def local_authority_area(code: str) -> AreaRef | None:
    """An upper-tier authority with its majority ICB and region, or None for an unknown code."""
    authority = local_authorities().get(code)
    return _authority_area(authority) if authority is not None else None


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
def _icb_majority_regions() -> dict[str, str]:
    districts = Counter((row["icb24_code"], row["region24_code"]) for row in district_rows())
    return {icb: region for (icb, region), _ in sorted(districts.items(), key=lambda item: item[1])}


def icb_majority_region(icb_code: str) -> str:
    """The region holding most of an ICB's districts (its only region for all but a few ICBs)."""
    return _icb_majority_regions()[icb_code]


@cache
def region_areas() -> dict[str, AreaRef]:
    return {
        row["region24_code"]: AreaRef(region_code=row["region24_code"], region_name=row["region24_name"])
        for row in district_rows()
    }


@cache
def area_codes() -> dict[str, frozenset[str]]:
    """Every code an `AreaRef` may carry, by field: upper-tier councils, ICBs, regions of England."""
    return {
        "local_authority_code": frozenset(local_authorities()),
        "icb_code": frozenset(icb_areas()),
        "region_code": frozenset(region_areas()),
    }


@cache
def _district_upper_tier() -> dict[str, str]:
    return {row["ltla24_code"]: row["utla23_code"] for row in district_rows()}


# --- nesting -----------------------------------------------------------------------------------------------


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


# --- areas by name -----------------------------------------------------------------------------------------


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
    """Normalised place name → the areas it may denote (districts, councils, ICBs, regions, aliases)."""
    entries: dict[str, set[AreaRef]] = defaultdict(set)
    for row in district_rows():
        if row["is_majority_icb"] == "True":
            entries[normalise(row["ltla24_name"])].add(_district_area(row))
    for authority in local_authorities().values():
        for alias in _authority_aliases(authority.name):
            entries[normalise(alias)].add(_authority_area(authority))
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


def area_named(name: str) -> AreaRef | None:
    """The area a whole name denotes ('Oldham', 'NHS Devon ICB', 'North West'); None if unknown or ambiguous.

    A name of a council and of the ICB it lies in ('Devon') denotes the council, the more specific."""
    return most_specific(place_entries().get(normalise(name), ()))


@cache
def _authorities_by_council_key() -> dict[str, AreaRef]:
    by_key: dict[str, AreaRef] = {}
    for authority in local_authorities().values():
        by_key.setdefault(_council_key(authority.name), _authority_area(authority))
    by_key.pop("", None)
    return by_key


def local_authority_named(name: str | None) -> AreaRef | None:
    """The upper-tier council a name stands for: 'Oldham', 'Sevenoaks' (a district of Kent),
    'Bristol, City of', 'Bristol City Council', 'Healthwatch Kent'; None when unknown or ambiguous."""
    if not name or not name.strip():
        return None
    exact = [area for area in place_entries().get(normalise(name), ()) if area.local_authority_code]
    return most_specific(exact) or _authorities_by_council_key().get(_council_key(name))


def region_named(name: str | None) -> AreaRef | None:
    """A region by name ('North West', 'Yorkshire & Humberside')."""
    if not name or not name.strip():
        return None
    area = area_named(_REGION_ALIASES.get(normalise(name), name))
    return area if area is not None and area.region_code and not area.icb_code else None


def resolve_area(
    local_authority: str | None = None,
    *,
    icb_code: str | None = None,
    icb_name: str | None = None,
    region: str | None = None,
    place: str | None = None,
) -> AreaRef:
    """Codes for what a source says: council by name, ICB by code or else the council's majority ICB."""
    authority = local_authority_named(local_authority)
    icb_code = (icb_code or "").strip() or None
    if icb_code and not icb_name and icb_code in icb_areas():
        icb_name = icb_areas()[icb_code].icb_name
    if authority is not None:
        return authority.model_copy(
            update={
                "icb_code": icb_code or authority.icb_code,
                "icb_name": icb_name or (authority.icb_name if not icb_code else None),
                "place": place,
            }
        )
    named_region = region_named(region)
    unmatched = local_authority.strip() if local_authority and local_authority.strip() else None
    return AreaRef(
        local_authority_name=unmatched,
        icb_code=icb_code,
        icb_name=icb_name,
        region_code=named_region.region_code if named_region else None,
        region_name=named_region.region_name if named_region else ((region or "").strip() or None),
        place=place,
    )


# --- an area a user asks for -------------------------------------------------------------------------------


class AreaMatch(NamedTuple):
    """The area a user's code or name stands for; `resolved_from` is a district code or a name given."""

    code: str
    name: str
    level: AreaLevel
    resolved_from: str | None = None


def find_area(query: str) -> AreaMatch | None:
    """A region (E12), ICB (E54), upper-tier council or district code, or a name ('Oldham' → E08000004)."""
    code = query.strip().upper()
    if code in region_areas():
        return AreaMatch(code, region_areas()[code].region_name or code, "region")
    if code in icb_areas():
        return AreaMatch(code, icb_areas()[code].icb_name or code, "icb")
    authorities = local_authorities()
    if code in authorities:
        return AreaMatch(code, authorities[code].name, "local_authority")
    upper = _district_upper_tier().get(code)
    if upper in authorities:
        return AreaMatch(upper, authorities[upper].name, "local_authority", resolved_from=code)
    area = area_named(query) or local_authority_named(query)
    if area is None:
        return None
    found = find_area(area.local_authority_code or area.icb_code or area.region_code or "")
    return found._replace(resolved_from=query.strip()) if found else None


@cache
def all_areas() -> tuple[AreaMatch, ...]:
    """Every council (153), ICB (42) and region (9), councils first, each level by name."""
    councils = [AreaMatch(a.code, a.name, "local_authority") for a in local_authorities().values()]
    icbs = [AreaMatch(code, area.icb_name or code, "icb") for code, area in icb_areas().items()]
    regions = [AreaMatch(code, area.region_name or code, "region") for code, area in region_areas().items()]
    return tuple(area for group in (councils, icbs, regions) for area in sorted(group, key=lambda a: a.name))


def find_areas(text: str) -> list[AreaMatch]:
    """The area a code or name stands for (`find_area`); failing that, every area whose name contains
    the text ('manch' → Manchester, NHS Greater Manchester ICB), for a user choosing among several."""
    found = find_area(text)
    if found is not None:
        return [found]
    wanted = normalise(text)
    return [area for area in all_areas() if wanted in normalise(area.name)] if wanted else []


# --- provider names ----------------------------------------------------------------------------------------

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


def provider_key(name: str) -> str:
    """A provider or location name normalised, without a leading 'the' or trailing legal form."""
    words = normalise(name).split()
    if words and words[0] == "the":
        words = words[1:]
    while words and words[-1] in _LEGAL_SUFFIXES:
        words = words[:-1]
    return " ".join(words)


def distinctive_words(key: str) -> set[str]:
    """The words of a provider key that tell one provider from another (not 'care', 'home', numbers...)."""
    return {word for word in key.split() if word not in GENERIC_PROVIDER_WORDS and not word.isdigit()}
