"""Pure alert domain: the messages between the worker's two stages, alert ids, queries, event time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID, uuid5

from pydantic import BaseModel, ConfigDict, Field

from schemas.alerts import (
    AlertChange,
    AlertCorrection,
    AlertItem,
    AlertKey,
    AlertRaised,
    AlertRuleKind,
    AlertSeverity,
    AlertStatus,
    AlertStatusChanged,
)
from schemas.common import UtcDatetime
from schemas.evidence import InspectionFinding, SourceType

ALERT_NAMESPACE = UUID("0b7c7f52-43c4-5f57-9d0e-7e3f6a0c2a11")
ALERT_SOURCE = "caresignal/alerts"
MAX_EVIDENCE_IDS = 50
QUERY_PARAMETER_FOR_LEVEL = {
    "local_authority": "local_authority",
    "icb": "icb",
    "region": "region",
    "location": "location_id",
    "provider": "provider_id",
}


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Observation(Message):
    """One item as one rule sees it; keyed by `state_key` so each key's state lives in one partition."""

    type: Literal["observation"] = "observation"
    rule_id: str
    key: AlertKey
    label: str = Field(description="The key in words, e.g. 'Safeguarding in Oldham'.")
    evidence_id: UUID
    occurred_at: UtcDatetime
    source_type: SourceType
    severity_reasons: list[str] = Field(default_factory=list)
    location_id: str | None = None
    finding: InspectionFinding | None = None
    terms: list[str] = Field(default_factory=list, description="Lemmas a new-term rule watches.")
    copy_kind: str | None = Field(default=None, description="A campaign rule's copy: 'exact' or 'near'.")
    author: str | None = Field(default=None, description="A campaign rule's pseudonymous author token.")
    cluster_id: UUID | None = Field(
        default=None,
        description="A spike rule's near-duplicate cluster of a copy: the copies of one cluster count once.",
    )

    @property
    def state_key(self) -> str:
        return state_key_for(self.rule_id, self.key)


class Withdrawal(Message):
    """An analyst's correction took an item out of what a rule counts under one key (no longer high
    severity, negative, or about that statement): the key's state forgets it (`withdrawals.py`)."""

    type: Literal["withdrawal"] = "withdrawal"
    rule_id: str
    key: AlertKey
    label: str
    evidence_id: UUID
    occurred_at: UtcDatetime = Field(description="When the item occurred (its windows).")
    correction: AlertCorrection

    @property
    def state_key(self) -> str:
        return state_key_for(self.rule_id, self.key)


class WatermarkTick(Message):
    """A worker's event-time progress: the latest occurred_at it has read per classified partition."""

    type: Literal["tick"] = "tick"
    maxima: dict[int, UtcDatetime]


StageMessage = Annotated[Observation | Withdrawal | WatermarkTick, Field(discriminator="type")]


class StageEnvelope(Message):
    message: StageMessage


def state_key_for(rule_id: str, key: AlertKey) -> str:
    """Kafka key of the observation and key of its state: one rule, one alert key."""
    return f"{rule_id}|{key.as_string()}"


def watermark_key(partition: int) -> str:
    """State key holding one observations partition's event-time progress."""
    return f"__watermark__|{partition}"


def merge_maxima(old: dict[int, datetime], new: dict[int, datetime]) -> dict[int, datetime]:
    """Per-partition maximum of two progress maps (progress never goes back)."""
    merged = dict(old)
    for partition, at in new.items():
        if partition not in merged or at > merged[partition]:
            merged[partition] = at
    return merged


def low_watermark(maxima: dict[int, datetime], partitions: int) -> datetime | None:
    """Event time every classified partition has reached; None until all have reported."""
    if len(maxima) < partitions:
        return None
    return min(maxima.values())


def alert_id_for(rule_id: str, key_string: str, window_start: datetime) -> UUID:
    """Deterministic alert id: the same rule, key and window always give the same id."""
    return uuid5(ALERT_NAMESPACE, f"{rule_id}|{key_string}|{window_start.isoformat()}")


def event_id_for(alert_id: UUID, version: int) -> UUID:
    """Version 1's event id is the alert id; each later version has its own, as deterministic."""
    return alert_id if version == 1 else uuid5(ALERT_NAMESPACE, f"{alert_id}|v{version}")


def query_for(key: AlertKey, start: datetime, end: datetime, **filters: Any) -> dict[str, Any]:
    """Search API parameters that return the evidence behind an alert."""
    query: dict[str, Any] = {QUERY_PARAMETER_FOR_LEVEL[key.level]: key.code}
    if key.quality_statement:
        query["quality_statement"] = key.quality_statement
    if key.source_type:
        query["source_type"] = key.source_type
    query.update({name: value for name, value in filters.items() if value is not None})
    query["from"] = start.isoformat()
    query["to"] = end.isoformat()
    return query


def build_alert(
    *,
    rule_id: str,
    kind: AlertRuleKind,
    key: AlertKey,
    window_start: datetime,
    window_end: datetime,
    occurred_at: datetime,
    severity: AlertSeverity,
    reason: str,
    counts: dict[str, float],
    query: dict[str, Any],
    evidence_ids: list[UUID],
    id_suffix: str = "",
    version: int = 1,
    change: AlertChange = AlertChange.RAISED,
    previous_severity: AlertSeverity | None = None,
    items: list[AlertItem] | None = None,
    reason_counts: dict[str, int] | None = None,
    correction: AlertCorrection | None = None,
) -> AlertRaised:
    """An AlertRaised with deterministic alert and event ids, so a redelivered version is byte-identical.

    The alert id comes from the rule, the key (+ suffix) and the window start, which later versions keep.
    """
    alert_id = alert_id_for(rule_id, key.as_string() + id_suffix, window_start)
    return AlertRaised(
        event_id=event_id_for(alert_id, version),
        occurred_at=occurred_at,
        source=ALERT_SOURCE,
        alert_id=alert_id,
        rule_id=rule_id,
        rule_kind=kind,
        key=key,
        window_start=window_start,
        window_end=window_end,
        severity=severity,
        reason=reason,
        counts=counts,
        query=query,
        evidence_ids=evidence_ids[:MAX_EVIDENCE_IDS],
        version=version,
        change=change,
        previous_severity=previous_severity,
        items=items or [],
        reason_counts=reason_counts or {},
        correction=correction,
    )


def closed_by_correction(alert: AlertRaised) -> AlertStatusChanged | None:
    """The status event that closes a withdrawn alert in the name of the analyst whose correction withdrew
    it (deterministic id: a redelivered withdrawal closes it once); None for any other version."""
    if alert.change is not AlertChange.WITHDRAWN or alert.correction is None:
        return None
    return AlertStatusChanged(
        event_id=uuid5(ALERT_NAMESPACE, f"{alert.event_id}|closed"),
        occurred_at=alert.correction.at,
        source=ALERT_SOURCE,
        alert_id=alert.alert_id,
        status=AlertStatus.CLOSED,
        by=alert.correction.by,
        note=alert.reason,
        at=alert.correction.at,
    )
