"""Withdrawals: an analyst's correction took an item out of what a rule counts under one key.

Spike rules forget the item where they still keep its window's (or day's) ids, so later judgements count
without it; an alert already raised stays as raised (it stood on many items; a monitor closes it). A
severity rule withdraws the item's alert, or publishes its group's next version without it. A key that
never counted the item is left as it is, so a redelivered withdrawal changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from services.alerts.detectors import SeverityState, WindowedState, withdrawn_alert
from services.alerts.domain import Withdrawal
from services.alerts.rolling import DAY, RollingState
from services.alerts.rules import RollingSpikeRule, Rule, SeverityRule, SpikeRule
from services.alerts.severity_groups import withdraw_severity_group
from services.alerts.state import ClusterCounting, Detected
from services.alerts.windows import window_start


def withdraw(rule: Rule, raw: dict[str, Any] | None, withdrawal: Withdrawal) -> Detected:
    """Take the corrected item out of the key's state (a JSON-ready dict); any alert version it changes."""
    if raw is None:
        return None, []
    if isinstance(rule, SeverityRule) and rule.group_window:
        return withdraw_severity_group(rule, raw, withdrawal)
    if isinstance(rule, SeverityRule):
        state = SeverityState.model_validate(raw)
        alert = withdrawn_alert(rule, state, withdrawal)
        return state.model_dump(mode="json"), [alert] if alert else []
    if isinstance(rule, SpikeRule):
        spike = WindowedState.model_validate(raw)
        start = window_start(withdrawal.occurred_at, rule.window)
        return (
            spike.model_dump(mode="json") if _forget(spike, spike.windows, start, withdrawal) else raw
        ), []
    if isinstance(rule, RollingSpikeRule):
        rolling = RollingState.model_validate(raw)
        day = window_start(withdrawal.occurred_at, DAY)
        return (
            rolling.model_dump(mode="json") if _forget(rolling, rolling.days, day, withdrawal) else raw
        ), []
    return raw, []


def _forget(
    state: ClusterCounting, ids: dict[datetime, list[UUID]], start: datetime, withdrawal: Withdrawal
) -> bool:
    """Take the item (and its cluster) out of its window's ids; False when they do not hold it (counted
    long ago, or never)."""
    kept = ids.get(start, [])
    if withdrawal.evidence_id not in kept:
        return False
    kept.remove(withdrawal.evidence_id)
    state.clusters.pop(withdrawal.evidence_id, None)
    return True
