"""England overview: every council's soft intelligence in the latest window against the window before it.

Inspection results are not counted: a bulk import of rating history is not a rise in what people say.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from schemas import AlertStatus
from schemas.reference import local_authorities
from services.alerts.lifecycle import status_clause
from services.common.http import elasticsearch_errors
from services.common.indices import MAY_BE_EMPTY, Names
from services.index.models import AreaActivity, EnglandOverview
from services.index.soft_intelligence import HIGH_SEVERITY, NEGATIVE, SOFT_INTELLIGENCE, SOFT_SOURCES

COUNCILS = 200  # terms size above the 153 councils, so none is cut off


def _window(start: datetime, end: datetime) -> dict[str, Any]:
    return {"range": {"occurred_at": {"gte": start.isoformat(), "lt": end.isoformat()}}}


def overview_body(end: datetime, days: int) -> dict[str, Any]:
    """Per council: totals, negative and high-severity counts in [end - days, end) and the window before."""
    latest, previous = end - timedelta(days=days), end - timedelta(days=2 * days)
    counts = {"negative": {"filter": NEGATIVE}, "high": {"filter": HIGH_SEVERITY}}
    return {
        "size": 0,
        "query": {"bool": {"filter": [SOFT_INTELLIGENCE, _window(previous, end)]}},
        "aggs": {
            "councils": {
                "terms": {"field": "area.local_authority_code", "size": COUNCILS},
                "aggs": {
                    "latest": {"filter": _window(latest, end), "aggs": counts},
                    "previous": {"filter": _window(previous, latest), "aggs": counts},
                },
            }
        },
    }


def england_overview(es: Elasticsearch, names: Names, *, days: int = 30) -> EnglandOverview:
    """The window ends just after the newest soft-intelligence item, so a quiet feed still shows its last
    month."""
    with elasticsearch_errors():
        newest = es.search(
            index=names.evidence_read_alias,
            **MAY_BE_EMPTY,
            size=0,
            query=SOFT_INTELLIGENCE,
            aggs={"newest": {"max": {"field": "occurred_at"}}},
        )
        newest_ms = newest.get("aggregations", {}).get("newest", {}).get("value")
        open_alerts = es.search(
            index=names.alerts_alias,
            **MAY_BE_EMPTY,
            size=0,
            query=status_clause(AlertStatus.OPEN),
            aggs={"codes": {"terms": {"field": "key.code", "size": COUNCILS}}},
        )
    alerts_by_code = {
        b["key"]: b["doc_count"]
        for b in open_alerts.get("aggregations", {}).get("codes", {}).get("buckets", [])
    }
    by_code: dict[str, dict[str, Any]] = {}
    end = None
    if newest_ms is not None:
        end = datetime.fromtimestamp(newest_ms / 1000, tz=UTC) + timedelta(seconds=1)
        with elasticsearch_errors():
            response = es.search(
                index=names.evidence_read_alias,
                **MAY_BE_EMPTY,
                **overview_body(end, days),
            )
        by_code = {b["key"]: b for b in response["aggregations"]["councils"]["buckets"]}
    areas = []
    for code, council in local_authorities().items():
        bucket = by_code.get(code, {})
        latest, previous = bucket.get("latest", {}), bucket.get("previous", {})
        areas.append(
            AreaActivity(
                code=code,
                name=council.name,
                region=council.region_name,
                total=latest.get("doc_count", 0),
                negative=latest.get("negative", {}).get("doc_count", 0),
                high_severity=latest.get("high", {}).get("doc_count", 0),
                previous_total=previous.get("doc_count", 0),
                previous_negative=previous.get("negative", {}).get("doc_count", 0),
                previous_high_severity=previous.get("high", {}).get("doc_count", 0),
                open_alerts=alerts_by_code.get(code, 0),
            )
        )
    return EnglandOverview(
        counts=f"Soft intelligence ({', '.join(s.value for s in SOFT_SOURCES)}) per council in the {days} "
        f"days up to the newest item and the {days} days before; inspection results are not counted.",
        window_start=end - timedelta(days=days) if end else None,
        window_end=end,
        window_days=days,
        areas=areas,
    )
