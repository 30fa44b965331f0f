"""Correct an indexed item's labels: the change is applied to the document at once (so search, profiles
and the web app show it), then published to corrections.v1, then recorded in the corrections indices.

The document update is conditional on the document not having changed since it was read (409
otherwise). When the event was certainly not published the update is undone and the caller gets a 503,
so a retry starts from the same state; when the broker was only slow to confirm, the change stays (the
producer keeps delivering it, and the index worker applies the event again, idempotently).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID, uuid4

from elasticsearch import ApiError, ConflictError, Elasticsearch, TransportError

from schemas import CorrectionChange, EvidenceCorrected
from services.common.errors import QueryError
from services.common.http import elasticsearch_errors
from services.common.indices import Names
from services.common.publishing import EventNotPublishedError
from services.common.redaction import redact
from services.index.documents import LABEL_FIELDS, corrected_update, correction_actions
from services.index.evidence import IndexedEvidence, find_evidence

Publish = Callable[[EvidenceCorrected], None]
SOURCE = "caresignal/corrections-api"
log = logging.getLogger(__name__)


class ConcurrentCorrectionError(QueryError):
    status_code = 409


def correct(
    es: Elasticsearch,
    names: Names,
    publish: Publish,
    evidence_id: UUID,
    change: CorrectionChange,
    *,
    by: str,
    via: Literal["api", "web"],
    note: str | None = None,
    key_id: str | None = None,
) -> EvidenceCorrected:
    """Apply `change` to the item now and publish it; returns the correction event. The note is free
    text shown to reviewers beside the item: personal data in it is redacted like the item's text."""
    found = find_evidence(es, names, evidence_id)
    now = datetime.now(UTC)
    item = found.as_classified
    event = EvidenceCorrected(
        event_id=uuid4(),
        occurred_at=now,
        source=SOURCE,
        correlation_id=evidence_id,
        evidence_id=evidence_id,
        by=by,
        via=via,
        api_key_id=key_id,
        note=redact(note).text if note else None,
        change=change,
        corrected=found.corrected.then(change, item),
        item=item,
    )
    with elasticsearch_errors():
        try:
            updated = es.update(
                index=found.index,
                id=str(evidence_id),
                doc=corrected_update(event, with_model="model" not in found.source),
                if_seq_no=found.seq_no,
                if_primary_term=found.primary_term,
                refresh="wait_for",
            )
        except ConflictError as error:
            raise ConcurrentCorrectionError(
                "the item changed while it was being corrected; reload it and try again"
            ) from error
    try:
        publish(event)
    except EventNotPublishedError:
        _undo(es, found, updated)
        raise
    _record(es, names, event)
    return event


def _record(es: Elasticsearch, names: Names, event: EvidenceCorrected) -> None:
    """History and latest correction now (the index worker writes the same documents from the topic)."""
    history, latest, _ = correction_actions(event, names, datetime.now(UTC))
    try:
        for action in (history, latest):
            es.options(ignore_status=409).index(
                index=action["_index"],
                id=action["_id"],
                document=action["_source"],
                version=action.get("version"),
                version_type=action.get("version_type"),
                refresh="wait_for",
            )
    except (ApiError, TransportError) as error:
        log.warning("correction %s recorded by the index worker later: %s", event.event_id, error)


def _undo(es: Elasticsearch, found: IndexedEvidence, updated: dict) -> None:
    """Put back the labels and correction the unpublished change replaced, unless changed since."""
    restored = {field: found.source.get(field) for field in (*LABEL_FIELDS, "quality_statement_ids")}
    restored["correction"] = found.source.get("correction")
    try:
        es.update(
            index=found.index,
            id=found.source["evidence_id"],
            doc=restored,
            if_seq_no=updated["_seq_no"],
            if_primary_term=updated["_primary_term"],
            refresh="wait_for",
        )
    except (ApiError, TransportError) as error:
        log.error("evidence %s: unpublished correction not undone: %s", found.source["evidence_id"], error)
