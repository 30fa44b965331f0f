"""Area and provider profiles: soft intelligence and inspection results, each in its own section.

Soft intelligence (what people tell us) is counted by quality statement × sentiment, by month and against
England; inspection results (CQC's published ratings) are reported as ratings: the current distribution,
the changes published in the period and the time since the last inspection. Neither is counted in the
other's section.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from schemas import EvidenceKind, KeyQuestion, Rating, source_types_of
from schemas.evidence import SentimentLabel
from schemas.reference import quality_statements
from services.common.errors import NotFoundError
from services.common.http import elasticsearch_errors
from services.common.indices import Names
from services.index.areas import area_field, resolve_area
from services.index.models import (
    AreaProfile,
    CountBySentiment,
    EmergingTerm,
    FacetBucket,
    InspectionResults,
    LocationRatings,
    MonthCount,
    NegativeShare,
    Period,
    ProviderCount,
    ProviderProfile,
    RatingChange,
    RatingChanges,
    SoftIntelligence,
)
from services.index.search import buckets

NEGATIVE = {"term": {"sentiment.label": "negative"}}
HIGH_SEVERITY = {"term": {"severity.level": "high"}}
STATEMENTS = 34
SOFT_SOURCES = source_types_of(EvidenceKind.SOFT_INTELLIGENCE)
SOFT_INTELLIGENCE = {"terms": {"source_type": [source.value for source in SOFT_SOURCES]}}
INSPECTION_RESULTS = {"term": {"source_type": EvidenceKind.INSPECTION_RESULT.value}}
REGISTERED = {"bool": {"must_not": [{"term": {"registration_status": "Deregistered"}}]}}
DEFAULT_PERIOD = timedelta(days=730)  # the last 24 months
LATEST_CHANGES = 20
SINCE_INSPECTION_BANDS = (("under 1 year", 0, 1), ("1 to 2 years", 1, 2), ("2 to 4 years", 2, 4))


@dataclass(frozen=True)
class Scope:
    """What a profile is about: the filter on evidence and on locations, and the same as search parameters."""

    evidence: dict[str, Any]
    locations: dict[str, Any]
    search: dict[str, str]


def profile_period(date_from: datetime | None, date_to: datetime | None, now: datetime) -> Period:
    """The period asked for; by default the 24 months up to now."""
    end = date_to or now
    return Period(date_from=date_from or end - DEFAULT_PERIOD, date_to=end)


def _in_period(period: Period) -> dict[str, Any]:
    return {"range": {"occurred_at": {"gte": period.date_from.isoformat(), "lt": period.date_to.isoformat()}}}


def _period_search(period: Period) -> dict[str, str]:
    return {"date_from": period.date_from.isoformat(), "date_to": period.date_to.isoformat()}


# --- soft intelligence ------------------------------------------------------------------------------------


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


def soft_intelligence_body(scope: dict[str, Any], period: Period, *, top: int, terms: int) -> dict[str, Any]:
    """Size-0 search over soft intelligence in the period; England through a `global` aggregation."""
    counted = [SOFT_INTELLIGENCE, _in_period(period)]
    negative_by_statement = {
        "terms": {"field": "quality_statement_ids", "size": STATEMENTS},
        "aggs": {"negative": {"filter": NEGATIVE}},
    }
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"bool": {"filter": [scope, *counted]}},
        "aggs": {
            "by_source_type": {"terms": {"field": "source_type", "size": len(SOFT_SOURCES)}},
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
                            "background_filter": {"bool": {"filter": counted}},
                        }
                    }
                },
            },
            "england": {
                "global": {},
                "aggs": {
                    "counted": {
                        "filter": {"bool": {"filter": counted}},
                        "aggs": {"by_quality_statement": negative_by_statement},
                    }
                },
            },
        },
    }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _compared(
    by_statement: list[CountBySentiment], england: dict[str, tuple[int, int]]
) -> list[NegativeShare]:
    compared = []
    for row in by_statement:
        count, negative = row.total, row.sentiment.get("negative", 0)
        england_count, england_negative = england.get(row.key, (0, 0))
        share, england_share = _share(negative, count), _share(england_negative, england_count)
        compared.append(
            NegativeShare(
                quality_statement=row.key,
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
    return sorted(compared, key=lambda row: -(row.difference or 0))


def _counts_phrase(period: Period) -> str:
    sources = ", ".join(source.value for source in SOFT_SOURCES)
    return (
        f"Soft intelligence ({sources}) that occurred from {period.date_from:%Y-%m-%d} to before "
        f"{period.date_to:%Y-%m-%d}; inspection results are not counted here. 'England' is the same count "
        "over every area."
    )


def parse_soft_intelligence(
    response: dict[str, Any], period: Period, search: dict[str, str]
) -> SoftIntelligence:
    aggs = response.get("aggregations")
    if aggs is None:  # no evidence index yet
        aggs = {}
    england = {
        b["key"]: (b["doc_count"], b["negative"]["doc_count"])
        for b in aggs.get("england", {}).get("counted", {}).get("by_quality_statement", {}).get("buckets", [])
    }
    statements = [
        CountBySentiment(
            key=bucket["key"],
            total=bucket["doc_count"],
            sentiment={s["key"]: s["doc_count"] for s in bucket["sentiment"]["buckets"]},
        )
        for bucket in aggs.get("by_quality_statement", {}).get("buckets", [])
    ]
    return SoftIntelligence(
        counts=_counts_phrase(period),
        source_types=list(SOFT_SOURCES),
        search={**search, "evidence_kind": EvidenceKind.SOFT_INTELLIGENCE.value, **_period_search(period)},
        total=response["hits"]["total"]["value"],
        by_source_type=buckets(aggs.get("by_source_type", {})),
        by_key_question=buckets(aggs.get("by_key_question", {})),
        by_quality_statement=statements,
        monthly=[
            MonthCount(
                month=b["key_as_string"],
                total=b["doc_count"],
                negative=b["negative"]["doc_count"],
                high_severity=b["high"]["doc_count"],
            )
            for b in aggs.get("monthly", {}).get("buckets", [])
        ],
        top_providers_negative=_providers(aggs.get("top_negative")),
        top_providers_high_severity=_providers(aggs.get("top_high_severity")),
        compared_with_england=_compared(statements, england),
        emerging_terms=[
            EmergingTerm(
                term=b["key"], count=b["doc_count"], background_count=b["bg_count"], score=b["score"]
            )
            for b in aggs.get("emerging", {}).get("terms", {}).get("buckets", [])
        ],
    )


def _providers(aggregation: dict[str, Any] | None) -> list[ProviderCount]:
    return [
        ProviderCount(
            location_id=b["key"],
            name=next((n["key"] for n in b["name"]["buckets"]), None),
            count=b["doc_count"],
        )
        for b in (aggregation or {}).get("providers", {}).get("buckets", [])
    ]


def soft_intelligence(
    es: Elasticsearch, names: Names, scope: Scope, period: Period, *, top: int, terms: int
) -> SoftIntelligence:
    with elasticsearch_errors():
        response = es.search(
            index=names.evidence_alias,
            ignore_unavailable=True,
            allow_no_indices=True,
            **soft_intelligence_body(scope.evidence, period, top=top, terms=terms),
        )
    return parse_soft_intelligence(response, period, scope.search)


# --- inspection results ------------------------------------------------------------------------------------


def _years_before(moment: datetime, years: int) -> str:
    return (moment - timedelta(days=round(365.25 * years))).isoformat()


def locations_ratings_body(scope: dict[str, Any], as_of: datetime) -> dict[str, Any]:
    """Registered locations in scope: current ratings and time since the last inspection."""
    bands = [
        {"key": label, "from": _years_before(as_of, high), "to": _years_before(as_of, low) if low else None}
        for label, low, high in SINCE_INSPECTION_BANDS
    ]
    oldest = SINCE_INSPECTION_BANDS[-1][2]
    bands.append({"key": f"{oldest} years or more", "to": _years_before(as_of, oldest)})
    ranges = [{key: value for key, value in band.items() if value is not None} for band in bands]
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"bool": {"filter": [scope, REGISTERED]}},
        "aggs": {
            "overall": {
                "terms": {
                    "field": "overall_rating.rating",
                    "size": 10,
                    "missing": Rating.NO_PUBLISHED_RATING.value,
                }
            },
            **{
                f"kq_{question.value}": {
                    "terms": {"field": f"key_question_ratings.{question.value}.rating", "size": 10}
                }
                for question in KeyQuestion
            },
            "since_inspection": {"date_range": {"field": "last_inspection_at", "ranges": ranges}},
            "no_inspection_date": {"missing": {"field": "last_inspection_at"}},
        },
    }


def rating_changes_body(scope: dict[str, Any], period: Period, latest: int) -> dict[str, Any]:
    """Inspection results in the period that replaced a different rating: every pair, and the latest."""
    return {
        "size": latest,
        "track_total_hits": True,
        "query": {
            "bool": {
                "filter": [
                    scope,
                    INSPECTION_RESULTS,
                    _in_period(period),
                    {"exists": {"field": "inspection.previous_rating"}},
                ]
            }
        },
        "sort": [{"occurred_at": "desc"}, {"evidence_id": "asc"}],
        "_source": ["evidence_id", "occurred_at", "provider", "inspection"],
        "aggs": {
            "pairs": {
                "terms": {"field": "inspection.previous_rating", "size": 10},
                "aggs": {"to": {"terms": {"field": "inspection.rating", "size": 10}}},
            }
        },
    }


def direction(previous: Rating, rating: Rating) -> str:
    """'improved' or 'declined' between two graded ratings; 'changed' to or from not rated."""
    if previous.rank is None or rating.rank is None:
        return "changed"
    return "improved" if rating.rank < previous.rank else "declined"


def parse_rating_changes(response: dict[str, Any]) -> RatingChanges:
    totals = {"improved": 0, "declined": 0, "changed": 0}
    for pair in response.get("aggregations", {}).get("pairs", {}).get("buckets", []):
        for to in pair["to"]["buckets"]:
            if pair["key"] != to["key"]:
                totals[direction(Rating(pair["key"]), Rating(to["key"]))] += to["doc_count"]
    latest = []
    for hit in response["hits"]["hits"]:
        source, finding = hit["_source"], hit["_source"]["inspection"]
        previous, rating = Rating(finding["previous_rating"]), Rating(finding["rating"])
        provider = source.get("provider") or {}
        latest.append(
            RatingChange(
                evidence_id=source["evidence_id"],
                location_id=provider.get("location_id"),
                name=provider.get("name"),
                key_question=finding.get("key_question"),
                previous_rating=previous,
                rating=rating,
                report_date=finding.get("report_date") or source["occurred_at"],
                direction=direction(previous, rating),
            )
        )
    return RatingChanges(**totals, latest=latest)


def statements_by_key_question() -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {question.value: [] for question in KeyQuestion}
    for statement in quality_statements():
        grouped[statement.key_question].append(statement.id)
    return grouped


def inspection_results(es: Elasticsearch, names: Names, scope: Scope, period: Period) -> InspectionResults:
    with elasticsearch_errors():
        locations = es.search(
            index=names.locations_alias, **locations_ratings_body(scope.locations, period.date_to)
        )
        changes = es.search(
            index=names.evidence_alias,
            ignore_unavailable=True,
            allow_no_indices=True,
            **rating_changes_body(scope.evidence, period, LATEST_CHANGES),
        )
    aggs = locations["aggregations"]
    since = [FacetBucket(value=b["key"], count=b["doc_count"]) for b in aggs["since_inspection"]["buckets"]]
    since.append(FacetBucket(value="unknown", count=aggs["no_inspection_date"]["doc_count"]))
    return InspectionResults(
        counts="CQC's published ratings: the current ratings of the registered locations in scope, and the "
        f"inspection results published from {period.date_from:%Y-%m-%d} to before {period.date_to:%Y-%m-%d} "
        "that changed a rating. Not people's experience: see soft_intelligence.",
        search={
            **scope.search,
            "evidence_kind": EvidenceKind.INSPECTION_RESULT.value,
            **_period_search(period),
        },
        locations=locations["hits"]["total"]["value"],
        current_overall=buckets(aggs["overall"]),
        current_by_key_question={
            question.value: buckets(aggs[f"kq_{question.value}"]) for question in KeyQuestion
        },
        changes=parse_rating_changes(changes),
        since_last_inspection=since,
        statements_by_key_question=statements_by_key_question(),
    )


# --- profiles ----------------------------------------------------------------------------------------------


def area_profile(
    es: Elasticsearch,
    names: Names,
    code: str,
    *,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    top: int = 10,
    terms: int = 15,
) -> AreaProfile:
    """Soft intelligence and inspection results of a local authority, ICB or region (404 when unknown)."""
    area = resolve_area(code)
    condition = {"term": {area_field(area): area.code}}
    scope = Scope(evidence=condition, locations=condition, search={area.level: area.code})
    period = profile_period(date_from, date_to, datetime.now(UTC))
    return AreaProfile(
        area=area,
        period=period,
        soft_intelligence=soft_intelligence(es, names, scope, period, top=top, terms=terms),
        inspection_results=inspection_results(es, names, scope, period),
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
        response = es.count(
            index=names.evidence_alias, ignore_unavailable=True, allow_no_indices=True, query=condition
        )
    return response["count"]


def provider_profile(
    es: Elasticsearch,
    names: Names,
    identifier: str,
    *,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    top: int = 10,
    terms: int = 15,
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
    )
    period = profile_period(date_from, date_to, datetime.now(UTC))
    return ProviderProfile(
        id=identifier,
        kind="location" if is_location else "provider",
        period=period,
        soft_intelligence=soft_intelligence(es, names, scope, period, top=top, terms=terms),
        inspection_results=inspection_results(es, names, scope, period),
        locations=locations,
    )
