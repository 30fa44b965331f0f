"""Alert queries and lifecycle: list, read, acknowledge and close (ES update + AlertStatusChanged event).

The index worker writes alerts and their status history into Elasticsearch; this module reads them and
changes an alert's lifecycle fields, publishing each change to alerts.status.v1. Each step has its own
fields (`acknowledged_*`, `closed_*`) and the status is the furthest step taken, so a change applied late
or twice (by the index worker, after the API wrote a later one) never moves an alert backwards. Only a
reopened version of the alert (its condition came back, see services/index/documents.py) clears the steps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from elasticsearch import ApiError, ConflictError, Elasticsearch, TransportError

from schemas import AlertStatus, AlertStatusChanged
from services.alerts import visibility
from services.alerts.errors import InvalidTransitionError
from services.alerts.models import (
    AlertFilters,
    AlertList,
    AlertStatusEntry,
    AlertVersionEntry,
    AlertView,
    StatusChange,
)
from services.common.errors import NotFoundError
from services.common.http import elasticsearch_errors
from services.common.indices import LIFECYCLE_STEPS, STEP_FIELDS, Names, lifecycle_fields
from services.common.publishing import EventNotPublishedError

Publish = Callable[[AlertStatusChanged], None]
log = logging.getLogger(__name__)
SOURCE = "caresignal/alerts-api"
TRANSITIONS: dict[AlertStatus, set[AlertStatus]] = {
    AlertStatus.OPEN: {AlertStatus.ACKNOWLEDGED, AlertStatus.CLOSED},
    AlertStatus.ACKNOWLEDGED: {AlertStatus.CLOSED},
    AlertStatus.CLOSED: set(),
}


def check_transition(current: AlertStatus, target: AlertStatus) -> None:
    if target not in TRANSITIONS[current]:
        raise InvalidTransitionError(f"an alert that is {current.value} cannot be {target.value}")


def current_status(source: dict[str, Any]) -> AlertStatus:
    """The furthest lifecycle step the alert document records (open when none)."""
    return next((step for step in LIFECYCLE_STEPS if source.get(f"{step.value}_at")), AlertStatus.OPEN)


def status_clause(status: AlertStatus) -> dict[str, Any]:
    """The query clause for alerts whose current status is `status`."""
    further = (
        LIFECYCLE_STEPS[: LIFECYCLE_STEPS.index(status)]
        if status in LIFECYCLE_STEPS
        else list(LIFECYCLE_STEPS)
    )
    must_not = [{"exists": {"field": f"{step.value}_at"}} for step in further]
    must = [{"exists": {"field": f"{status.value}_at"}}] if status in LIFECYCLE_STEPS else []
    return {"bool": {"must": must, "must_not": must_not}}


def _view(
    source: dict[str, Any],
    history: list[AlertStatusEntry] | None = None,
    versions: list[AlertVersionEntry] | None = None,
) -> AlertView:
    status = current_status(source)
    step = (
        {f"status_{field}": source.get(f"{status.value}_{field}") for field in STEP_FIELDS}
        if status in LIFECYCLE_STEPS
        else {}
    )
    return AlertView(
        **{**source, "status": status, **step, "history": history or [], "versions": versions or []}
    )


def list_alerts(es: Elasticsearch, names: Names, filters: AlertFilters, size: int = 50) -> AlertList:
    """Alerts newest first, restricted evidence left out for a reader without the role (`visibility`);
    stubs (a status change seen before its alert) are left out."""
    clauses: list[dict[str, Any]] = [{"exists": {"field": "rule_kind"}}]
    values = filters.model_dump(mode="json", exclude_none=True)
    for name in ("rule_kind", "severity"):
        if name in values:
            clauses.append({"term": {name: values[name]}})
    if filters.status is not None:
        clauses.append(status_clause(filters.status))
    if "code" in values:
        clauses.append({"term": {"key.code": values["code"]}})
    with elasticsearch_errors():
        response = es.search(
            index=names.alerts_alias,
            size=size,
            track_total_hits=True,
            query={"bool": {"filter": clauses}},
            sort=[{"occurred_at": "desc"}, {"alert_id": "asc"}],
        )
    return AlertList(
        total=response["hits"]["total"]["value"],
        alerts=visibility.visible(es, names, [_view(hit["_source"]) for hit in response["hits"]["hits"]]),
    )


def _get(es: Elasticsearch, names: Names, alert_id: UUID) -> dict[str, Any]:
    with elasticsearch_errors():
        found = es.options(ignore_status=404).get(index=names.alerts_index, id=str(alert_id))
    if not found.get("found") or "rule_kind" not in found["_source"]:
        raise NotFoundError(f"no alert {alert_id}")
    return dict(found)


def _history(es: Elasticsearch, names: Names, alert_id: UUID) -> list[AlertStatusEntry]:
    found = _about_alert(es, names.alert_status_alias, alert_id, order_by="at", size=100)
    return [AlertStatusEntry(**source) for source in found]


def _versions(es: Elasticsearch, names: Names, alert_id: UUID) -> list[AlertVersionEntry]:
    found = _about_alert(es, names.alert_versions_alias, alert_id, order_by="version", size=200)
    return [AlertVersionEntry(**source) for source in found]


def _about_alert(
    es: Elasticsearch, index: str, alert_id: UUID, *, order_by: str, size: int
) -> list[dict[str, Any]]:
    """The documents of `index` about one alert, in ascending `order_by` order."""
    with elasticsearch_errors():
        response = es.search(
            index=index, size=size, query={"term": {"alert_id": str(alert_id)}}, sort=[{order_by: "asc"}]
        )
    return [hit["_source"] for hit in response["hits"]["hits"]]


def get_alert(es: Elasticsearch, names: Names, alert_id: UUID) -> AlertView:
    source = _get(es, names, alert_id)["_source"]
    return _visible_view(es, names, source)


def _visible_view(es: Elasticsearch, names: Names, source: dict[str, Any]) -> AlertView:
    """One alert with its history and versions, as the reader `names` stands for may see it."""
    alert_id = UUID(source["alert_id"])
    view = _view(source, _history(es, names, alert_id), _versions(es, names, alert_id))
    return visibility.visible(es, names, [view])[0]


def change_status(
    es: Elasticsearch,
    names: Names,
    publish: Publish,
    alert_id: UUID,
    target: AlertStatus,
    change: StatusChange,
) -> AlertView:
    """Check the transition, update the alert only if nobody changed it meanwhile, then publish the event;
    answer from the state written (not a later read, which a late change could precede).

    When the event was certainly not published the update is undone, so the index does not hold a
    change the alerts.status topic lacks (a retry starts from the same state). When the broker only
    failed to confirm it in time the change stays: the producer keeps delivering it.
    """
    found = _get(es, names, alert_id)
    check_transition(current_status(found["_source"]), target)
    now = datetime.now(UTC)
    event = AlertStatusChanged(
        event_id=uuid4(),
        occurred_at=now,
        source=SOURCE,
        alert_id=alert_id,
        status=target,
        by=change.by,
        note=change.note,
        at=now,
    )
    with elasticsearch_errors():
        try:
            updated = es.update(
                index=names.alerts_index,
                id=str(alert_id),
                doc=lifecycle_fields(event),
                if_seq_no=found["_seq_no"],
                if_primary_term=found["_primary_term"],
                refresh="wait_for",
            )
        except ConflictError as error:
            raise InvalidTransitionError("the alert was changed concurrently; reload and retry") from error
        es.index(
            index=names.alert_status_index,
            id=str(event.event_id),
            document=event.model_dump(mode="json"),
            refresh="wait_for",
        )
    try:
        publish(event)
    except EventNotPublishedError:
        _undo(es, names, event, previous=found["_source"], updated=updated)
        raise
    return _visible_view(es, names, {**found["_source"], **lifecycle_fields(event)})


def _undo(
    es: Elasticsearch, names: Names, event: AlertStatusChanged, previous: dict[str, Any], updated: Any
) -> None:
    """Put back the lifecycle fields the unpublished change replaced, unless someone changed them since."""
    restored = {field: previous.get(field) for field in lifecycle_fields(event)}
    try:
        es.update(
            index=names.alerts_index,
            id=str(event.alert_id),
            doc=restored,
            if_seq_no=updated["_seq_no"],
            if_primary_term=updated["_primary_term"],
            refresh="wait_for",
        )
        es.options(ignore_status=404).delete(
            index=names.alert_status_index, id=str(event.event_id), refresh="wait_for"
        )
    except (ApiError, TransportError) as error:
        log.error("alert %s: unpublished change to %s not undone: %s", event.alert_id, event.status, error)
