"""Resolve an ONS area code to its level, name and the evidence field that holds it."""

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


def resolve_area(code: str) -> AreaInfo:
    """Region (E12), ICB (E54) or upper-tier local authority; a district resolves to its upper tier."""
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
    raise NotFoundError(f"unknown area code {code!r}: expected a local authority, ICB (E54) or region (E12)")


def area_field(area: AreaInfo) -> str:
    return AREA_FIELDS[area.level]
