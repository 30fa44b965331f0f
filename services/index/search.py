"""Full-text evidence search: filters, facets, highlights, pagination with an opaque cursor.

Near-duplicates collapse into one hit per cluster (`cluster_id`) unless every copy is asked for. Elasticsearch
pages collapsed hits only with from/size (search_after needs the sort to be the collapse field), so their
cursor carries the next page's offset, up to COLLAPSED_WINDOW concerns; every copy pages with search_after.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator
from typing import Any

from elasticsearch import Elasticsearch

from schemas import EvidenceKind, source_types_of
from services.common.errors import InvalidRequestError
from services.common.http import elasticsearch_errors
from services.common.indices import MAY_BE_EMPTY, Names
from services.common.lemmas import query_lemmas
from services.index.areas import resolve_area
from services.index.models import FacetBucket, SearchFilters, SearchHit, SearchPage, SortOrder

Lemmatiser = Callable[[str], str]

FACETS = {
    "source_type": "source_type",
    "key_question": "key_questions",
    "quality_statement": "quality_statement_ids",
    "theme": "themes",
    "cross_cutting_theme": "cross_cutting_themes",
    "sentiment": "sentiment.label",
    "severity": "severity.level",
    "severity_reason": "severity.reasons",
    "evidence_category": "evidence_category",
    "rating": "inspection.rating",
    "author_role": "author_role",
    "local_authority": "area.local_authority_code",
    "icb": "area.icb_code",
    "region": "area.region_code",
    "model_version": "model_version",
}
FACET_SIZES = {"quality_statement": 34, "local_authority": 20, "icb": 42}
FILTER_FIELDS = {
    "local_authority": "area.local_authority_code",
    "icb": "area.icb_code",
    "region": "area.region_code",
    "provider_id": "provider.provider_id",
    "location_id": "provider.location_id",
    "key_question": "key_questions",
    "quality_statement": "quality_statement_ids",
    "theme": "themes",
    "cross_cutting_theme": "cross_cutting_themes",
    "source_type": "source_type",
    "rating": "inspection.rating",
    "sentiment": "sentiment.label",
    "severity": "severity.level",
    "evidence_category": "evidence_category",
    "cluster": "cluster_id",
}
MONTHLY = {"field": "occurred_at", "calendar_interval": "month", "format": "yyyy-MM"}
# The types of the sort values a cursor carries: the score (or the date in epoch ms), then the evidence id.
CURSOR_VALUE_TYPES: dict[SortOrder, tuple[type | tuple[type, ...], ...]] = {
    SortOrder.RELEVANCE: ((int, float), str),
    SortOrder.DATE: (int, str),
}
COLLAPSED_WINDOW = 10_000  # index.max_result_window: from + size of a collapsed page stays within it
CLUSTER_PRECISION = 12_000  # the cluster count is exact (bar hash collisions) below this, so past the window
MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 40
SEARCH_TIMEOUT = "5s"  # Elasticsearch stops collecting hits past this, per shard, and says so
REQUEST_TIMEOUT_SECONDS = 15.0  # and the client gives up on the request past this
SORTS = {
    SortOrder.RELEVANCE: [{"_score": "desc"}, {"evidence_id": "asc"}],
    SortOrder.DATE: [{"occurred_at": "desc"}, {"evidence_id": "asc"}],
}


def filter_clauses(filters: SearchFilters) -> dict[str, dict[str, Any]]:
    """One term clause per given filter, by filter name, and `date` for the occurred_at range."""
    values = filters.model_dump(mode="json", exclude_none=True)
    for level in ("local_authority", "icb", "region"):
        if level in values:
            values[level] = resolve_area(values[level]).code
    clauses = {
        name: {"terms" if isinstance(values[name], list) else "term": {field: values[name]}}
        for name, field in FILTER_FIELDS.items()
        if name in values
    }
    if "evidence_kind" in values:
        kind = EvidenceKind(values["evidence_kind"])
        clauses["evidence_kind"] = {
            "terms": {"source_type": [source.value for source in source_types_of(kind)]}
        }
    window = {op: values[key] for op, key in (("gte", "date_from"), ("lt", "date_to")) if key in values}
    if window:
        clauses["date"] = {"range": {"occurred_at": window}}
    return clauses


def text_query(text: str, lemmatise: Lemmatiser) -> dict[str, Any]:
    """Match the words in `text` (boosted) or their lemmas in `lemmas`."""
    return {
        "bool": {
            "should": [
                {"match": {"text": {"query": text, "boost": 2.0}}},
                {"match": {"lemmas": {"query": lemmatise(text)}}},
            ],
            "minimum_should_match": 1,
        }
    }


def encode_cursor(sort: SortOrder, after: list[Any] | int) -> str:
    """`after`: the last hit's sort values, or (collapsed) the offset of the next page."""
    key = "o" if isinstance(after, int) else "a"
    return base64.urlsafe_b64encode(json.dumps({"s": sort.value, key: after}).encode()).decode().rstrip("=")


def _cursor_fields(cursor: str, sort: SortOrder) -> dict[str, Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        cursor_sort = SortOrder(data["s"])
    except (binascii.Error, ValueError, KeyError, TypeError) as error:
        raise InvalidRequestError("invalid cursor") from error
    if cursor_sort is not sort:
        raise InvalidRequestError("the cursor belongs to a different sort order")
    return data


def decode_cursor(cursor: str, sort: SortOrder) -> list[Any]:
    """The search_after values of a search listing every copy."""
    after = _cursor_fields(cursor, sort).get("a")
    if not isinstance(after, list) or len(after) != len(SORTS[sort]):
        raise InvalidRequestError("invalid cursor for a search listing every copy")
    for value, kinds in zip(after, CURSOR_VALUE_TYPES[sort], strict=True):
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise InvalidRequestError("invalid cursor")
    return after


def decode_offset(cursor: str, sort: SortOrder) -> int:
    """The offset of a collapsed search's page."""
    offset = _cursor_fields(cursor, sort).get("o")
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset < COLLAPSED_WINDOW:
        raise InvalidRequestError("invalid cursor for a collapsed search")
    return offset


def collapses(filters: SearchFilters, collapse: bool) -> bool:
    """Whether a search is collapsed: asked for, and not listing one cluster's copies."""
    return collapse and filters.cluster is None


def checked_query(text: str) -> str:
    """The query text, refused (400) past MAX_QUERY_CHARS characters or MAX_QUERY_TERMS words."""
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidRequestError(f"q must be at most {MAX_QUERY_CHARS} characters")
    if len(text.split()) > MAX_QUERY_TERMS:
        raise InvalidRequestError(f"q must be at most {MAX_QUERY_TERMS} words")
    return text


def search_body(
    text: str | None,
    filters: SearchFilters,
    *,
    sort: SortOrder,
    size: int,
    cursor: str | None,
    lemmatise: Lemmatiser = query_lemmas,
    collapse: bool = False,
) -> dict[str, Any]:
    """The _search body, with multi-select facets: each facet counts the result set as filtered by
    everything except its own filter (so the other values of a chosen facet keep their counts); the
    faceted filters narrow the hits through `post_filter`."""
    clauses = filter_clauses(filters)
    faceted = {name: clause for name, clause in clauses.items() if name in FACETS}
    query: dict[str, Any] = {"bool": {"filter": [c for name, c in clauses.items() if name not in faceted]}}
    if text and text.strip():
        query["bool"]["must"] = [text_query(checked_query(text), lemmatise)]
    body: dict[str, Any] = {
        "query": query,
        "timeout": SEARCH_TIMEOUT,
        "size": size,
        "sort": SORTS[sort],
        "track_total_hits": True,
        "highlight": {"fields": {"text": {"number_of_fragments": 3, "fragment_size": 160}}},
        "aggs": {
            **{
                name: {
                    "filter": {"bool": {"filter": [c for other, c in faceted.items() if other != name]}},
                    "aggs": {"values": {"terms": {"field": field, "size": FACET_SIZES.get(name, 10)}}},
                }
                for name, field in FACETS.items()
            },
            "monthly": {
                "filter": {"bool": {"filter": list(faceted.values())}},
                "aggs": {"values": {"date_histogram": MONTHLY}},
            },
            "clusters": {
                "filter": {"bool": {"filter": list(faceted.values())}},
                "aggs": {
                    "values": {
                        "cardinality": {"field": "cluster_id", "precision_threshold": CLUSTER_PRECISION}
                    }
                },
            },
        },
    }
    if collapses(filters, collapse):  # one hit per near-duplicate cluster, with its matching copies' count
        offset = decode_offset(cursor, sort) if cursor else 0
        body["collapse"] = {"field": "cluster_id", "inner_hits": {"name": "copies", "size": 0}}
        body["from"] = offset
        body["size"] = min(size + 1, COLLAPSED_WINDOW - offset)  # one more: is there a next page?
    elif cursor:
        body["search_after"] = decode_cursor(cursor, sort)
    if faceted:
        body["post_filter"] = {"bool": {"filter": list(faceted.values())}}
    return body


def _hit(raw: dict[str, Any]) -> SearchHit:
    source = raw["_source"]
    return SearchHit(
        evidence_id=source["evidence_id"],
        score=raw.get("_score"),
        occurred_at=source["occurred_at"],
        source_type=source["source_type"],
        source_reference=source["source_reference"],
        text=source["text"],
        highlights=raw.get("highlight", {}).get("text", []),
        provider=source.get("provider") or {},
        area=source.get("area") or {},
        quality_statement_ids=source.get("quality_statement_ids", []),
        key_questions=source.get("key_questions", []),
        themes=source.get("themes", []),
        sentiment=source["sentiment"]["label"],
        sentiment_method=source["sentiment"].get("method", "model"),
        severity=source["severity"]["level"],
        severity_reasons=source["severity"].get("reasons", []),
        evidence_category=source["evidence_category"],
        inspection=source.get("inspection"),
        model_version=source["model_version"],
        cluster_id=source.get("cluster_id"),
        similar=_similar(raw),
    )


def _similar(raw: dict[str, Any]) -> int | None:
    copies = raw.get("inner_hits", {}).get("copies")
    return copies["hits"]["total"]["value"] - 1 if copies else None


def buckets(aggregation: dict[str, Any]) -> list[FacetBucket]:
    """Terms buckets (or date-histogram buckets, by their formatted key) as value/count pairs."""
    return [
        FacetBucket(value=str(b.get("key_as_string", b["key"])), count=b["doc_count"])
        for b in aggregation.get("buckets", [])
    ]


def search_evidence(
    es: Elasticsearch,
    names: Names,
    text: str | None,
    filters: SearchFilters,
    *,
    sort: SortOrder = SortOrder.RELEVANCE,
    size: int = 20,
    cursor: str | None = None,
    lemmatise: Lemmatiser = query_lemmas,
    collapse: bool = False,
) -> SearchPage:
    body = search_body(
        text, filters, sort=sort, size=size, cursor=cursor, lemmatise=lemmatise, collapse=collapse
    )
    with elasticsearch_errors():
        response = es.options(request_timeout=REQUEST_TIMEOUT_SECONDS).search(
            index=names.evidence_read_alias, **MAY_BE_EMPTY, **body
        )
    raw_hits = response["hits"]["hits"]
    aggregations = response.get("aggregations", {})
    collapsed = collapses(filters, collapse)
    next_cursor = None
    if collapsed:
        next_offset = body["from"] + size
        if len(raw_hits) > size and next_offset < COLLAPSED_WINDOW:
            next_cursor = encode_cursor(sort, next_offset)
        raw_hits = raw_hits[:size]
    elif len(raw_hits) == size:
        next_cursor = encode_cursor(sort, raw_hits[-1]["sort"])
    return SearchPage(
        total=response["hits"]["total"]["value"],
        collapsed=collapsed,
        clusters=aggregations.get("clusters", {}).get("values", {}).get("value"),
        hits=[_hit(raw) for raw in raw_hits],
        facets={name: buckets(aggregations.get(name, {}).get("values", {})) for name in FACETS},
        monthly=buckets(aggregations.get("monthly", {}).get("values", {})),
        next_cursor=next_cursor,
    )


def all_hits(
    es: Elasticsearch,
    names: Names,
    text: str | None,
    filters: SearchFilters,
    *,
    sort: SortOrder = SortOrder.DATE,
    page_size: int = 500,
    collapse: bool = False,
) -> Iterator[SearchHit]:
    """Every hit of a search, page after page through its cursor (for exports). The first page is read at
    once, so a refused query (400: also a collapsed result past COLLAPSED_WINDOW concerns) or an unreachable
    store (503) answers before a download has started."""
    first = search_evidence(es, names, text, filters, sort=sort, size=page_size, collapse=collapse)
    if first.collapsed and (first.clusters or 0) > COLLAPSED_WINDOW:
        raise InvalidRequestError(
            f"more than {COLLAPSED_WINDOW:,} concerns: narrow the search, "
            "or export every copy (collapse=false)"
        )

    def pages() -> Iterator[SearchHit]:
        page = first
        while True:
            yield from page.hits
            if page.next_cursor is None:
                return
            page = search_evidence(
                es,
                names,
                text,
                filters,
                sort=sort,
                size=page_size,
                cursor=page.next_cursor,
                collapse=collapse,
            )

    return pages()
