"""What every detector shares: a key's stored state, the (state, alerts) result, silences, and words."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from schemas.alerts import AlertChange, AlertKey, AlertRaised, AlertSeverity
from schemas.evidence import EvidenceKind, SourceType, source_types_of
from services.alerts.domain import Observation, Withdrawal
from services.alerts.rules import NewTermRule, RollingSpikeRule, SpikeRule

Detected = tuple[dict[str, Any] | None, list[AlertRaised]]


def within_silence(last: datetime | None, at: datetime, silence: timedelta) -> bool:
    """True when an alert at `last` silences one at `at`: the same time, or closer than `silence`."""
    return last is not None and (at == last or abs(at - last) < silence)


class State(BaseModel):
    model_config = ConfigDict(extra="ignore")

    partition: int | None = Field(default=None, description="Observations partition the key lives in.")
    key: AlertKey
    label: str

    @classmethod
    def load(cls, raw: dict[str, Any] | None, observation: Observation) -> Self:
        """The stored state, or a fresh one for the observation's key."""
        return cls.model_validate(raw) if raw else cls(key=observation.key, label=observation.label)


class ClusterCounting(State):
    """A state that counts near-duplicate clusters, not copies: an item of no cluster counts as itself."""

    clusters: dict[UUID, UUID] = Field(
        default_factory=dict,
        description="Counted copies' clusters (by evidence id; first items are their own).",
    )

    def note_cluster(self, observation: Observation) -> None:
        if observation.cluster_id is not None and observation.cluster_id != observation.evidence_id:
            self.clusters[observation.evidence_id] = observation.cluster_id

    def distinct(self, ids: Iterable[UUID]) -> int:
        """How many clusters these items are."""
        return len({self.clusters.get(item, item) for item in ids})

    def keep_clusters_of(self, ids: Iterable[UUID]) -> None:
        kept = set(ids)
        self.clusters = {item: cluster for item, cluster in self.clusters.items() if item in kept}


class ItemAlert(BaseModel):
    severity: AlertSeverity
    version: int = 1
    withdrawn: bool = False


class ItemAlerts(BaseModel):
    """Alerts raised by one item each (by evidence id, latest last): their version and whether an analyst's
    correction withdrew them, so an item alerts once and, corrected back, reopens its own alert."""

    alerts: dict[UUID, ItemAlert] = Field(default_factory=dict)

    def raise_for(
        self, evidence_id: UUID, severity: AlertSeverity, kept: int
    ) -> tuple[int, AlertChange] | None:
        """The version to publish for the item's alert; None when it stands already."""
        alert = self.alerts.get(evidence_id)
        if alert is None:
            self.alerts[evidence_id] = ItemAlert(severity=severity)
            self.alerts = dict(list(self.alerts.items())[-kept:])
            return 1, AlertChange.RAISED
        if not alert.withdrawn:
            return None
        alert.version, alert.withdrawn = alert.version + 1, False
        return alert.version, AlertChange.REOPENED

    def withdraw(self, evidence_id: UUID) -> ItemAlert | None:
        """The item's alert at its withdrawn version; None when it raised none or it is withdrawn already."""
        alert = self.alerts.get(evidence_id)
        if alert is None or alert.withdrawn:
            return None
        alert.version, alert.withdrawn = alert.version + 1, True
        return alert


def withdrawn_reason(withdrawal: Withdrawal, label: str) -> str:
    """Why an alert was withdrawn, in words: who corrected which item, when."""
    correction = withdrawal.correction
    return (
        f"Withdrawn: {correction.by} corrected the item about {label} of {withdrawal.occurred_at:%Y-%m-%d} "
        f"on {correction.at:%Y-%m-%d}, so no high-severity evidence is left"
    )


def items_phrase(rule: SpikeRule | RollingSpikeRule | NewTermRule) -> str:
    words = [rule.match.sentiment.value] if rule.match.sentiment else []
    if rule.match.severity:
        words.append(f"{rule.match.severity.value}-severity")
    sources = rule.source_types
    noun = f"{sources[0].value.replace('_', ' ')}s" if len(sources) == 1 else "items"
    return " ".join([*words, noun])


def source_filters(source_types: list[SourceType]) -> dict[str, Any]:
    """Search filters for items of these source types: the kind when they are exactly one kind's."""
    for kind in EvidenceKind:
        if set(source_types) == set(source_types_of(kind)):
            return {"evidence_kind": kind.value}
    return {"source_type": [source.value for source in source_types]}


def match_filters(rule: SpikeRule | RollingSpikeRule | NewTermRule) -> dict[str, Any]:
    """The search filters of the items a rule counts."""
    match = rule.match
    return {
        "sentiment": match.sentiment and match.sentiment.value,
        "severity": match.severity and match.severity.value,
        **source_filters(rule.source_types),
    }
