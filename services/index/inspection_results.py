"""The inspection-results section of a profile: CQC's published ratings, reported as ratings.

The current overall and key-question ratings of the registered locations in scope, the ratings published
in the period that changed the rating before them, and the time since each location's last inspection.
Ratings are facts about a whole key question: no quality statement is claimed from them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from schemas import EvidenceKind, KeyQuestion, Rating
from schemas.reference import quality_statements
from services.common.http import elasticsearch_errors
from services.common.indices import MAY_BE_EMPTY, Names
from services.index.models import FacetBucket, InspectionResults, Period, RatingChange, RatingChanges
from services.index.profile_scope import REGISTERED, Scope, in_period, period_search
from services.index.search import buckets

INSPECTION_RESULTS = {"term": {"source_type": EvidenceKind.INSPECTION_RESULT.value}}
LATEST_CHANGES = 20
SINCE_INSPECTION_BANDS = (("under 1 year", 0, 1), ("1 to 2 years", 1, 2), ("2 to 4 years", 2, 4))


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
                    in_period(period),
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
            index=names.evidence_read_alias,
            **MAY_BE_EMPTY,
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
            **period_search(period),
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
