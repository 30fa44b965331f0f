"""Resolve area names and codes given by sources to ONS areas, using the bundled reference data."""

from __future__ import annotations

import re
from functools import cache

from schemas.common import AreaRef
from schemas.reference import LocalAuthority, district_rows, local_authorities

_NOISE = re.compile(
    r"\b(healthwatch|council|borough|metropolitan|district|royal|london|of|the|city|county|and)\b"
)
_PUNCTUATION = re.compile(r"[^a-z0-9 ]+")


def _name_key(name: str) -> str:
    """A spelling-tolerant key: 'Bristol, City of', 'City of Bristol' and 'Bristol City Council' match."""
    lowered = name.casefold().replace("&", " and ")
    words = _NOISE.sub(" ", _PUNCTUATION.sub(" ", lowered)).split()
    return " ".join(sorted(words))


@cache
def _authorities_by_key() -> dict[str, LocalAuthority]:
    by_key: dict[str, LocalAuthority] = {}
    for authority in local_authorities().values():
        by_key.setdefault(authority.name.casefold(), authority)
    for authority in local_authorities().values():
        by_key.setdefault(_name_key(authority.name), authority)
    by_key.pop("", None)
    return by_key


@cache
def _icb_names() -> dict[str, str]:
    return {row["icb24_code"]: row["icb24_name"] for row in district_rows()}


_REGION_ALIASES = {"yorkshire & humberside": "yorkshire and the humber", "east": "east of england"}


@cache
def _regions_by_name() -> dict[str, tuple[str, str]]:
    regions = {
        row["region24_name"].casefold(): (row["region24_code"], row["region24_name"])
        for row in district_rows()
    }
    return regions | {alias: regions[name] for alias, name in _REGION_ALIASES.items()}


def local_authority_named(name: str | None) -> LocalAuthority | None:
    """The upper-tier council a source names ('Oldham', 'Healthwatch Kent', 'Bristol, City of')."""
    if not name or not name.strip():
        return None
    by_key = _authorities_by_key()
    return by_key.get(name.strip().casefold()) or by_key.get(_name_key(name))


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
    if icb_code and not icb_name:
        icb_name = _icb_names().get(icb_code)
    if authority is not None:
        return AreaRef(
            local_authority_code=authority.code,
            local_authority_name=authority.name,
            icb_code=icb_code or authority.icb_code,
            icb_name=icb_name or (authority.icb_name if not icb_code else None),
            region_code=authority.region_code,
            region_name=authority.region_name,
            place=place,
        )
    region_code, region_name = _regions_by_name().get((region or "").strip().casefold(), (None, None))
    unmatched = local_authority.strip() if local_authority and local_authority.strip() else None
    return AreaRef(
        local_authority_name=unmatched,
        icb_code=icb_code,
        icb_name=icb_name,
        region_code=region_code,
        region_name=region_name or ((region or "").strip() or None),
        place=place,
    )
