"""One evidence item by id, as classified and indexed."""

from __future__ import annotations

from uuid import UUID

from elasticsearch import Elasticsearch

from schemas import EvidenceClassified
from services.common.errors import NotFoundError
from services.common.http import elasticsearch_errors
from services.common.indices import Names


def get_evidence(es: Elasticsearch, names: Names, evidence_id: UUID) -> EvidenceClassified:
    """The indexed item (its id is the document id in one monthly index behind the alias)."""
    with elasticsearch_errors():
        found = es.search(
            index=names.evidence_alias,
            ignore_unavailable=True,
            allow_no_indices=True,
            size=1,
            query={"ids": {"values": [str(evidence_id)]}},
        )
    hits = found["hits"]["hits"]
    if not hits:
        raise NotFoundError(f"no evidence item {evidence_id}")
    return EvidenceClassified.model_validate(hits[0]["_source"])
