"""An area a query names (code or name) as the API shows it, the evidence field that holds its code, and
the region it is compared with."""

from __future__ import annotations

from schemas.reference import local_authorities
from services.common.areas import find_area, icb_majority_region
from services.common.errors import NotFoundError
from services.index.models import AreaInfo

AREA_FIELDS = {
    "local_authority": "area.local_authority_code",
    "icb": "area.icb_code",
    "region": "area.region_code",
}


def resolve_area(query: str) -> AreaInfo:
    """A region (E12), ICB (E54) or upper-tier council, by code or name; a district gives its upper tier."""
    found = find_area(query)
    if found is None:
        raise NotFoundError(
            f"unknown area {query!r}: expected a local authority, ICB (E54) or region (E12), by code or name"
        )
    return AreaInfo(**found._asdict())


def area_field(area: AreaInfo) -> str:
    return AREA_FIELDS[area.level]


def region_of(area: AreaInfo) -> AreaInfo | None:
    """The region a local authority or ICB lies in (for an ICB across two, the one with most of its
    districts); None for a region."""
    if area.level == "local_authority":
        return resolve_area(local_authorities()[area.code].region_code)
    if area.level == "icb":
        return resolve_area(icb_majority_region(area.code))
    return None
