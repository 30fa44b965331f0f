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


class AlertSeverity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class AlertKey(Frozen):
    """What an alert is about: an area or a location, optionally narrowed to one quality statement."""

    level: str = Field(description="'local_authority', 'icb', 'region', 'location' or 'provider'.")
    code: str
    quality_statement: str | None = None
    source_type: str | None = None

    def as_string(self) -> str:
        parts = [self.level, self.code, self.quality_statement or "*", self.source_type or "*"]
        return "|".join(parts)


class AlertRaised(Event):
    """A rule fired: deterministic id from rule, key and window."""

    event_type: ClassVar[str] = "uk.caresignal.alert.raised.v1"

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


class AlertStatusChanged(Event):
    """An alert was acknowledged or closed by a person."""

    event_type: ClassVar[str] = "uk.caresignal.alert.status_changed.v1"

    alert_id: UUID
    status: AlertStatus
    by: str = Field(min_length=1)
    note: str | None = None
    at: UtcDatetime
