"""Grouped severity alerts: high-severity items about one key in one aligned window form one alert that grows.

Each new item publishes the next version of the group's alert (count, newest items, reasons), escalated
once the group reaches `escalate_at` items. An item with a critical reason pages alone, as does an item
so late that its group is no longer kept. Group windows are aligned (Mondays at midnight UTC, like every
window), so the same items form the same groups and alert ids whatever order they arrive in. An analyst's
correction that clears an item's high severity takes it out: its group's next version is `corrected`
(`withdrawn` once no item is left), an alert it raised alone is `withdrawn`; corrected back, it rejoins
(`reopened` when its alert had been withdrawn).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from schemas.alerts import AlertChange, AlertItem, AlertRaised, AlertRuleKind, AlertSeverity
from schemas.common import UtcDatetime
from services.alerts.domain import MAX_EVIDENCE_IDS, Observation, Withdrawal, build_alert, query_for
from services.alerts.rules import SeverityRule
from services.alerts.state import Detected, ItemAlert, ItemAlerts, State, source_filters, withdrawn_reason
from services.alerts.windows import describe_window, window_start

GROUPS_KEPT = timedelta(days=14)  # how late an item may still join its group
ITEMS_SHOWN = 10
PAGED_KEPT = 200


class Group(BaseModel):
    version: int = 0
    severity: AlertSeverity
    ids: list[UUID] = Field(default_factory=list)
    items: list[AlertItem] = Field(default_factory=list, description="Newest first.")
    reason_counts: dict[str, int] = Field(default_factory=dict)
    reasons: dict[UUID, list[str]] = Field(
        default_factory=dict, description="Each item's reasons, to take it out again."
    )


class SeverityGroupState(State):
    groups: dict[UtcDatetime, Group] = Field(default_factory=dict)
    paged_alone: ItemAlerts = Field(default_factory=ItemAlerts, description="Items that paged alone.")


def _item(observation: Observation) -> AlertItem:
    return AlertItem(
        evidence_id=observation.evidence_id,
        occurred_at=observation.occurred_at,
        source_type=observation.source_type.value,
        location_id=observation.location_id,
        severity_reasons=observation.severity_reasons,
    )


def _newest_first(items: list[AlertItem]) -> list[AlertItem]:
    return sorted(items, key=lambda item: (item.occurred_at, str(item.evidence_id)), reverse=True)


def _reasons_phrase(reason_counts: dict[str, int]) -> str:
    ordered = sorted(reason_counts.items(), key=lambda pair: (-pair[1], pair[0]))
    words = [reason.replace("_", " ") + (f" ×{count}" if count > 1 else "") for reason, count in ordered]
    return ", ".join(words) or "no reason given"


def detect_severity_group(
    rule: SeverityRule, raw: dict[str, Any] | None, observation: Observation
) -> Detected:
    state = SeverityGroupState.load(raw, observation)
    start = window_start(observation.occurred_at, rule.group_window)
    newest = max([start, *state.groups])
    critical = set(rule.critical_reasons) & set(observation.severity_reasons)
    if critical or start < newest - GROUPS_KEPT:
        return _page_alone(rule, state, observation, sorted(critical))
    group = state.groups.get(start) or Group(severity=rule.severity)
    if observation.evidence_id in group.ids:
        return state.model_dump(mode="json"), []
    withdrawn = group.version > 0 and not group.ids
    group.ids.append(observation.evidence_id)
    group.items = _newest_first([*group.items, _item(observation)])[:ITEMS_SHOWN]
    group.reasons[observation.evidence_id] = list(observation.severity_reasons)
    for reason in observation.severity_reasons:
        group.reason_counts[reason] = group.reason_counts.get(reason, 0) + 1
    group.version += 1
    previous = group.severity
    if rule.escalate_at and len(group.ids) >= rule.escalate_at:
        group.severity = rule.escalated_severity
    escalated = group.version > 1 and group.severity != previous
    change = (
        AlertChange.RAISED
        if group.version == 1
        else AlertChange.REOPENED
        if withdrawn
        else AlertChange.ESCALATED
        if escalated
        else AlertChange.GROWN
    )
    state.groups[start] = group
    state.groups = {at: kept for at, kept in state.groups.items() if at >= newest - GROUPS_KEPT}
    alert = _group_alert(rule, state, start, group, change, previous if escalated else None)
    return state.model_dump(mode="json"), [alert]


def withdraw_severity_group(rule: SeverityRule, raw: dict[str, Any], withdrawal: Withdrawal) -> Detected:
    """Take a corrected item out: its own alert is withdrawn, or its group's next version leaves it out
    (`corrected`; `withdrawn` when none is left, de-escalated below `escalate_at`)."""
    state = SeverityGroupState.model_validate(raw)
    evidence_id = withdrawal.evidence_id
    if alone := state.paged_alone.withdraw(evidence_id):
        alert = withdrawn_item_alert(rule, state, withdrawal, alone, id_suffix=f"|{evidence_id}")
        return state.model_dump(mode="json"), [alert]
    start = window_start(withdrawal.occurred_at, rule.group_window)
    group = state.groups.get(start)
    if group is None or evidence_id not in group.ids:
        return raw, []
    group.ids.remove(evidence_id)
    group.items = [item for item in group.items if item.evidence_id != evidence_id]
    for reason in group.reasons.pop(evidence_id, []):
        group.reason_counts[reason] = group.reason_counts.get(reason, 1) - 1
    group.reason_counts = {reason: n for reason, n in group.reason_counts.items() if n > 0}
    group.version += 1
    previous = group.severity
    if group.ids and rule.escalate_at and len(group.ids) < rule.escalate_at:
        group.severity = rule.severity
    change = AlertChange.CORRECTED if group.ids else AlertChange.WITHDRAWN
    lowered = previous if group.severity != previous else None
    alert = _group_alert(rule, state, start, group, change, lowered, withdrawal)
    return state.model_dump(mode="json"), [alert]


def _group_alert(
    rule: SeverityRule,
    state: SeverityGroupState,
    start: datetime,
    group: Group,
    change: AlertChange,
    previous: AlertSeverity | None,
    withdrawal: Withdrawal | None = None,
) -> AlertRaised:
    """The group's alert at its current version."""
    count = len(group.ids)
    end = start + rule.group_window
    if count:
        reason = (
            f"{count} high-severity item{'s' if count > 1 else ''} about {state.label} in "
            f"{describe_window(start, rule.group_window)} ({_reasons_phrase(group.reason_counts)})"
        )
        if change is AlertChange.ESCALATED:
            reason += f"; escalated at {count} items"
        if withdrawal is not None:
            reason += f"; one item taken out by {withdrawal.correction.by}'s correction"
    else:
        reason = withdrawn_reason(withdrawal, state.label) if withdrawal else ""
    return build_alert(
        rule_id=rule.id,
        kind=AlertRuleKind.SEVERITY,
        key=state.key,
        window_start=start,
        window_end=end,
        occurred_at=group.items[0].occurred_at if group.items else start,
        severity=group.severity,
        reason=reason,
        counts={"count": count},
        query=query_for(state.key, start, end, severity="high", **source_filters(rule.source_types)),
        evidence_ids=list(reversed(group.ids))[:MAX_EVIDENCE_IDS],
        version=group.version,
        change=change,
        previous_severity=previous,
        items=group.items,
        reason_counts=group.reason_counts,
        correction=withdrawal.correction if withdrawal else None,
    )


def _page_alone(
    rule: SeverityRule, state: SeverityGroupState, observation: Observation, critical: list[str]
) -> Detected:
    """Its own alert (id from the item), critical for a critical reason; once per item (again, reopened,
    after a correction withdrew it)."""
    severity = rule.escalated_severity if critical else rule.severity
    raised = state.paged_alone.raise_for(observation.evidence_id, severity, PAGED_KEPT)
    if raised is None:
        return state.model_dump(mode="json"), []
    version, change = raised
    why = (
        f"critical: {', '.join(reason.replace('_', ' ') for reason in critical)}" if critical else "late item"
    )
    alert = item_alert(
        rule,
        state,
        observation,
        severity=severity,
        note=f" ({why})",
        id_suffix=f"|{observation.evidence_id}",
        items=[_item(observation)],
        reason_counts={reason: 1 for reason in observation.severity_reasons},
        version=version,
        change=change,
    )
    return state.model_dump(mode="json"), [alert]


def item_alert(
    rule: SeverityRule,
    state: State,
    observation: Observation,
    *,
    severity: AlertSeverity,
    note: str,
    **extra: Any,
) -> AlertRaised:
    """A severity alert about one item, its window the item's moment; `note` ends the reason."""
    at = observation.occurred_at
    source = observation.source_type.value.replace("_", " ")
    reason = f"High-severity {source} about {state.label} on {at:%Y-%m-%d}{note}"
    return _one_item_alert(rule, state, observation.evidence_id, at, severity, reason, count=1, **extra)


def withdrawn_item_alert(
    rule: SeverityRule, state: State, withdrawal: Withdrawal, alerted: ItemAlert, **extra: Any
) -> AlertRaised:
    """The next version of an alert one item raised, `withdrawn` by an analyst's correction."""
    return _one_item_alert(
        rule,
        state,
        withdrawal.evidence_id,
        withdrawal.occurred_at,
        alerted.severity,
        withdrawn_reason(withdrawal, state.label),
        count=0,
        version=alerted.version,
        change=AlertChange.WITHDRAWN,
        correction=withdrawal.correction,
        **extra,
    )


def _one_item_alert(
    rule: SeverityRule,
    state: State,
    evidence_id: UUID,
    at: datetime,
    severity: AlertSeverity,
    reason: str,
    *,
    count: int,
    **extra: Any,
) -> AlertRaised:
    """A severity alert about one item (`count` 1, or 0 once withdrawn), its window the item's moment."""
    return build_alert(
        rule_id=rule.id,
        kind=AlertRuleKind.SEVERITY,
        key=state.key,
        window_start=at,
        window_end=at,
        occurred_at=at,
        severity=severity,
        reason=reason,
        counts={"count": count},
        query=query_for(state.key, at, at, severity="high", **source_filters(rule.source_types)),
        evidence_ids=[evidence_id],
        **extra,
    )
