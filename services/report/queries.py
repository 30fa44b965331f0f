"""Read what the review pack needs from the index, through the index's own queries where they exist.

The area profile of the period and of the period before (services.index.profiles), the search facets for
themes, model versions and the comparators' negative shares (services.index.search), the alerts lifecycle's
list (services.alerts.lifecycle); two small reads of its own: each source's months, and each statement's
recent items to quote (one msearch). Independent reads run side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from schemas import EvidenceKind, SentimentLabel, SourceType
from schemas.reference import local_authorities, quality_statements
from services.alerts import lifecycle
from services.alerts.models import AlertFilters, AlertView
from services.common.errors import InvalidRequestError
from services.common.http import elasticsearch_errors
from services.common.indices import MAY_BE_EMPTY, Names
from services.index import profiles, search
from services.index.areas import area_field, region_of, resolve_area
from services.index.models import AreaInfo, Period, SearchFilters, SearchPage
from services.index.profile_scope import in_period
from services.index.soft_intelligence import SOFT_INTELLIGENCE
from services.report.models import Comparator
from services.report.pack import Counts, PackInputs
from services.report.quotes import Candidate

DEFAULT_PERIOD = timedelta(days=365)
MAX_ALERTS = 500
QUOTE_FIELDS = [
    "evidence_id",
    "occurred_at",
    "source_type",
    "sentiment.label",
    "severity.level",
    "text",
    "cluster_id",
]


def pack_period(date_from: datetime | None, date_to: datetime | None, now: datetime) -> Period:
    """The period asked for; by default the 12 months up to the end of today (UTC)."""
    end = date_to or now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return Period(date_from=date_from or end - DEFAULT_PERIOD, date_to=end)


def previous_period(period: Period) -> Period:
    """The period of the same length just before."""
    return Period(date_from=period.date_from - (period.date_to - period.date_from), date_to=period.date_from)


def _filters(area: AreaInfo | None, period: Period, **more: Any) -> SearchFilters:
    scope = {area.level: area.code} if area else {}
    return SearchFilters(
        **scope,
        evidence_kind=EvidenceKind.SOFT_INTELLIGENCE,
        date_from=period.date_from,
        date_to=period.date_to,
        **more,
    )


def _facets(es: Elasticsearch, names: Names, filters: SearchFilters) -> SearchPage:
    return search.search_evidence(es, names, None, filters, size=1)


def _facet_counts(page: SearchPage, negative: SearchPage, facet: str) -> dict[str, Counts]:
    negatives = {b.value: b.count for b in negative.facets[facet]}
    return {b.value: Counts(negatives.get(b.value, 0), b.count) for b in page.facets[facet]}


def _negative_share(page: SearchPage) -> Counts:
    by_label = {b.value: b.count for b in page.facets["sentiment"]}
    return Counts(by_label.get(SentimentLabel.NEGATIVE.value, 0), page.total)


def _area_in_period(area: AreaInfo, period: Period) -> list[dict[str, Any]]:
    """Filter clauses: the area's soft intelligence in the period."""
    return [{"term": {area_field(area): area.code}}, SOFT_INTELLIGENCE, in_period(period)]


def _aggregate(
    es: Elasticsearch, names: Names, area: AreaInfo, period: Period, aggs: dict[str, Any]
) -> dict[str, Any]:
    """`aggs` over the area's soft intelligence in the period (no hits)."""
    with elasticsearch_errors():
        response = es.search(
            index=names.evidence_read_alias,
            **MAY_BE_EMPTY,
            size=0,
            query={"bool": {"filter": _area_in_period(area, period)}},
            aggs=aggs,
        )
    return response.get("aggregations", {})


def source_months(
    es: Elasticsearch, names: Names, area: AreaInfo, span: Period
) -> tuple[dict[SourceType, dict[str, int]], dict[SourceType, tuple[datetime, datetime]]]:
    """Items per source and month over `span`, and each source's first and last item in it."""
    aggregations = _aggregate(
        es,
        names,
        area,
        span,
        {
            "sources": {
                "terms": {"field": "source_type", "size": len(SourceType)},
                "aggs": {
                    "months": {"date_histogram": search.MONTHLY},
                    "first": {"min": {"field": "occurred_at"}},
                    "last": {"max": {"field": "occurred_at"}},
                },
            }
        },
    )
    sources = aggregations.get("sources", {}).get("buckets", [])
    months = {
        SourceType(b["key"]): {m["key_as_string"]: m["doc_count"] for m in b["months"]["buckets"]}
        for b in sources
    }
    bounds = {
        SourceType(b["key"]): (
            datetime.fromtimestamp(b["first"]["value"] / 1000, UTC),
            datetime.fromtimestamp(b["last"]["value"] / 1000, UTC),
        )
        for b in sources
    }
    return months, bounds


def key_question_months(
    es: Elasticsearch, names: Names, area: AreaInfo, period: Period
) -> dict[str, dict[str, Counts]]:
    """Each key question's items and negative items per month of the period (one aggregation)."""
    aggregations = _aggregate(
        es,
        names,
        area,
        period,
        {
            "questions": {
                "terms": {"field": "key_questions", "size": 10},
                "aggs": {
                    "months": {
                        "date_histogram": search.MONTHLY,
                        "aggs": {"negative": {"filter": {"term": {"sentiment.label": "negative"}}}},
                    }
                },
            }
        },
    )
    return {
        question["key"]: {
            month["key_as_string"]: Counts(month["negative"]["doc_count"], month["doc_count"])
            for month in question["months"]["buckets"]
        }
        for question in aggregations.get("questions", {}).get("buckets", [])
    }


def _monthly(all_items: SearchPage, negative: SearchPage) -> dict[str, Counts]:
    negatives = {b.value: b.count for b in negative.monthly}
    return {b.value: Counts(negatives.get(b.value, 0), b.count) for b in all_items.monthly}


def quote_candidates(
    es: Elasticsearch, names: Names, area: AreaInfo, period: Period, size: int
) -> dict[str, list[Candidate]]:
    """Each quality statement's most recent items in the area and period (one msearch)."""
    keys = [s.id for s in quality_statements()]
    searches: list[dict[str, Any]] = []
    for key in keys:
        index = names.evidence_read_alias
        searches.append({"index": index, **MAY_BE_EMPTY})
        clauses = [*_area_in_period(area, period), {"term": {"quality_statement_ids": key}}]
        searches.append(
            {
                "size": size,
                "query": {"bool": {"filter": clauses}},
                "sort": [{"occurred_at": "desc"}, {"evidence_id": "asc"}],
                "_source": QUOTE_FIELDS,
            }
        )
    with elasticsearch_errors():
        responses = es.msearch(searches=searches)["responses"]
    return {
        key: [
            Candidate(
                evidence_id=hit["_source"]["evidence_id"],
                occurred_at=datetime.fromisoformat(hit["_source"]["occurred_at"]),
                source_type=SourceType(hit["_source"]["source_type"]),
                sentiment=SentimentLabel(hit["_source"]["sentiment"]["label"]),
                high_severity=hit["_source"]["severity"]["level"] == "high",
                text=hit["_source"]["text"],
                cluster=hit["_source"].get("cluster_id"),
            )
            for hit in response.get("hits", {}).get("hits", [])
        ]
        for key, response in zip(keys, responses, strict=True)
    }


def _alerts(es: Elasticsearch, names: Names, codes: list[str]) -> list[AlertView]:
    found: dict[str, AlertView] = {}
    for code in codes:
        for alert in lifecycle.list_alerts(es, names, AlertFilters(code=code), size=MAX_ALERTS).alerts:
            found[alert.alert_id] = alert
    return list(found.values())


def area_codes(area: AreaInfo) -> list[str]:
    """The area's code and, for an ICB or a region, its councils' (alerts are raised per council)."""
    if area.level == "local_authority":
        return [area.code]
    field = "icb_code" if area.level == "icb" else "region_code"
    return [area.code] + sorted(
        c.code for c in local_authorities().values() if getattr(c, field) == area.code
    )


def read_inputs(
    es: Elasticsearch,
    names: Names,
    code: str,
    *,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    now: datetime | None = None,
    top: int = 10,
    quote_candidates_per_statement: int = 30,
    compare_with: Comparator | None = None,
) -> PackInputs:
    """Everything the pack is built from, for an area by code or name (404 when unknown; 400 when asked to
    compare a region with its region)."""
    area = resolve_area(code)
    period = pack_period(date_from, date_to, now or datetime.now(UTC))
    before = previous_period(period)
    region = region_of(area)
    if compare_with is Comparator.REGION and region is None:
        raise InvalidRequestError(f"{area.name} is a region: compare it with england")
    comparator = region if compare_with is Comparator.REGION else None
    calls: dict[str, Callable[[], Any]] = {
        "profile": lambda: profiles.area_profile(
            es, names, area.code, date_from=period.date_from, date_to=period.date_to, top=top
        ),
        "previous": lambda: profiles.area_profile(
            es, names, area.code, date_from=before.date_from, date_to=before.date_to, top=top
        ),
        "all": lambda: _facets(es, names, _filters(area, period)),
        "negative": lambda: _facets(es, names, _filters(area, period, sentiment=SentimentLabel.NEGATIVE)),
        "england": lambda: _facets(es, names, _filters(None, period)),
        "region": lambda: _facets(es, names, _filters(region, period)) if region else None,
        "sources": lambda: source_months(
            es, names, area, Period(date_from=before.date_from, date_to=period.date_to)
        ),
        "quotes": lambda: quote_candidates(es, names, area, period, quote_candidates_per_statement),
        "area_alerts": lambda: _alerts(es, names, area_codes(area)),
        "key_question_months": lambda: key_question_months(es, names, area, period),
        "comparator_negative": lambda: (
            _facets(es, names, _filters(comparator, period, sentiment=SentimentLabel.NEGATIVE))
            if compare_with
            else None
        ),
    }
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="pack-query") as pool:
        futures = {name: pool.submit(call) for name, call in calls.items()}
        read = {name: future.result() for name, future in futures.items()}
    profile = read["profile"]
    shortlist = {p.location_id for p in profile.soft_intelligence.top_providers_negative} | {
        p.location_id for p in profile.soft_intelligence.top_providers_high_severity
    }
    months, bounds = read["sources"]
    return PackInputs(
        profile=profile,
        previous=read["previous"].soft_intelligence,
        previous_period=before,
        england=_negative_share(read["england"]),
        region=_negative_share(read["region"]) if read["region"] else None,
        region_name=region.name if region else None,
        themes=_facet_counts(read["all"], read["negative"], "theme"),
        cross_cutting=_facet_counts(read["all"], read["negative"], "cross_cutting_theme"),
        candidates=read["quotes"],
        alerts=read["area_alerts"] + _alerts(es, names, sorted(shortlist)),
        source_months=months,
        source_bounds=bounds,
        model_versions=read["all"].facets["model_version"],
        key_question_months=read["key_question_months"],
        compare_with=compare_with,
        comparator_months=_monthly(
            read["region" if compare_with is Comparator.REGION else "england"], read["comparator_negative"]
        )
        if compare_with
        else {},
    )
