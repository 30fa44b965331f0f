"""Pure detectors: (rule, state, observation or watermark) → (new state, alerts). No I/O."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from schemas.alerts import AlertChange, AlertRaised, AlertRuleKind
from schemas.common import Rating, UtcDatetime
from services.alerts.campaigns import detect_campaign
from services.alerts.domain import Observation, Withdrawal, build_alert, query_for
from services.alerts.rolling import detect_rolling_spike
from services.alerts.rules import (
    CampaignRule,
    FlatlineRule,
    NewTermRule,
    RatingDowngradeRule,
    RollingSpikeRule,
    Rule,
    SeverityRule,
    SpikeRule,
)
from services.alerts.severity_groups import detect_severity_group, item_alert, withdrawn_item_alert
from services.alerts.state import (
    ClusterCounting,
    Detected,
    ItemAlerts,
    State,
    items_phrase,
    match_filters,
    source_filters,
    within_silence,
)
from services.alerts.windows import describe_size, describe_window, previous_starts, window_start


class WindowedState(ClusterCounting):
    """Evidence ids per window start (ids make redelivered observations count once); a window counts
    near-duplicate clusters (its copies of one cluster once)."""

    windows: dict[UtcDatetime, list[UUID]] = Field(default_factory=dict)
    last_alert_window: UtcDatetime | None = None

    def count(self, start: datetime) -> int:
        return self.distinct(self.windows.get(start, []))

    def add(self, observation: Observation, start: datetime, retained: int, size: timedelta) -> bool:
        """Count the item in its window; False when already counted or older than the retained windows."""
        newest = max([start, *self.windows])
        oldest_kept = newest - size * retained
        if start < oldest_kept or observation.evidence_id in self.windows.get(start, []):
            return False
        self.windows.setdefault(start, []).append(observation.evidence_id)
        self.windows = {at: ids for at, ids in self.windows.items() if at >= oldest_kept}
        self.note_cluster(observation)
        self.keep_clusters_of(item for ids in self.windows.values() for item in ids)
        return True

    def silenced(self, start: datetime, silence: timedelta) -> bool:
        return within_silence(self.last_alert_window, start, silence)


ITEM_ALERTS_KEPT = 200


class SeverityState(State):
    last_alert_at: UtcDatetime | None = None
    alerted: ItemAlerts = Field(default_factory=ItemAlerts)


class SeenRating(BaseModel):
    rating: Rating
    at: UtcDatetime = Field(description="Report date.")
    previous: Rating | None = Field(default=None, description="Previous rating the event itself carried.")
    evidence_id: UUID
    occurred_at: UtcDatetime


class RatingState(State):
    """Published ratings per 'overall' or key question in report-date order, whatever their arrival order."""

    history: dict[str, list[SeenRating]] = Field(default_factory=dict)
    alerted_at: dict[str, list[UtcDatetime]] = Field(default_factory=dict, description="Downgrades alerted.")


MAX_RATINGS_KEPT = 12


class NewTermState(State):
    """Per window: the matching items and the terms they used.

    Only the two windows that can still be judged (the newest and the one before) keep item ids, for
    each term the first `min_items` users, so redelivered items count once; older windows, kept as
    baselines, keep just their item count and their terms.
    """

    items: dict[UtcDatetime, list[UUID]] = Field(default_factory=dict, description="Judged windows' items.")
    counts: dict[UtcDatetime, int] = Field(default_factory=dict, description="Baseline-only windows' items.")
    terms: dict[UtcDatetime, dict[str, list[UUID]]] = Field(default_factory=dict)
    alerted: dict[str, UtcDatetime] = Field(
        default_factory=dict, description="Window of each term's last alert."
    )

    def item_count(self, start: datetime) -> int:
        return len(self.items.get(start, [])) + self.counts.get(start, 0)

    def add(self, observation: Observation, start: datetime, rule: NewTermRule) -> bool:
        """Record the item in its window; False when already recorded or older than the kept windows.

        The newest window, the one before it and a full baseline for each are kept.
        """
        newest = max([start, *self.items, *self.counts])
        oldest_kept = newest - rule.window * (rule.baseline_windows + 1)
        judged_from = newest - rule.window
        if start < oldest_kept or observation.evidence_id in self.items.get(start, []):
            return False
        window_terms = self.terms.setdefault(start, {})
        if start < judged_from:  # a late item for a baseline-only window
            self.counts[start] = self.counts.get(start, 0) + 1
            for term in observation.terms:
                window_terms.setdefault(term, [])
        else:
            self.items.setdefault(start, []).append(observation.evidence_id)
            for term in observation.terms:
                users = window_terms.setdefault(term, [])
                if len(users) < rule.min_items:
                    users.append(observation.evidence_id)
        for at in [at for at in self.items if at < judged_from]:  # compact windows no longer judged
            self.counts[at] = self.counts.get(at, 0) + len(self.items.pop(at))
            self.terms[at] = {term: [] for term in self.terms.get(at, {})}
        self.counts = {at: count for at, count in self.counts.items() if at >= oldest_kept}
        self.terms = {at: terms for at, terms in self.terms.items() if at >= oldest_kept}
        forget_before = oldest_kept - rule.silence
        self.alerted = {term: at for term, at in self.alerted.items() if at >= forget_before}
        return True


def detect_spike(rule: SpikeRule, raw: dict[str, Any] | None, observation: Observation) -> Detected:
    state = WindowedState.load(raw, observation)
    start = window_start(observation.occurred_at, rule.window)
    if not state.add(observation, start, rule.baseline_windows, rule.window):
        return state.model_dump(mode="json"), []
    count = state.count(start)
    baseline = [state.count(at) for at in previous_starts(start, rule.window, rule.baseline_windows)]
    mean = sum(baseline) / len(baseline)
    reference = max(mean, rule.baseline_floor)
    ratio = count / reference
    if count < rule.min_count or ratio < rule.ratio or state.silenced(start, rule.silence):
        return state.model_dump(mode="json"), []
    state.last_alert_window = start
    per = describe_size(rule.window)
    floor_note = "" if mean >= rule.baseline_floor else f" (floor {rule.baseline_floor:.1f})"
    reason = (
        f"{count} {items_phrase(rule)} about {state.label} in {describe_window(start, rule.window)}, "
        f"{ratio:.1f}× the {mean:.1f}/{per} baseline{floor_note}"
    )
    end = start + rule.window
    alert = build_alert(
        rule_id=rule.id,
        kind=AlertRuleKind.SPIKE,
        key=state.key,
        window_start=start,
        window_end=end,
        occurred_at=observation.occurred_at,
        severity=rule.severity,
        reason=reason,
        counts={"count": count, "baseline_mean": mean, "baseline_reference": reference, "ratio": ratio},
        query=query_for(
            state.key,
            start,
            end,
            **match_filters(rule),
        ),
        evidence_ids=state.windows[start],
    )
    return state.model_dump(mode="json"), [alert]


def detect_severity(rule: SeverityRule, raw: dict[str, Any] | None, observation: Observation) -> Detected:
    """One alert per item, the key quiet for `silence` after it; an item whose alert an analyst's correction
    withdrew reopens it when corrected back to high severity, silence or not."""
    state = SeverityState.load(raw, observation)
    at = observation.occurred_at
    last = state.last_alert_at
    known = observation.evidence_id in state.alerted.alerts
    if not known and last is not None and abs(at - last) < rule.silence:
        return state.model_dump(mode="json"), []
    raised = state.alerted.raise_for(observation.evidence_id, rule.severity, ITEM_ALERTS_KEPT)
    if raised is None:
        return state.model_dump(mode="json"), []
    version, change = raised
    if change is AlertChange.RAISED:
        state.last_alert_at = at
    reasons = f" ({', '.join(observation.severity_reasons)})" if observation.severity_reasons else ""
    alert = item_alert(
        rule, state, observation, severity=rule.severity, note=reasons, version=version, change=change
    )
    return state.model_dump(mode="json"), [alert]


def withdrawn_alert(rule: SeverityRule, state: SeverityState, withdrawal: Withdrawal) -> AlertRaised | None:
    """The item's alert at its next version, `withdrawn`; None when it raised none or it is withdrawn."""
    alerted = state.alerted.withdraw(withdrawal.evidence_id)
    if alerted is None:
        return None
    at = withdrawal.occurred_at
    if state.last_alert_at == at:  # a withdrawn alert silences nothing
        state.last_alert_at = None
    return withdrawn_item_alert(rule, state, withdrawal, alerted)


def detect_rating_downgrade(
    rule: RatingDowngradeRule, raw: dict[str, Any] | None, observation: Observation
) -> Detected:
    """Judge the new rating against its predecessor, and its successor against it when it arrives late.

    A downgrade is alerted with the later report's details whichever of the two arrives first, so the
    alerts do not depend on how partitions interleave.
    """
    state = RatingState.load(raw, observation)
    finding = observation.finding
    if finding is None:
        return state.model_dump(mode="json"), []
    aspect = finding.key_question.value if finding.key_question else "overall"
    seen = SeenRating(
        rating=finding.rating,
        at=finding.report_date or observation.occurred_at,
        previous=finding.previous_rating,
        evidence_id=observation.evidence_id,
        occurred_at=observation.occurred_at,
    )
    history = [kept for kept in state.history.get(aspect, []) if kept.at != seen.at]
    history = sorted([*history, seen], key=lambda kept: kept.at)[-MAX_RATINGS_KEPT:]
    state.history[aspect] = history
    if seen not in history:
        return state.model_dump(mode="json"), []
    index = history.index(seen)
    pairs = [(seen.previous or (history[index - 1].rating if index else None), seen)]
    if index + 1 < len(history) and history[index + 1].previous is None:
        pairs.append((seen.rating, history[index + 1]))
    alerts = [
        alert
        for previous, later in pairs
        if (alert := _downgrade_alert(rule, state, aspect, previous, later)) is not None
    ]
    return state.model_dump(mode="json"), alerts


def _downgrade_alert(
    rule: RatingDowngradeRule, state: RatingState, aspect: str, previous: Rating | None, later: SeenRating
) -> AlertRaised | None:
    """An alert when `later` is worse than `previous` and no downgrade was alerted near it; records it."""
    new_rank, old_rank = later.rating.rank, previous.rank if previous else None
    if previous is None or new_rank is None or old_rank is None or new_rank <= old_rank:
        return None
    alerted = state.alerted_at.setdefault(aspect, [])
    if any(within_silence(last, later.at, rule.silence) for last in alerted):
        return None
    alerted.append(later.at)
    del alerted[:-MAX_RATINGS_KEPT]
    what = "Overall" if aspect == "overall" else aspect.replace("_", "-").capitalize()
    return build_alert(
        rule_id=rule.id,
        kind=AlertRuleKind.RATING_DOWNGRADE,
        key=state.key,
        window_start=later.at,
        window_end=later.at,
        occurred_at=later.occurred_at,
        severity=rule.inadequate_severity if later.rating == Rating.INADEQUATE else rule.severity,
        reason=f"{what} rating of {state.label} fell from {previous.value} to {later.rating.value} "
        f"(published {later.at:%Y-%m-%d})",
        counts={"previous_rank": old_rank, "rank": new_rank},
        query=query_for(
            state.key,
            later.occurred_at,
            later.occurred_at,
            key_question=None if aspect == "overall" else aspect,
            **source_filters(rule.source_types),
        ),
        evidence_ids=[later.evidence_id],
        id_suffix=f"|{aspect}",
    )


def observe_flatline(rule: FlatlineRule, raw: dict[str, Any] | None, observation: Observation) -> Detected:
    """Count the item; flatlines are judged on the watermark, never on an arriving item."""
    state = WindowedState.load(raw, observation)
    start = window_start(observation.occurred_at, rule.window)
    state.add(observation, start, rule.baseline_windows + 1, rule.window)
    return state.model_dump(mode="json"), []


def detect_flatline(rule: FlatlineRule, raw: dict[str, Any], watermark: datetime) -> Detected:
    """The last complete window before the watermark had nothing, after >= K in every baseline window."""
    state = WindowedState.model_validate(raw)
    silent = window_start(watermark, rule.window) - rule.window
    baseline_starts = previous_starts(silent, rule.window, rule.baseline_windows)
    baseline = [state.count(at) for at in baseline_starts]
    if state.count(silent) or min(baseline) < rule.min_per_window or state.silenced(silent, rule.silence):
        return raw, []
    state.last_alert_window = silent
    source = (state.key.source_type or "items").replace("_", " ")
    per = describe_size(rule.window)
    mean = sum(baseline) / len(baseline)
    end = silent + rule.window
    alert = build_alert(
        rule_id=rule.id,
        kind=AlertRuleKind.FLATLINE,
        key=state.key,
        window_start=silent,
        window_end=end,
        occurred_at=end,
        severity=rule.severity,
        reason=f"No {source}s about {state.label} in {describe_window(silent, rule.window)}, after at least "
        f"{min(baseline)} a {per} (mean {mean:.1f}) in each of the {rule.baseline_windows} {per}s before",
        counts={"count": 0, "baseline_min": min(baseline), "baseline_mean": mean},
        query=query_for(state.key, baseline_starts[-1], end),
        evidence_ids=list(reversed(state.windows.get(baseline_starts[0], [])))[:50],
    )
    return state.model_dump(mode="json"), [alert]


def detect_new_term(rule: NewTermRule, raw: dict[str, Any] | None, observation: Observation) -> Detected:
    """Alert for each of the item's terms that reached `min_items` this window and no baseline item used."""
    state = NewTermState.load(raw, observation)
    start = window_start(observation.occurred_at, rule.window)
    if not state.add(observation, start, rule):
        return state.model_dump(mode="json"), []
    if start not in state.items:  # older than the previous window: its baseline is no longer kept
        return state.model_dump(mode="json"), []
    baseline_starts = previous_starts(start, rule.window, rule.baseline_windows)
    baseline_items = sum(state.item_count(at) for at in baseline_starts)
    if baseline_items < rule.min_baseline_items:
        return state.model_dump(mode="json"), []
    used_before = {term for at in baseline_starts for term in state.terms.get(at, {})}
    window_terms = state.terms[start]
    end, per = start + rule.window, describe_size(rule.window)
    alerts = []
    for term in observation.terms:
        users = window_terms[term]
        if len(users) < rule.min_items or term in used_before:
            continue
        if within_silence(state.alerted.get(term), start, rule.silence):
            continue
        state.alerted[term] = start
        alerts.append(
            build_alert(
                rule_id=rule.id,
                kind=AlertRuleKind.NEW_TERM,
                key=state.key,
                window_start=start,
                window_end=end,
                occurred_at=observation.occurred_at,
                severity=rule.severity,
                reason=f"'{term}' is used by {len(users)} {items_phrase(rule)} about {state.label} in "
                f"{describe_window(start, rule.window)}, and by none of its {baseline_items} in the "
                f"{rule.baseline_windows} {per}s before",
                counts={"count": len(users), "baseline_items": baseline_items},
                query=query_for(
                    state.key,
                    start,
                    end,
                    q=term,
                    **match_filters(rule),
                ),
                evidence_ids=list(users),
                id_suffix=f"|{term}",
            )
        )
    return state.model_dump(mode="json"), alerts


def observe(rule: Rule, raw: dict[str, Any] | None, observation: Observation) -> Detected:
    """Apply one observation to its key's state (a JSON-ready dict) and return any alert it raises."""
    if isinstance(rule, SpikeRule):
        return detect_spike(rule, raw, observation)
    if isinstance(rule, RollingSpikeRule):
        return detect_rolling_spike(rule, raw, observation)
    if isinstance(rule, SeverityRule) and rule.group_window:
        return detect_severity_group(rule, raw, observation)
    if isinstance(rule, SeverityRule):
        return detect_severity(rule, raw, observation)
    if isinstance(rule, RatingDowngradeRule):
        return detect_rating_downgrade(rule, raw, observation)
    if isinstance(rule, NewTermRule):
        return detect_new_term(rule, raw, observation)
    if isinstance(rule, CampaignRule):
        return detect_campaign(rule, raw, observation)
    return observe_flatline(rule, raw, observation)


def on_watermark(rule: Rule, raw: dict[str, Any], watermark: datetime) -> Detected:
    """Judge a key once event time has moved on; only flatline rules look at the watermark."""
    if isinstance(rule, FlatlineRule):
        return detect_flatline(rule, raw, watermark)
    return raw, []
