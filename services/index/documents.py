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
    EvidenceClassified,
    LocationReference,
)
from services.common.indices import LIFECYCLE_STEPS, Names, cleared_step_fields, lifecycle_fields

Action = dict[str, Any]


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _document(event: BaseModel, indexed_at: datetime) -> dict[str, Any]:
    return {**event.model_dump(mode="json"), "indexed_at": indexed_at.isoformat()}


def evidence_document(event: EvidenceClassified, indexed_at: datetime) -> dict[str, Any]:
    """The event as JSON plus a flat `quality_statement_ids` array for aggregations."""
    document = _document(event, indexed_at)
    document["quality_statement_ids"] = [score.id for score in event.quality_statements]
    return document


def evidence_action(event: EvidenceClassified, names: Names, indexed_at: datetime) -> Action:
    """Index into the month of `occurred_at`; a re-classification (later classified_at) wins, older loses."""
    return {
        "_op_type": "index",
        "_index": names.evidence_index(event.occurred_at.year, event.occurred_at.month),
        "_id": str(event.evidence_id),
        "version": _millis(event.classified_at),
        "version_type": "external_gte",
        "_source": evidence_document(event, indexed_at),
    }


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


def alert_actions(event: AlertRaised, names: Names, indexed_at: datetime) -> list[Action]:
    """The alert's latest version and one document per version.

    Versions of one alert share its Kafka key, so they arrive in order and a redelivery replays them in
    order: the last applied is the latest (no version check; Elasticsearch scripting is not assumed).
    New evidence brings a closed alert back: a later version clears `closed_*` (an acknowledgement
    stays); a reopened version (the condition came back) clears every step and records its return in the
    status history, where the earlier steps stay.
    """
    document = _document(event, indexed_at)
    reopened = event.change == AlertChange.REOPENED
    if reopened:
        cleared = cleared_step_fields(*LIFECYCLE_STEPS)
    else:
        cleared = cleared_step_fields(AlertStatus.CLOSED) if event.version > 1 else {}
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
