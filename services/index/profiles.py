"""Area and provider profiles: soft intelligence and inspection results, each in its own section.

Soft intelligence (what people tell us) is counted by quality statement × sentiment, by month and against
England and the region, with intervals and tests (`soft_intelligence`); inspection results (CQC's published
ratings) are reported as ratings (`inspection_results`). Neither is counted in the other's section.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch

from services.common.errors import NotFoundError
from services.common.http import elasticsearch_errors
from services.common.indices import MAY_BE_EMPTY, Names
from services.index.areas import area_field, region_of, resolve_area
from services.index.inspection_results import inspection_results
from services.index.models import AreaProfile, LocationRatings, ProviderProfile
from services.index.profile_scope import Scope, profile_period
from services.index.soft_intelligence import per_capacity, soft_intelligence


def area_profile(
    es: Elasticsearch,
    names: Names,
    code: str,
    *,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    top: int = 10,
) -> AreaProfile:
    """Soft intelligence and inspection results of a local authority, ICB or region (404 when unknown)."""
    area = resolve_area(code)
    condition = {"term": {area_field(area): area.code}}
    scope = Scope(
        evidence=condition,
        locations=condition,
        search={area.level: area.code},
        subject=f"about {area.name}",
        population_field=area_field(area),
        region=region_of(area),
    )
    period = profile_period(date_from, date_to, datetime.now(UTC))
    return AreaProfile(
        area=area,
        period=period,
        soft_intelligence=soft_intelligence(es, names, scope, period, top=top),
        inspection_results=inspection_results(es, names, scope, period),
        per_capacity=per_capacity(es, names, scope, period),
    )


def _location_ratings(source: dict[str, Any]) -> LocationRatings:
    return LocationRatings(
        location_id=source["location_id"],
        name=source["name"],
        provider_id=source.get("provider_id"),
        registration_status=source.get("registration_status"),
        overall=(source.get("overall_rating") or {}).get("rating"),
        key_questions={kq: r["rating"] for kq, r in (source.get("key_question_ratings") or {}).items()},
        last_inspection_at=source.get("last_inspection_at"),
        area=source.get("area") or {},
    )


def _evidence_total(es: Elasticsearch, names: Names, condition: dict[str, Any]) -> int:
    with elasticsearch_errors():
        response = es.count(index=names.evidence_read_alias, **MAY_BE_EMPTY, query=condition)
    return response["count"]


def provider_profile(
    es: Elasticsearch,
    names: Names,
    identifier: str,
    *,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    top: int = 10,
) -> ProviderProfile:
    """The profile of one provider id or location id, with its locations' current ratings."""
    with elasticsearch_errors():
        found = es.search(
            index=names.locations_alias,
            size=100,
            query={
                "bool": {
                    "should": [{"term": {"location_id": identifier}}, {"term": {"provider_id": identifier}}],
                    "minimum_should_match": 1,
                }
            },
            sort=[{"location_id": "asc"}],
        )
    locations = [_location_ratings(hit["_source"]) for hit in found["hits"]["hits"]]
    is_location = any(location.location_id == identifier for location in locations)
    if is_location:
        locations = [location for location in locations if location.location_id == identifier]
    elif not locations:  # not in the reference: evidence may still name it, as a location
        is_location = _evidence_total(es, names, {"term": {"provider.location_id": identifier}}) > 0
        if not is_location and not _evidence_total(es, names, {"term": {"provider.provider_id": identifier}}):
            raise NotFoundError(f"no provider or location {identifier!r} in locations or evidence")
    field = "location_id" if is_location else "provider_id"
    scope = Scope(
        evidence={"term": {f"provider.{field}": identifier}},
        locations={"term": {field: identifier}},
        search={field: identifier},
        subject=f"about {'location' if is_location else 'provider'} {identifier}",
    )
    period = profile_period(date_from, date_to, datetime.now(UTC))
    return ProviderProfile(
        id=identifier,
        kind="location" if is_location else "provider",
        period=period,
        soft_intelligence=soft_intelligence(es, names, scope, period, top=top),
        inspection_results=inspection_results(es, names, scope, period),
        per_capacity=per_capacity(es, names, scope, period),
        locations=locations,
    )
