"""One evidence item by id, as indexed: the labels it shows, the model's, and its latest correction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from elasticsearch import Elasticsearch

from schemas import CorrectedFields, EvidenceClassified
from services.common.errors import NotFoundError
from services.common.http import elasticsearch_errors
from services.common.indices import MAY_BE_EMPTY, Names


@dataclass(frozen=True)
class IndexedEvidence:
    """An evidence document and where it is (index, sequence number and primary term for a safe update)."""

    source: dict[str, Any]
    index: str
    seq_no: int
    primary_term: int

    @property
    def shown(self) -> EvidenceClassified:
        """The item as search shows it: analysts' corrections over the model's labels."""
        return EvidenceClassified.model_validate(self.source)

    @property
    def as_classified(self) -> EvidenceClassified:
        """The item with the model's labels (documents indexed before corrections existed show them)."""
        return EvidenceClassified.model_validate({**self.source, **self.source.get("model", {})})

    @property
    def corrected(self) -> CorrectedFields:
        """Every correction so far (empty when never corrected)."""
        correction = self.source.get("correction")
        return CorrectedFields.model_validate(correction["corrected"]) if correction else CorrectedFields()

    @property
    def correction(self) -> dict[str, Any] | None:
        return self.source.get("correction")


def find_evidence(es: Elasticsearch, names: Names, evidence_id: UUID) -> IndexedEvidence:
    """The indexed document (its id is the document id in one monthly index behind the alias)."""
    with elasticsearch_errors():
        found = es.search(
            index=names.evidence_read_alias,
            **MAY_BE_EMPTY,
            size=1,
            seq_no_primary_term=True,
            query={"ids": {"values": [str(evidence_id)]}},
        )
    hits = found["hits"]["hits"]
    if not hits:
        raise NotFoundError(f"no evidence item {evidence_id}")
    hit = hits[0]
    return IndexedEvidence(hit["_source"], hit["_index"], hit["_seq_no"], hit["_primary_term"])


def get_evidence(es: Elasticsearch, names: Names, evidence_id: UUID) -> EvidenceClassified:
    """The item as search shows it."""
    return find_evidence(es, names, evidence_id).shown
