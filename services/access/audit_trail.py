"""Searching the audit trail (admin): who did what, to which items, when; newest first, with a cursor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch
from pydantic import BaseModel, ConfigDict, Field

from schemas import AuditRecorded
from services.common.errors import InvalidRequestError
from services.common.http import elasticsearch_errors
from services.common.indices import Names

MAX_PAGE = 500
MAX_ACTIONS = 500


class AuditFilters(BaseModel):
    """Every filter is optional; together they narrow (AND)."""

    model_config = ConfigDict(frozen=True)

    actor: str | None = Field(default=None, description="A subject (`key:…`, a token's `sub`) or a name.")
    action: str | None = Field(default=None, description="E.g. 'GET /v1/search' or 'GET /v1/search/export'.")
    item: str | None = Field(default=None, description="An evidence or alert id returned or asked for.")
    outcome: str | None = Field(default=None, description="allowed, denied or failed.")
    text: str | None = Field(default=None, description="Words in the query text searched for.")
    date_from: datetime | None = None
    date_to: datetime | None = None


class AuditPage(BaseModel):
    total: int
    events: list[AuditRecorded]
    next_cursor: str | None = None


def _query(filters: AuditFilters) -> dict[str, Any]:
    clauses: list[dict[str, Any]] = []
    if filters.actor:
        clauses.append(
            {
                "bool": {
                    "should": [
                        {"term": {"actor.subject": filters.actor}},
                        {"term": {"actor.name": filters.actor}},
                    ]
                }
            }
        )
    if filters.action:
        clauses.append({"term": {"action": filters.action}})
    if filters.item:
        clauses.append({"term": {"result_ids": filters.item}})
    if filters.outcome:
        clauses.append({"term": {"outcome": filters.outcome}})
    if filters.text:
        clauses.append({"match": {"query_text": filters.text}})
    if filters.date_from or filters.date_to:
        period = {"gte": filters.date_from, "lt": filters.date_to}
        clauses.append({"range": {"occurred_at": {k: v.isoformat() for k, v in period.items() if v}}})
    return {"bool": {"filter": clauses}}


def _cursor(hit: dict[str, Any]) -> str:
    occurred, event_id = hit["sort"]
    return f"{occurred}:{event_id}"


def _search_after(cursor: str) -> list[Any]:
    occurred, _, event_id = cursor.partition(":")
    if not occurred.isdigit() or not event_id:
        raise InvalidRequestError("cursor is not one this endpoint returned")
    return [int(occurred), event_id]


def search_audit(
    es: Elasticsearch, names: Names, filters: AuditFilters, size: int = 50, cursor: str | None = None
) -> AuditPage:
    """Events matching `filters`, newest first (ties by event id), `size` at a time."""
    if not 1 <= size <= MAX_PAGE:
        raise InvalidRequestError(f"size must be between 1 and {MAX_PAGE}")
    extra = {"search_after": _search_after(cursor)} if cursor else {}
    with elasticsearch_errors():
        if not es.indices.exists_alias(name=names.audit_alias):
            return AuditPage(total=0, events=[])
        found = es.search(
            index=names.audit_alias,
            query=_query(filters),
            sort=[{"occurred_at": "desc"}, {"event_id": "desc"}],
            size=size,
            track_total_hits=True,
            **extra,
        )
    hits = found["hits"]["hits"]
    return AuditPage(
        total=found["hits"]["total"]["value"],
        events=[AuditRecorded.model_validate(hit["_source"]) for hit in hits],
        next_cursor=_cursor(hits[-1]) if len(hits) == size else None,
    )


def recorded_actions(es: Elasticsearch, names: Names) -> list[str]:
    """Every action the trail holds (method and route, or a command), sorted: the choices of a filter."""
    with elasticsearch_errors():
        if not es.indices.exists_alias(name=names.audit_alias):
            return []
        found = es.search(
            index=names.audit_alias,
            size=0,
            aggs={"actions": {"terms": {"field": "action", "size": MAX_ACTIONS}}},
        )
    return sorted(bucket["key"] for bucket in found["aggregations"]["actions"]["buckets"])
