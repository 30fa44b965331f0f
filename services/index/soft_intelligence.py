"""The soft-intelligence section of a profile: what people tell us, in the period, with its statistics.

Requests: the scope's aggregations (volumes, statement × sentiment, months, top providers); the same
counts for England, every region and every area at the profile's level (one request shared by every
profile of that level and period, so Elasticsearch's request cache serves it); emerging-term candidates
and their exact counts. `per_capacity` divides the counts by the capacity the CQC records give.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from elasticsearch import Elasticsearch
from spacy.lang.en.stop_words import STOP_WORDS

from schemas import EvidenceKind, KeyQuestion, source_types_of
from schemas.reference import quality_statements
from services.common.http import elasticsearch_errors
from services.common.indices import MAY_BE_EMPTY, Names
from services.index.comparisons import (
    CONFIDENCE_LEVEL,
    FALSE_DISCOVERY_RATE,
    METHOD,
    MIN_ITEMS,
    Counts,
    compare,
)
from services.index.models import (
    ComparisonSet,
    CountBySentiment,
    EmergingTerm,
    EmergingTerms,
    PerCapacity,
    Period,
    ProviderCount,
    SoftIntelligence,
    Trend,
)
from services.index.profile_scope import REGISTERED, Scope, in_period, period_search
from services.index.search import buckets
from services.index.statistics import benjamini_hochberg, fisher_exact_greater
from services.index.trend import METHOD as TREND_METHOD
from services.index.trend import Month, trend_rows

NEGATIVE = {"term": {"sentiment.label": "negative"}}
HIGH_SEVERITY = {"term": {"severity.level": "high"}}
SOFT_SOURCES = source_types_of(EvidenceKind.SOFT_INTELLIGENCE)
SOFT_INTELLIGENCE = {"terms": {"source_type": [source.value for source in SOFT_SOURCES]}}
STATEMENTS = {statement.id: statement.title for statement in quality_statements()}
KEY_QUESTIONS = {question.value: question.value.replace("_", "-").capitalize() for question in KeyQuestion}
MAX_UNITS = 200  # more than the areas at any level (153 councils)

RECENT = timedelta(days=90)
MIN_RECENT_ITEMS, MIN_EARLIER_ITEMS, MIN_TERM_ITEMS = 20, 50, 5
CANDIDATE_TERMS = 50
TERM_FALSE_DISCOVERY_RATE = 0.01
# Redaction placeholders as the standard analyser leaves them ([PERSON] → person, [NHS_NUMBER] → nhs_number).
PLACEHOLDER_TERMS = (
    "person",
    "address",
    "phone",
    "email",
    "url",
    "handle",
    "postcode",
    "nhs_number",
    "date_of_birth",
)
EXCLUDED_TERMS = "|".join(sorted({*STOP_WORDS, *PLACEHOLDER_TERMS})) + "|.{1,2}|[0-9].*"
TERMS_METHOD = (
    "Candidate words come from Elasticsearch's significant_text over the lemmas of the recent items, "
    "against all of the area's soft intelligence in the period; stop words, redaction placeholders, "
    "numbers and words of one or two letters are left out. Each candidate's share of recent items is "
    "tested against its share of earlier items (Fisher's exact test, one-sided); Benjamini–Hochberg "
    "across the candidates, and a word is shown only when q < 0.01 (stricter than elsewhere because the "
    "candidates were chosen on the same items). 'person' is never shown: it is also where [PERSON] "
    "placeholders end up."
)


def _negative_by(field: str, size: int) -> dict[str, Any]:
    return {"terms": {"field": field, "size": size}, "aggs": {"negative": {"filter": NEGATIVE}}}


def _by_key(aggregation: dict[str, Any]) -> dict[str, Any]:
    return {
        "statements": _negative_by("quality_statement_ids", len(STATEMENTS)),
        "key_questions": _negative_by("key_questions", len(KEY_QUESTIONS)),
        **aggregation,
    }


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


def scope_body(scope: Scope, period: Period, *, top: int) -> dict[str, Any]:
    """Size-0 search over the scope's soft intelligence in the period."""
    last_day = period.date_to - timedelta(milliseconds=1)
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"bool": {"filter": [scope.evidence, SOFT_INTELLIGENCE, in_period(period)]}},
        "aggs": _by_key(
            {
                "by_source_type": {"terms": {"field": "source_type", "size": len(SOFT_SOURCES)}},
                "by_key_question": {"terms": {"field": "key_questions", "size": len(KEY_QUESTIONS)}},
                "by_quality_statement": {
                    "terms": {"field": "quality_statement_ids", "size": len(STATEMENTS)},
                    "aggs": {"sentiment": {"terms": {"field": "sentiment.label", "size": 10}}},
                },
                "monthly": {
                    "date_histogram": {
                        "field": "occurred_at",
                        "calendar_interval": "month",
                        "format": "yyyy-MM",
                        "min_doc_count": 0,
                        "extended_bounds": {
                            "min": period.date_from.strftime("%Y-%m"),
                            "max": last_day.strftime("%Y-%m"),
                        },
                    },
                    "aggs": {"negative": {"filter": NEGATIVE}, "high": {"filter": HIGH_SEVERITY}},
                },
                "top_negative": _top_providers(NEGATIVE, top),
                "top_high_severity": _top_providers(HIGH_SEVERITY, top),
                "concerns": {"cardinality": {"field": "cluster_id"}},
                "negative_concerns": {
                    "filter": NEGATIVE,
                    "aggs": {"clusters": {"cardinality": {"field": "cluster_id"}}},
                },
            }
        ),
    }


def comparators_body(period: Period, population_field: str) -> dict[str, Any]:
    """England, every region and every area at the profile's level, by statement and key question.

    It does not depend on the area asked for, so every profile at the same level and period sends the
    same request and Elasticsearch's request cache answers all but the first (per unchanged shard).
    """
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"bool": {"filter": [SOFT_INTELLIGENCE, in_period(period)]}},
        "aggs": _by_key(
            {
                "regions": {"terms": {"field": "area.region_code", "size": MAX_UNITS}, "aggs": _by_key({})},
                "units": {"terms": {"field": population_field, "size": MAX_UNITS}, "aggs": _by_key({})},
            }
        ),
    }


def _counts(aggregation: dict[str, Any] | None, name: str) -> dict[str, Counts]:
    return {
        bucket["key"]: Counts(bucket["negative"]["doc_count"], bucket["doc_count"])
        for bucket in (aggregation or {}).get(name, {}).get("buckets", [])
    }


def _comparison_sets(
    aggs: dict[str, Any], comparators: dict[str, Any], scope: Scope, period: Period
) -> list[ComparisonSet]:
    units = comparators.get("units", {}).get("buckets", [])
    targets = [("england", None, "England", comparators)]
    if scope.region is not None:
        regions = {bucket["key"]: bucket for bucket in comparators.get("regions", {}).get("buckets", [])}
        targets.append(("region", scope.region.code, scope.region.name, regions.get(scope.region.code)))
    sets = []
    for name, code, label, comparator in targets:
        for by, field, keys in (
            ("quality_statement", "statements", STATEMENTS),
            ("key_question", "key_questions", KEY_QUESTIONS),
        ):
            population = {
                key: [_counts(unit, field).get(key, Counts(0, 0)) for unit in units] for key in keys
            }
            sets.append(
                ComparisonSet(
                    by=by,
                    comparator=name,
                    comparator_code=code,
                    comparator_name=label,
                    counts=f"Negative soft intelligence by {by.replace('_', ' ')}, {scope.subject} against "
                    f"the rest of {label}, {_dates(period)}.",
                    method=METHOD,
                    minimum_items=MIN_ITEMS,
                    confidence_level=CONFIDENCE_LEVEL,
                    false_discovery_rate=FALSE_DISCOVERY_RATE,
                    rows=compare(keys, _counts(aggs, field), _counts(comparator, field), population),
                )
            )
    return sets


def _dates(period: Period) -> str:
    return f"from {period.date_from:%Y-%m-%d} to before {period.date_to:%Y-%m-%d}"


def _providers(aggregation: dict[str, Any] | None) -> list[ProviderCount]:
    return [
        ProviderCount(
            location_id=b["key"],
            name=next((n["key"] for n in b["name"]["buckets"]), None),
            count=b["doc_count"],
        )
        for b in (aggregation or {}).get("providers", {}).get("buckets", [])
    ]


def _trend(aggs: dict[str, Any], period: Period) -> Trend:
    months = [
        Month(b["key_as_string"], b["doc_count"], b["negative"]["doc_count"], b["high"]["doc_count"])
        for b in aggs.get("monthly", {}).get("buckets", [])
    ]
    return Trend(
        counts=f"Soft intelligence per calendar month, {_dates(period)}.",
        method=TREND_METHOD,
        minimum_items=MIN_ITEMS,
        months=trend_rows(months),
    )


# --- emerging terms ------------------------------------


def candidates_body(scope: Scope, period: Period) -> dict[str, Any]:
    recent = Period(date_from=max(period.date_from, period.date_to - RECENT), date_to=period.date_to)
    everything = [scope.evidence, SOFT_INTELLIGENCE, in_period(period)]
    return {
        "size": 0,
        "query": {"bool": {"filter": [scope.evidence, SOFT_INTELLIGENCE, in_period(recent)]}},
        "aggs": {
            "sample": {
                "sampler": {"shard_size": 2000},
                "aggs": {
                    "terms": {
                        "significant_text": {
                            "field": "lemmas",
                            "size": CANDIDATE_TERMS,
                            "min_doc_count": MIN_TERM_ITEMS,
                            "background_filter": {"bool": {"filter": everything}},
                            "exclude": EXCLUDED_TERMS,
                            "filter_duplicate_text": True,
                        }
                    }
                },
            }
        },
    }


def term_counts_body(scope: Scope, period: Period, recent: Period, terms: list[str]) -> dict[str, Any]:
    """Exact counts of the recent and earlier items, and of those using each term."""
    by_term = {"terms": {"filters": {"filters": {term: {"term": {"lemmas": term}} for term in terms}}}}
    earlier = Period(date_from=period.date_from, date_to=recent.date_from)
    return {
        "size": 0,
        "query": {"bool": {"filter": [scope.evidence, SOFT_INTELLIGENCE]}},
        "aggs": {
            "recent": {"filter": in_period(recent), "aggs": by_term if terms else {}},
            "earlier": {"filter": in_period(earlier), "aggs": by_term if terms else {}},
        },
    }


def emerging_terms(es: Elasticsearch, names: Names, scope: Scope, period: Period) -> EmergingTerms:
    recent = Period(date_from=max(period.date_from, period.date_to - RECENT), date_to=period.date_to)
    with elasticsearch_errors():
        counts = es.search(
            index=names.evidence_read_alias,
            **MAY_BE_EMPTY,
            **term_counts_body(scope, period, recent, []),
        )
    aggs = counts.get("aggregations", {})
    recent_items = aggs.get("recent", {}).get("doc_count", 0)
    earlier_items = aggs.get("earlier", {}).get("doc_count", 0)
    status, terms = "ok", []
    if recent_items < MIN_RECENT_ITEMS or earlier_items < MIN_EARLIER_ITEMS:
        status = (
            f"too few items: {recent_items} recent (at least {MIN_RECENT_ITEMS} needed) and "
            f"{earlier_items} earlier (at least {MIN_EARLIER_ITEMS} needed)"
        )
    else:
        terms = _judged_terms(es, names, scope, period, recent, recent_items, earlier_items)
    return EmergingTerms(
        counts=f"Words of the soft intelligence in the last {RECENT.days} days of the period against the "
        f"earlier part of the period, {scope.subject}.",
        method=TERMS_METHOD,
        recent_from=recent.date_from,
        recent_items=recent_items,
        earlier_items=earlier_items,
        minimum_recent_items=MIN_RECENT_ITEMS,
        minimum_earlier_items=MIN_EARLIER_ITEMS,
        minimum_term_items=MIN_TERM_ITEMS,
        status=status,
        terms=terms,
    )


def _judged_terms(
    es: Elasticsearch,
    names: Names,
    scope: Scope,
    period: Period,
    recent: Period,
    recent_items: int,
    earlier_items: int,
) -> list[EmergingTerm]:
    with elasticsearch_errors():
        found = es.search(
            index=names.evidence_read_alias, ignore_unavailable=True, **candidates_body(scope, period)
        )
        candidates = [b["key"] for b in found["aggregations"]["sample"]["terms"]["buckets"]]
        if not candidates:
            return []
        exact = es.search(
            index=names.evidence_read_alias,
            ignore_unavailable=True,
            **term_counts_body(scope, period, recent, candidates),
        )["aggregations"]
    rows = []
    for term in candidates:
        now = exact["recent"]["terms"]["buckets"][term]["doc_count"]
        before = exact["earlier"]["terms"]["buckets"][term]["doc_count"]
        p = fisher_exact_greater(now, recent_items - now, before, earlier_items - before)
        rows.append((term, now, before, p))
    qs = benjamini_hochberg([p for *_, p in rows])
    kept = [
        EmergingTerm(
            term=term,
            count=now,
            recent_items=recent_items,
            earlier_count=before,
            earlier_items=earlier_items,
            p_value=p,
            q_value=q,
            search={**period_search(recent), **scope.search, "evidence_kind": "soft_intelligence", "q": term},
        )
        for (term, now, before, p), q in zip(rows, qs, strict=True)
        if q < TERM_FALSE_DISCOVERY_RATE and now >= MIN_TERM_ITEMS
    ]
    return sorted(kept, key=lambda term: (term.q_value, -term.count, term.term))


# --- per capacity ------------------------------------


def per_capacity(es: Elasticsearch, names: Names, scope: Scope, period: Period) -> PerCapacity:
    """Soft intelligence per registered location (and per care-home bed), here and in England."""
    counted = {"bool": {"filter": [SOFT_INTELLIGENCE, in_period(period)]}}
    care_homes = {
        "bool": {"filter": [{"term": {"care_home": True}}, {"exists": {"field": "number_of_beds"}}]}
    }
    with elasticsearch_errors():
        evidence = es.search(
            index=names.evidence_read_alias,
            **MAY_BE_EMPTY,
            size=0,
            track_total_hits=True,
            query=counted,
            aggs={"scope": {"filter": scope.evidence}},
        )
        locations = es.search(
            index=names.locations_alias,
            size=0,
            track_total_hits=True,
            query=REGISTERED,
            aggs={
                "scope": {
                    "filter": scope.locations,
                    "aggs": {
                        "care_homes": {
                            "filter": care_homes,
                            "aggs": {"beds": {"sum": {"field": "number_of_beds"}}},
                        }
                    },
                }
            },
        )
        homes = es.search(
            index=names.locations_alias,
            size=10_000,
            query={"bool": {"filter": [REGISTERED, scope.locations, care_homes]}},
            source=["location_id"],
        )
        ids = [hit["_source"]["location_id"] for hit in homes["hits"]["hits"]]
        about_homes = (
            es.count(
                index=names.evidence_read_alias,
                **MAY_BE_EMPTY,
                query={
                    "bool": {
                        "filter": [
                            scope.evidence,
                            SOFT_INTELLIGENCE,
                            in_period(period),
                            {"terms": {"provider.location_id": ids}},
                        ]
                    }
                },
            )["count"]
            if ids
            else 0
        )
    england_items = evidence["hits"]["total"]["value"]
    items = evidence.get("aggregations", {}).get("scope", {}).get("doc_count", 0)
    in_scope = locations["aggregations"]["scope"]
    registered, england_registered = in_scope["doc_count"], locations["hits"]["total"]["value"]
    beds = int(in_scope["care_homes"]["beds"]["value"] or 0)
    return PerCapacity(
        counts=f"Soft intelligence items {_dates(period)} per location registered with CQC now "
        "(deregistered ones left out), and items about care homes per 100 beds registered in those care "
        "homes (only care homes whose CQC record gives a bed count). England: the same over every area.",
        items=items,
        registered_locations=registered,
        items_per_location=items / registered if registered else None,
        england_items_per_location=england_items / england_registered if england_registered else None,
        care_homes=in_scope["care_homes"]["doc_count"],
        care_home_beds=beds,
        care_home_items=about_homes,
        care_home_items_per_100_beds=100 * about_homes / beds if beds else None,
    )


# --- the section ------------------------------------


def soft_intelligence(
    es: Elasticsearch, names: Names, scope: Scope, period: Period, *, top: int
) -> SoftIntelligence:
    with elasticsearch_errors():
        response = es.search(
            index=names.evidence_read_alias,
            **MAY_BE_EMPTY,
            **scope_body(scope, period, top=top),
        )
        comparators = es.search(
            index=names.evidence_read_alias,
            **MAY_BE_EMPTY,
            request_cache=True,
            **comparators_body(period, scope.population_field),
        )
    aggs = response.get("aggregations", {})  # none before the first evidence index exists
    return SoftIntelligence(
        counts=f"Soft intelligence ({', '.join(s.value for s in SOFT_SOURCES)}) {scope.subject}, "
        f"{_dates(period)}; inspection results are not counted here.",
        source_types=list(SOFT_SOURCES),
        search={
            **scope.search,
            "evidence_kind": EvidenceKind.SOFT_INTELLIGENCE.value,
            **period_search(period),
        },
        total=response["hits"]["total"]["value"],
        concerns=aggs.get("concerns", {}).get("value", 0),
        negative_concerns=aggs.get("negative_concerns", {}).get("clusters", {}).get("value", 0),
        by_source_type=buckets(aggs.get("by_source_type", {})),
        by_key_question=buckets(aggs.get("by_key_question", {})),
        by_quality_statement=[
            CountBySentiment(
                key=bucket["key"],
                total=bucket["doc_count"],
                sentiment={s["key"]: s["doc_count"] for s in bucket["sentiment"]["buckets"]},
            )
            for bucket in aggs.get("by_quality_statement", {}).get("buckets", [])
        ],
        trend=_trend(aggs, period),
        top_providers_negative=_providers(aggs.get("top_negative")),
        top_providers_high_severity=_providers(aggs.get("top_high_severity")),
        comparisons=_comparison_sets(aggs, comparators.get("aggregations", {}), scope, period),
        emerging_terms=emerging_terms(es, names, scope, period),
    )
