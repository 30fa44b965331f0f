"""Pure mapping from events to Elasticsearch bulk actions: deterministic ids, versions, target indices.

No Kafka or Elasticsearch imports: the worker decodes messages into events and sends what this
module returns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from schemas import (
    AlertChange,
    AlertRaised,
    AlertStatus,
    AlertStatusChanged,
    AuditRecorded,
    EvidenceClassified,
    EvidenceCorrected,
    LocationReference,
)
from services.common.indices import LIFECYCLE_STEPS, Names, cleared_step_fields, lifecycle_fields

Action = dict[str, Any]


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _document(event: BaseModel, indexed_at: datetime) -> dict[str, Any]:
    return {**event.model_dump(mode="json"), "indexed_at": indexed_at.isoformat()}


LABEL_FIELDS = ("quality_statements", "key_questions", "sentiment", "severity")


def labels(item: EvidenceClassified) -> dict[str, Any]:
    """An item's labels as indexed (with the flat `quality_statement_ids` array for aggregations)."""
    fields = item.model_dump(mode="json", include=set(LABEL_FIELDS))
    return {**fields, "quality_statement_ids": [score.id for score in item.quality_statements]}


def correction_fields(correction: EvidenceCorrected) -> dict[str, Any]:
    """What an evidence document says about its latest correction."""
    return {
        "event_id": str(correction.event_id),
        "by": correction.by,
        "via": correction.via,
        "at": correction.occurred_at.isoformat(),
        "note": correction.note,
        "corrected": correction.corrected.model_dump(mode="json"),
    }


def cluster_of(item: EvidenceClassified) -> str:
    """The item's near-duplicate cluster as search collapses on it: its own id when it has none."""
    return str(item.duplication.cluster_id if item.duplication else item.evidence_id)


def evidence_document(
    event: EvidenceClassified, indexed_at: datetime, correction: EvidenceCorrected | None = None
) -> dict[str, Any]:
    """The event as JSON with its labels as analysts corrected them (search, profiles and alerts use
    these), the model's labels beside them in `model`, and the latest correction in `correction`."""
    shown = correction.corrected.apply_to(event) if correction else event
    document = {**_document(shown, indexed_at), **labels(shown), "model": labels(event)}
    document["cluster_id"] = cluster_of(event)
    if correction:
        document["correction"] = correction_fields(correction)
    return document


def evidence_index_of(item: EvidenceClassified, names: Names) -> str:
    """The monthly index (or, after a re-classification, the alias) an item is written to."""
    return names.evidence_index(item.occurred_at.year, item.occurred_at.month)


def evidence_action(
    event: EvidenceClassified,
    names: Names,
    indexed_at: datetime,
    correction: EvidenceCorrected | None = None,
) -> Action:
    """Index into the month of `occurred_at`; a re-classification (later classified_at) wins, older loses.

    A correction updates the document in place, which adds one to its version: a redelivered copy of
    the classification it corrected then loses too."""
    return {
        "_op_type": "index",
        "_index": evidence_index_of(event, names),
        "_id": str(event.evidence_id),
        "version": _millis(event.classified_at),
        "version_type": "external_gte",
        "_source": evidence_document(event, indexed_at, correction),
    }


def corrected_update(correction: EvidenceCorrected, *, with_model: bool) -> dict[str, Any]:
    """The partial document a correction writes over an indexed item: the labels it shows and the
    correction; the model's labels too when the document lacks them (`with_model`)."""
    update: dict[str, Any] = {
        **labels(correction.corrected_item()),
        "correction": correction_fields(correction),
    }
    if with_model:
        update["model"] = labels(correction.item)
    return update


def correction_actions(correction: EvidenceCorrected, names: Names, indexed_at: datetime) -> list[Action]:
    """History (one document per correction), the item's latest correction (a late or replayed older one
    loses on its version), and the corrected labels on the indexed item (when it is indexed)."""
    document = _document(correction, indexed_at)
    return [
        {
            "_op_type": "index",
            "_index": names.correction_history_index,
            "_id": str(correction.event_id),
            "_source": document,
        },
        {
            "_op_type": "index",
            "_index": names.corrections_index,
            "_id": str(correction.evidence_id),
            "version": _micros(correction.occurred_at),
            "version_type": "external_gte",
            "_source": document,
        },
        {
            "_op_type": "update",
            "_index": evidence_index_of(correction.item, names),
            "_id": str(correction.evidence_id),
            "doc": corrected_update(correction, with_model=False),
        },
    ]


def location_action(event: LocationReference, names: Names, indexed_at: datetime) -> Action:
    """The record's own `version` guards against an older state overwriting a newer one."""
    return {
        "_op_type": "index",
        "_index": names.locations_index,
        "_id": event.location_id,
        "version": event.version,
        "version_type": "external_gte",
        "_source": _document(event, indexed_at),
    }


REOPENED_BY = "caresignal/alerts"
BY_CORRECTION = (AlertChange.CORRECTED, AlertChange.WITHDRAWN)


def alert_actions(event: AlertRaised, names: Names, indexed_at: datetime) -> list[Action]:
    """The alert's latest version and one document per version.

    Versions of one alert share its Kafka key, so they arrive in order and a redelivery replays them in
    order: the last applied is the latest (no version check; Elasticsearch scripting is not assumed).
    New evidence brings a closed alert back: a later version clears `closed_*` (an acknowledgement
    stays); a reopened version (the condition came back) clears every step and records its return in the
    status history, where the earlier steps stay. A version an analyst's correction made (`corrected`,
    `withdrawn`) brings no new evidence and leaves the steps alone: the alerts worker closes a withdrawn
    alert with its own status event, which may be indexed before or after the version.
    """
    document = _document(event, indexed_at)
    reopened = event.change == AlertChange.REOPENED
    if reopened:
        cleared = cleared_step_fields(*LIFECYCLE_STEPS)
    elif event.version > 1 and event.change not in BY_CORRECTION:
        cleared = cleared_step_fields(AlertStatus.CLOSED)
    else:
        cleared = {}
    actions: list[Action] = [
        {
            "_op_type": "update",
            "_index": names.alerts_index,
            "_id": str(event.alert_id),
            "retry_on_conflict": 5,  # a person's status change may land between the read and the write
            "doc": {**document, **cleared},
            "upsert": document,
        },
        {
            "_op_type": "index",
            "_index": names.alert_versions_index,
            "_id": str(event.event_id),
            "_source": document,
        },
    ]
    if reopened:
        actions.append(
            {
                "_op_type": "index",
                "_index": names.alert_status_index,
                "_id": str(event.event_id),
                "_source": {
                    "event_id": str(event.event_id),
                    "alert_id": str(event.alert_id),
                    "status": AlertStatus.OPEN.value,
                    "by": REOPENED_BY,
                    "note": f"reopened: {event.reason}",
                    "at": indexed_at.isoformat(),  # when it came back, beside people's changes (wall time)
                    "occurred_at": event.occurred_at.isoformat(),
                    "indexed_at": indexed_at.isoformat(),
                },
            }
        )
    return actions


def alert_status_actions(event: AlertStatusChanged, names: Names, indexed_at: datetime) -> list[Action]:
    """Record the alert's lifecycle step (creating a stub if the alert has not arrived yet) and keep history.

    History is one document per change in `alert-status-v1` (appending to an array needs scripting).
    """
    return [
        {
            "_op_type": "update",
            "_index": names.alerts_index,
            "_id": str(event.alert_id),
            "doc": {**lifecycle_fields(event), "alert_id": str(event.alert_id)},
            "doc_as_upsert": True,
        },
        {
            "_op_type": "index",
            "_index": names.alert_status_index,
            "_id": str(event.event_id),
            "_source": _document(event, indexed_at),
        },
    ]


def audit_action(event: AuditRecorded, names: Names, indexed_at: datetime) -> Action:
    """Append-only: `create` by event id; a redelivery is refused (409, counted as done), never kept twice."""
    return {
        "_op_type": "create",
        "_index": names.audit_index,
        "_id": str(event.event_id),
        "_source": _document(event, indexed_at),
    }
