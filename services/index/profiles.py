"""Area and provider profiles: one aggregation request over evidence, one over locations."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from schemas.evidence import SentimentLabel
from services.common.errors import NotFoundError
from services.common.http import elasticsearch_errors
from services.common.indices import Names
from services.index.areas import area_field, resolve_area
from services.index.models import (
    AreaProfile,
    CountBySentiment,
    EmergingTerm,
    Lens,
    LocationRatings,
    MonthCount,
    NegativeShare,
    ProviderCount,
    ProviderProfile,
)
from services.index.search import buckets

NEGATIVE = {"term": {"sentiment.label": "negative"}}
HIGH_SEVERITY = {"term": {"severity.level": "high"}}
STATEMENTS = 34


def _top_providers(condition: dict[str, Any], size: int) -> dict[str, Any]:
    return {
        "filter": condition,
        "aggs": {
            "providers": {
                "terms": {"field": "provider.location_id", "size": size},
                "aggs": {"name": {"terms": {"field": "provider.name.keyword", "size": 1}}},
            }
        },
    }


def lens_body(scope: dict[str, Any], *, top: int, terms: int) -> dict[str, Any]:
    """Size-0 search: the scope as query, England through a `global` aggregation."""
    negative_by_statement = {
        "terms": {"field": "quality_statement_ids", "size": STATEMENTS},
        "aggs": {"negative": {"filter": NEGATIVE}},
    }
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"bool": {"filter": [scope]}},
        "aggs": {
            "by_key_question": {"terms": {"field": "key_questions", "size": 5}},
            "by_quality_statement": {
                "terms": {"field": "quality_statement_ids", "size": STATEMENTS},
                "aggs": {"sentiment": {"terms": {"field": "sentiment.label", "size": len(SentimentLabel)}}},
            },
            "monthly": {
                "date_histogram": {"field": "occurred_at", "calendar_interval": "month", "format": "yyyy-MM"},
                "aggs": {"negative": {"filter": NEGATIVE}, "high": {"filter": HIGH_SEVERITY}},
            },
            "top_negative": _top_providers(NEGATIVE, top),
            "top_high_severity": _top_providers(HIGH_SEVERITY, top),
            "emerging": {
                "sampler": {"shard_size": 1000},
                "aggs": {
                    "terms": {
                        "significant_text": {
                            "field": "lemmas",
                            "size": terms,
                            "min_doc_count": 3,
                            "filter_duplicate_text": True,
                        }
                    }
                },
            },
            "england": {"global": {}, "aggs": {"by_quality_statement": negative_by_statement}},
        },
    }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def parse_lens(response: dict[str, Any]) -> Lens:
    aggs = response["aggregations"]
    england = {
        b["key"]: (b["doc_count"], b["negative"]["doc_count"])
        for b in aggs["england"]["by_quality_statement"]["buckets"]
    }
    statements, compared = [], []
    for bucket in aggs["by_quality_statement"]["buckets"]:
        by_label = {s["key"]: s["doc_count"] for s in bucket["sentiment"]["buckets"]}
        statements.append(CountBySentiment(key=bucket["key"], total=bucket["doc_count"], **by_label))
        count, negative = bucket["doc_count"], by_label.get("negative", 0)
        england_count, england_negative = england.get(bucket["key"], (0, 0))
        share, england_share = _share(negative, count), _share(england_negative, england_count)
        compared.append(
            NegativeShare(
                quality_statement=bucket["key"],
                count=count,
                negative=negative,
                share=share,
                england_count=england_count,
                england_negative=england_negative,
                england_share=england_share,
                difference=share - england_share if share is not None and england_share is not None else None,
                ratio=share / england_share if share is not None and england_share else None,
            )
        )
    return Lens(
        total=response["hits"]["total"]["value"],
        by_key_question=buckets(aggs["by_key_question"]),
        by_quality_statement=statements,
        monthly=[
            MonthCount(
                month=b["key_as_string"],
                total=b["doc_count"],
                negative=b["negative"]["doc_count"],
                high_severity=b["high"]["doc_count"],
            )
            for b in aggs["monthly"]["buckets"]
        ],
        top_providers_negative=_providers(aggs["top_negative"]),
        top_providers_high_severity=_providers(aggs["top_high_severity"]),
        compared_with_england=sorted(compared, key=lambda row: -(row.difference or 0)),
        emerging_terms=[
            EmergingTerm(
                term=b["key"], count=b["doc_count"], background_count=b["bg_count"], score=b["score"]
            )
            for b in aggs["emerging"]["terms"]["buckets"]
        ],
    )


def _providers(aggregation: dict[str, Any]) -> list[ProviderCount]:
    return [
        ProviderCount(
            location_id=b["key"],
            name=next((n["key"] for n in b["name"]["buckets"]), None),
            count=b["doc_count"],
        )
        for b in aggregation["providers"]["buckets"]
    ]


def _lens(es: Elasticsearch, names: Names, scope: dict[str, Any], top: int, terms: int) -> Lens:
    with elasticsearch_errors():
        response = es.search(
            index=names.evidence_alias,
            ignore_unavailable=True,
            allow_no_indices=True,
            **lens_body(scope, top=top, terms=terms),
        )
    if "aggregations" not in response:  # no evidence index yet
        return Lens(
            total=0,
            by_key_question=[],
            by_quality_statement=[],
            monthly=[],
            top_providers_negative=[],
            top_providers_high_severity=[],
            compared_with_england=[],
            emerging_terms=[],
        )
    return parse_lens(response)


def area_profile(
    es: Elasticsearch, names: Names, code: str, *, top: int = 10, terms: int = 15
) -> AreaProfile:
    """Evidence and ratings of a local authority, ICB or region (404 for an unknown code)."""
    area = resolve_area(code)
    scope = {"term": {area_field(area): area.code}}
    lens = _lens(es, names, scope, top, terms)
    with elasticsearch_errors():
        ratings = es.search(
            index=names.locations_alias,
            size=0,
            track_total_hits=True,
            query={
                "bool": {"filter": [scope], "must_not": [{"term": {"registration_status": "Deregistered"}}]}
            },
            aggs={
                "ratings": {"terms": {"field": "overall_rating.rating", "size": 10, "missing": "No rating"}}
            },
        )
    return AreaProfile(
        area=area,
        evidence=lens,
        ratings=buckets(ratings["aggregations"]["ratings"]),
        locations=ratings["hits"]["total"]["value"],
    )


def _location_ratings(source: dict[str, Any]) -> LocationRatings:
    return LocationRatings(
        location_id=source["location_id"],
        name=source["name"],
        provider_id=source.get("provider_id"),
        overall=(source.get("overall_rating") or {}).get("rating"),
        key_questions={kq: r["rating"] for kq, r in (source.get("key_question_ratings") or {}).items()},
        area=source.get("area") or {},
    )


def provider_profile(
    es: Elasticsearch, names: Names, identifier: str, *, top: int = 10, terms: int = 15
) -> ProviderProfile:
    """The lens for one provider id or location id, with its locations' current ratings."""
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
    field = "provider.location_id" if is_location else "provider.provider_id"
    lens = _lens(es, names, {"term": {field: identifier}}, top, terms)
    if not locations and lens.total == 0:
        lens = _lens(es, names, {"term": {"provider.location_id": identifier}}, top, terms)
        is_location = True
    if not locations and lens.total == 0:
        raise NotFoundError(f"no provider or location {identifier!r} in locations or evidence")
    return ProviderProfile(
        id=identifier, kind="location" if is_location else "provider", evidence=lens, locations=locations
    )
