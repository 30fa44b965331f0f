"""Analysts' corrections as Elasticsearch holds them: the latest of each item, and every one (history)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from elasticsearch import Elasticsearch

from schemas import EvidenceCorrected
from services.common.http import elasticsearch_errors
from services.common.indices import Names


def latest_corrections(
    es: Elasticsearch, names: Names, evidence_ids: Sequence[str]
) -> dict[str, EvidenceCorrected]:
    """The latest correction of each of these items that has one (a real-time get: no refresh needed)."""
    if not evidence_ids:
        return {}
    found = es.mget(index=names.corrections_index, ids=list(dict.fromkeys(evidence_ids)))
    return {
        doc["_id"]: EvidenceCorrected.model_validate(doc["_source"])
        for doc in found["docs"]
        if doc.get("found")
    }


def correction_history(es: Elasticsearch, names: Names, evidence_id: UUID) -> list[EvidenceCorrected]:
    """Every correction of an item, oldest first."""
    with elasticsearch_errors():
        response = es.search(
            index=names.correction_history_alias,
            size=200,
            query={"term": {"evidence_id": str(evidence_id)}},
            sort=[{"occurred_at": "asc"}],
            ignore_unavailable=True,
        )
    return [EvidenceCorrected.model_validate(hit["_source"]) for hit in response["hits"]["hits"]]
