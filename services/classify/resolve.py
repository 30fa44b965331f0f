"""Provider and area resolution for one evidence item. Pure domain code.

Precedence: the location reference (by location id) > area codes given in the event (missing levels
filled from the reference data) > gazetteer (known provider names, then place names) > unknown.
Nothing is guessed: a location id missing from the reference falls through and is recorded.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from schemas.common import AreaRef, Frozen, ProviderRef
from schemas.evidence import EvidenceReceived
from schemas.locations import LocationReference
from services.classify.gazetteer import NamedArea, ProviderGazetteer
from services.common.areas import (
    icb_areas,
    local_authority_area,
    local_authority_named,
    match_place,
    region_areas,
)


class AreaResolutionMethod(StrEnum):
    LOCATION_REFERENCE = "location_reference"
    GIVEN = "given"
    GAZETTEER = "gazetteer"
    UNKNOWN = "unknown"


class KnownLocation(Frozen):
    """What classify keeps of a LocationReference (the `location_id_to_location` table value)."""

    location_id: str
    name: str
    provider_id: str | None = None
    provider_name: str | None = None
    area: AreaRef = Field(default_factory=AreaRef)
    version: int = 0

    @classmethod
    def from_reference(cls, reference: LocationReference) -> KnownLocation:
        return cls(
            location_id=reference.location_id,
            name=reference.name,
            provider_id=reference.provider_id,
            provider_name=reference.provider_name,
            area=complete_area(reference.area) or reference.area,
            version=reference.version,
        )

    def named_areas(self) -> list[NamedArea]:
        """Gazetteer entries: the location name and its provider's name, both in this location's area."""
        names = [self.name, self.provider_name] if self.provider_name else [self.name]
        return [NamedArea(name, self.area) for name in names]


class AreaResolution(Frozen):
    """Where an item is, how we know, and why not when we don't."""

    area: AreaRef
    method: AreaResolutionMethod
    provider: ProviderRef
    registered_name: str | None = Field(
        default=None, description="The location's name in CQC's register, when the reference holds it."
    )
    unresolved_location_id: str | None = Field(
        default=None, description="A location id the reference did not (yet) hold."
    )


def is_newer(candidate: KnownLocation, current: KnownLocation | None) -> bool:
    """Reference records are last-writer-wins by version, ties to the later arrival."""
    return current is None or candidate.version >= current.version


def complete_area(area: AreaRef) -> AreaRef | None:
    """The given area with missing levels filled from the reference; None when it names no known area.

    Codes decide; a local authority name alone is matched as ingest matches it. Given values are kept.
    """
    reference = None
    if area.local_authority_code:
        reference = local_authority_area(area.local_authority_code)
    elif area.local_authority_name:
        reference = local_authority_named(area.local_authority_name)
    if reference is None and area.icb_code:
        reference = icb_areas().get(area.icb_code)
    if reference is None and area.region_code:
        reference = region_areas().get(area.region_code)
    if reference is None:
        return area if _has_code(area) else None
    given = area.model_dump(exclude_none=True)
    return AreaRef(**{**reference.model_dump(exclude_none=True), **given})


def _has_code(area: AreaRef) -> bool:
    return bool(area.local_authority_code or area.icb_code or area.region_code)


def _with_location(provider: ProviderRef, location: KnownLocation) -> ProviderRef:
    return ProviderRef(
        location_id=location.location_id,
        provider_id=provider.provider_id or location.provider_id,
        name=provider.name or location.name,
    )


def resolve(
    received: EvidenceReceived,
    location: KnownLocation | None,
    providers: ProviderGazetteer,
) -> AreaResolution:
    """Resolve the item's area; `location` is the reference record for its location id, if any."""
    given = received.area
    provider = received.provider if location is None else _with_location(received.provider, location)
    missing_id = received.provider.location_id if location is None else None
    area, method = _area_of(given, location, provider, providers)
    if given.place and area.place is None:
        area = area.model_copy(update={"place": given.place})
    return AreaResolution(
        area=area,
        method=method,
        provider=provider,
        registered_name=location.name if location is not None else None,
        unresolved_location_id=missing_id,
    )


def _area_of(
    given: AreaRef, location: KnownLocation | None, provider: ProviderRef, providers: ProviderGazetteer
) -> tuple[AreaRef, AreaResolutionMethod]:
    if location is not None and _has_code(location.area):
        return location.area, AreaResolutionMethod.LOCATION_REFERENCE
    completed = complete_area(given)
    if completed is not None:
        return completed, AreaResolutionMethod.GIVEN
    by_provider = providers.match(provider.name) if provider.name else None
    if by_provider is not None:
        return by_provider, AreaResolutionMethod.GAZETTEER
    by_place = match_place(given.place) if given.place else None
    if by_place is not None:
        return by_place, AreaResolutionMethod.GAZETTEER
    return AreaRef(), AreaResolutionMethod.UNKNOWN
