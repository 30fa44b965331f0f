"""Alerts on emerging risk, and their lifecycle."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from pydantic import Field

from schemas.common import Event, Frozen, UtcDatetime


class AlertRuleKind(StrEnum):
    SPIKE = "spike"
    SEVERITY = "severity"
    RATING_DOWNGRADE = "rating_downgrade"
    FLATLINE = "flatline"
    NEW_TERM = "new_term"
    CAMPAIGN = "campaign"  # added in 1.2


class AlertSeverity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class AlertChange(StrEnum):
    """What an alert's version says happened: first raised, grown, escalated, back after clearing, or (1.3)
    an analyst's correction took an item out of it (`corrected`) or took out all it stood on (`withdrawn`)."""

    RAISED = "raised"
    GROWN = "grown"
    ESCALATED = "escalated"
    REOPENED = "reopened"
    CORRECTED = "corrected"
    WITHDRAWN = "withdrawn"


class AlertItem(Frozen):
    """One item of a grouped alert, as the monitoring inbox lists it."""

    evidence_id: UUID
    occurred_at: UtcDatetime
    source_type: str
    location_id: str | None = None
    severity_reasons: list[str] = Field(default_factory=list)


class AlertCorrection(Frozen):
    """The analyst's correction behind a `corrected` or `withdrawn` version; added in 1.3."""

    evidence_id: UUID = Field(description="The item whose labels were corrected.")
    correction_event_id: UUID = Field(description="The EvidenceCorrected event (corrections.v1).")
    by: str = Field(min_length=1, description="Who corrected it.")
    at: UtcDatetime = Field(description="When it was corrected.")


class AlertKey(Frozen):
    """What an alert is about: an area or a location, optionally narrowed to one quality statement."""

    level: str = Field(description="'local_authority', 'icb', 'region', 'location' or 'provider'.")
    code: str
    quality_statement: str | None = None
    source_type: str | None = None
    cluster_id: UUID | None = Field(
        default=None, description="A campaign's near-duplicate cluster (its first item's id); added in 1.2."
    )

    def as_string(self) -> str:
        parts = [self.level, self.code, self.quality_statement or "*", self.source_type or "*"]
        return "|".join(parts + ([str(self.cluster_id)] if self.cluster_id else []))


class Campaign(Frozen):
    """What makes an alert a campaign: many near-identical items from several authors; added in 1.2."""

    cluster_id: UUID = Field(description="The near-duplicate cluster: evidence id of its first item.")
    items: int = Field(ge=1, description="Items of the cluster in the window, its first item included.")
    authors: int = Field(ge=1, description="Distinct authors among them (an item naming none counts as one).")
    exact: int = Field(ge=0, description="Exact copies of the first item.")
    near: int = Field(ge=0, description="Copies with edits.")
    source_types: dict[str, int] = Field(
        default_factory=dict, description="Copies per source type: several sources corroborate one another."
    )


class AlertRaised(Event):
    """A rule fired, or an alert it fired before changed: deterministic id from rule, key and window.

    1.1: an alert has versions. Version 1 is raised (its event id is the alert id); a later version of the
    same alert (same `alert_id`, Kafka key and id) says it grew, escalated or reopened, with the whole
    current state, so the latest version is the alert. Event ids are deterministic per version.
    """

    event_type: ClassVar[str] = "uk.caresignal.alert.raised.v1"
    # 1.1: version, change, previous_severity, items, reason_counts; 1.2: `campaign`, key.cluster_id;
    # 1.3: changes `corrected` and `withdrawn`, `correction`
    schema_revision: ClassVar[str] = "1.3"

    alert_id: UUID
    rule_id: str
    rule_kind: AlertRuleKind
    key: AlertKey
    window_start: UtcDatetime
    window_end: UtcDatetime
    severity: AlertSeverity
    reason: str = Field(description="Plain-words explanation of why the rule fired.")
    counts: dict[str, float] = Field(default_factory=dict, description="The statistic(s) that fired.")
    query: dict[str, Any] = Field(
        default_factory=dict, description="Search filters for the evidence behind it."
    )
    evidence_ids: list[UUID] = Field(default_factory=list, description="Up to 50 triggering items.")
    version: int = Field(default=1, ge=1, description="1 when raised; one more each time the alert changes.")
    change: AlertChange = Field(default=AlertChange.RAISED, description="What this version says happened.")
    previous_severity: AlertSeverity | None = Field(
        default=None, description="The severity before an escalation."
    )
    items: list[AlertItem] = Field(
        default_factory=list, description="A grouped alert's newest items (up to 10), newest first."
    )
    reason_counts: dict[str, int] = Field(
        default_factory=dict, description="A grouped alert's items per severity reason."
    )
    campaign: Campaign | None = Field(
        default=None,
        description="Set when the alert is a campaign (rule kind `campaign`): one alert per cluster, never "
        "one per copy. Added in 1.2.",
    )
    correction: AlertCorrection | None = Field(
        default=None,
        description="On a `corrected` or `withdrawn` version: the analyst's correction that took the item "
        "out (who, when). A withdrawn alert stands on no evidence and is closed in their name. Added in 1.3.",
    )


class AlertStatusChanged(Event):
    """An alert was acknowledged or closed by a person."""

    event_type: ClassVar[str] = "uk.caresignal.alert.status_changed.v1"

    alert_id: UUID
    status: AlertStatus
    by: str = Field(min_length=1)
    note: str | None = None
    at: UtcDatetime
