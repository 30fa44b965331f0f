"""Rules applied to a state mapping (a dict in tests, a faust table in the worker): decide, then commit.

Deciding and committing are separate so the worker can publish an alert, wait for the broker's ack,
and only then record it in state: a crash in between re-raises the same alert (same id) instead of
losing it.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas.alerts import AlertRaised
from schemas.corrections import EvidenceCorrected
from schemas.evidence import EvidenceClassified
from services.alerts.corrections import correction_messages
from services.alerts.detectors import observe, on_watermark
from services.alerts.domain import (
    Observation,
    WatermarkTick,
    Withdrawal,
    low_watermark,
    merge_maxima,
    watermark_key,
)
from services.alerts.observations import observations_for
from services.alerts.rules import FlatlineRule, RuleSet
from services.alerts.withdrawals import withdraw


@dataclass(frozen=True)
class Decision:
    """New state for one key, and the alerts to publish before storing it."""

    key: str
    state: dict[str, Any] | None
    alerts: list[AlertRaised] = field(default_factory=list)


class AlertEngine:
    def __init__(self, rules: RuleSet, states: MutableMapping[str, Any], classified_partitions: int) -> None:
        self.rules = rules.by_id()
        self.enabled = rules.enabled()
        self.states = states
        self.classified_partitions = classified_partitions

    def observations(self, evidence: EvidenceClassified) -> list[Observation]:
        return observations_for(evidence, self.enabled)

    def correction_observations(self, correction: EvidenceCorrected) -> list[Observation | Withdrawal]:
        """What the label rules observe of a corrected item, and the keys it is withdrawn from
        (`services/alerts/corrections.py`)."""
        return correction_messages(correction, self.enabled)

    def decide(self, observation: Observation | Withdrawal, partition: int) -> Decision | None:
        """Apply one observation or withdrawal to its key; None when its rule is no longer configured."""
        rule = self.rules.get(observation.rule_id)
        if rule is None:
            return None
        stored = self.states.get(observation.state_key)
        if isinstance(observation, Withdrawal):
            state, alerts = withdraw(rule, stored, observation)
        else:
            state, alerts = observe(rule, stored, observation)
        if state is not None:
            state = {**state, "partition": partition}
        return Decision(observation.state_key, state, alerts)

    def judge(self, tick: WatermarkTick, partition: int) -> list[Decision]:
        """Record a partition's event-time progress; judge its flatline keys against the low watermark."""
        key = watermark_key(partition)
        stored = self.states.get(key) or {}
        known = {int(p): datetime.fromisoformat(at) for p, at in stored.get("maxima", {}).items()}
        maxima = merge_maxima(known, tick.maxima)
        decisions = [Decision(key, {"maxima": {p: at.isoformat() for p, at in maxima.items()}})]
        watermark = low_watermark(maxima, self.classified_partitions)
        if watermark is None:
            return decisions
        for state_key, state in list(self.states.items()):
            rule = self.rules.get(state_key.split("|", 1)[0])
            if not isinstance(rule, FlatlineRule) or state.get("partition") != partition:
                continue
            new_state, alerts = on_watermark(rule, state, watermark)
            if alerts:
                decisions.append(Decision(state_key, new_state, alerts))
        return decisions

    def commit(self, decision: Decision) -> None:
        if decision.state is None:
            self.states.pop(decision.key, None)
        else:
            self.states[decision.key] = decision.state

    def run(self, evidence: EvidenceClassified, partition: int = 0) -> list[AlertRaised]:
        """Decide and commit every observation of one item at once (tests and benchmarks)."""
        return self._apply([*self.observations(evidence)], partition)

    def correct(self, correction: EvidenceCorrected, partition: int = 0) -> list[AlertRaised]:
        """Decide and commit what one correction changes (tests and benchmarks)."""
        return self._apply(self.correction_observations(correction), partition)

    def _apply(self, observations: list[Observation | Withdrawal], partition: int) -> list[AlertRaised]:
        raised: list[AlertRaised] = []
        for observation in observations:
            if decision := self.decide(observation, partition):
                self.commit(decision)
                raised += decision.alerts
        return raised

    def advance(self, watermark: datetime, partition: int = 0) -> list[AlertRaised]:
        """Move event time to `watermark` on every classified partition (tests and benchmarks)."""
        tick = WatermarkTick(maxima=dict.fromkeys(range(self.classified_partitions), watermark))
        raised: list[AlertRaised] = []
        for decision in self.judge(tick, partition):
            self.commit(decision)
            raised += decision.alerts
        return raised
