"""Request and response shapes of the alerts API (also rendered by the CLI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from schemas import AlertChange, AlertItem, AlertRuleKind, AlertSeverity, AlertStatus
from schemas.common import Frozen


class AlertFilters(Frozen):
    status: AlertStatus | None = None
    rule_kind: AlertRuleKind | None = None
    code: str | None = Field(default=None, description="Area or location code the alert is about.")
    severity: AlertSeverity | None = None


class StatusChange(Frozen):
    by: str = Field(min_length=1, description="Who made the change.")
    note: str | None = None


class AlertStatusEntry(Frozen):
    status: AlertStatus
    by: str
    note: str | None
    at: datetime


class AlertVersionEntry(Frozen):
    """One version of an alert: what changed, when, and the severity and reason it then had."""

    version: int
    change: AlertChange
    severity: AlertSeverity
    previous_severity: AlertSeverity | None = None
    reason: str
    occurred_at: datetime
    counts: dict[str, float] = Field(default_factory=dict)


class AlertView(Frozen):
    alert_id: str
    rule_id: str
    rule_kind: AlertRuleKind
    key: dict[str, Any]
    severity: AlertSeverity
    reason: str
    occurred_at: datetime
    window_start: datetime
    window_end: datetime
    counts: dict[str, float]
    query: dict[str, Any]
    evidence_ids: list[str]
    version: int = Field(default=1, description="The latest version: one more each time the alert changed.")
    change: AlertChange = AlertChange.RAISED
    previous_severity: AlertSeverity | None = None
    items: list[AlertItem] = Field(default_factory=list, description="A grouped alert's newest items.")
    reason_counts: dict[str, int] = Field(default_factory=dict)
    status: AlertStatus
    status_by: str | None = None
    status_note: str | None = None
    status_at: datetime | None = None
    history: list[AlertStatusEntry] = Field(default_factory=list)
    versions: list[AlertVersionEntry] = Field(
        default_factory=list, description="Every version, oldest first (on GET /v1/alerts/{id})."
    )
    restricted_not_shown: int = Field(
        default=0,
        description="Restricted items among the alert's evidence left out of `evidence_ids` and `items` "
        "(roles without the sensitive permission).",
    )


class AlertList(Frozen):
    total: int
    alerts: list[AlertView]


class RuleSummary(Frozen):
    id: str
    kind: str
    enabled: bool
    severity: AlertSeverity
    description: str
    silence_seconds: float
    settings: dict[str, object]


class RuleList(Frozen):
    file: str
    rules: list[RuleSummary]
