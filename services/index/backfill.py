"""Backfill near-duplicate clusters on evidence documents indexed before classify assigned them.

Documents without `cluster_id` are read in `received_at` order and clustered per local authority the way
classify does (`NearDuplicates` over their redacted text); each gets `duplication` and `cluster_id` by a
partial update. Idempotent and resumable: only documents still without `cluster_id` are read. A partial
update bumps the document's version by one (Elasticsearch's updates are internally versioned), so a
classification written while the backfill runs is skipped by it (`conflicts`), never overwritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from elasticsearch import Elasticsearch, helpers
from pydantic import BaseModel

from schemas.common import AreaRef
from schemas.evidence import SourceType
from services.classify.neardup.clusters import NearDuplicates
from services.classify.neardup.signature import MinHasher
from services.common.indices import MAY_BE_EMPTY, Names

MISSING = {"bool": {"must_not": {"exists": {"field": "cluster_id"}}}}


class BackfillSummary(BaseModel):
    scanned: int = 0
    clustered: int = 0
    copies: int = 0
    failed: int = 0


class _Indexed(BaseModel):
    evidence_id: UUID
    source_type: SourceType
    received_at: datetime
    text: str
    area: AreaRef = AreaRef()


def backfill_clusters(
    es: Elasticsearch, names: Names, *, threshold: float = 0.5, horizon_seconds: float = 90 * 86_400.0
) -> BackfillSummary:
    """Give every document without a cluster its cluster (its own id when it has no copy before it)."""
    clusters = NearDuplicates(
        MinHasher(), threshold=threshold, horizon_seconds=horizon_seconds, max_items_per_area=500_000
    )
    summary = BackfillSummary()

    def actions() -> Iterator[dict[str, Any]]:
        hits = helpers.scan(
            es,
            index=names.evidence_alias,
            query={"query": MISSING, "sort": [{"received_at": "asc"}, {"evidence_id": "asc"}]},
            preserve_order=True,
            _source=["evidence_id", "source_type", "received_at", "text", "area"],
        )
        for hit in hits:
            summary.scanned += 1
            item = _Indexed.model_validate(hit["_source"])
            duplication = clusters.assign(item)
            cluster = str(duplication.cluster_id) if duplication else str(item.evidence_id)
            summary.copies += int(cluster != str(item.evidence_id))
            yield {
                "_op_type": "update",
                "_index": hit["_index"],
                "_id": hit["_id"],
                "doc": {
                    "cluster_id": cluster,
                    "duplication": duplication.model_dump(mode="json") if duplication else None,
                },
            }

    for ok, result in helpers.streaming_bulk(es, actions(), raise_on_error=False, chunk_size=500):
        if ok:
            summary.clustered += 1
        elif result.get("update", {}).get("status") != 409:  # changed meanwhile: the newer write stands
            summary.failed += 1
    es.indices.refresh(index=names.evidence_alias, **MAY_BE_EMPTY)
    return summary
