"""Resolve an area by ONS code or by name to its level, name and the evidence field that holds it."""

from __future__ import annotations

from functools import cache

from schemas.reference import district_rows, local_authorities
from services.common.errors import NotFoundError
from services.index.models import AreaInfo

AREA_FIELDS = {
    "local_authority": "area.local_authority_code",
    "icb": "area.icb_code",
    "region": "area.region_code",
}


@cache
def _names() -> dict[str, dict[str, str]]:
    icbs = {row["icb24_code"]: row["icb24_name"] for row in district_rows()}
    regions = {row["region24_code"]: row["region24_name"] for row in district_rows()}
    districts = {row["ltla24_code"]: row["utla23_code"] for row in district_rows()}
    return {"icb": icbs, "region": regions, "district": districts}


@cache
def all_areas() -> tuple[AreaInfo, ...]:
    """Every council (153), ICB (42) and region (9), councils first, each level by name."""
    names = _names()
    councils = [
        AreaInfo(code=a.code, name=a.name, level="local_authority") for a in local_authorities().values()
    ]
    icbs = [AreaInfo(code=code, name=name, level="icb") for code, name in names["icb"].items()]
    regions = [AreaInfo(code=code, name=name, level="region") for code, name in names["region"].items()]
    return tuple(
        area for group in (councils, icbs, regions) for area in sorted(group, key=lambda area: area.name)
    )


def find_areas(text: str) -> list[AreaInfo]:
    """Areas whose name or code is `text` (case-insensitive); failing that, whose name contains it."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return []
    exact = [area for area in all_areas() if wanted in (area.name.casefold(), area.code.casefold())]
    return exact or [area for area in all_areas() if wanted in area.name.casefold()]


def resolve_area(code: str) -> AreaInfo:
    """Region (E12), ICB (E54) or upper-tier local authority, by code or by name ('Oldham');
    a district code resolves to its upper tier."""
    named = [area for area in find_areas(code) if area.name.casefold() == " ".join(code.split()).casefold()]
    if len(named) == 1:
        return named[0]
    code = code.strip().upper()
    names = _names()
    if code in names["region"]:
        return AreaInfo(code=code, name=names["region"][code], level="region")
    if code in names["icb"]:
        return AreaInfo(code=code, name=names["icb"][code], level="icb")
    authorities = local_authorities()
    if code in authorities:
        return AreaInfo(code=code, name=authorities[code].name, level="local_authority")
    upper = names["district"].get(code)
    if upper in authorities:
        return AreaInfo(code=upper, name=authorities[upper].name, level="local_authority", resolved_from=code)
    raise NotFoundError(
        f"unknown area {code!r}: expected the name or code of a local authority, ICB (E54) or region (E12)"
    )


def area_field(area: AreaInfo) -> str:
    return AREA_FIELDS[area.level]
