"""Rolling spike detector: daily counts per key, judged as each item arrives; an alert is an episode.

The window of an item ends on its own (UTC) day, so the same items give the same counts whatever order they
arrive in. An episode starts with the first significant window (its alert id comes from that window's
start); while it lasts, a worse count publishes a new version of the same alert (grown, or escalated when
the severity goes up); a significant window after a day that was not, within the silence after the last
significant day, reopens it; later than that, a new alert starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from schemas.alerts import AlertChange, AlertRaised, AlertRuleKind, AlertSeverity
from schemas.common import UtcDatetime
from services.alerts.domain import MAX_EVIDENCE_IDS, Observation, build_alert, query_for
from services.alerts.rules import RollingSpikeRule
from services.alerts.state import ClusterCounting, Detected, items_phrase, match_filters
from services.alerts.tail import overdispersion, upper_tail
from services.alerts.windows import window_start

DAY = timedelta(days=1)
LATE_DAYS_WITH_IDS = 7  # days beyond the longest window whose item ids are kept (redelivery counts once)
WEEKEND = (5, 6)


class Episode(BaseModel):
    window_start: UtcDatetime = Field(
        description="Start of the window first found significant: the alert id."
    )
    window_end: UtcDatetime
    version: int
    severity: AlertSeverity
    count: int = Field(description="The count the latest version reported.")
    last_significant_day: UtcDatetime


class RollingState(ClusterCounting):
    """Item ids of recent days, counts of older ones, the first day seen, and the open episode. Counts are
    of near-duplicate clusters: distinct within a window while its days keep ids (the last
    `LATE_DAYS_WITH_IDS` days beyond the longest window), per day once compacted."""

    days: dict[UtcDatetime, list[UUID]] = Field(default_factory=dict)
    counts: dict[UtcDatetime, int] = Field(default_factory=dict)
    first_day: UtcDatetime | None = None
    episode: Episode | None = None

    def count(self, day: datetime) -> int:
        return self.distinct(self.days.get(day, [])) + self.counts.get(day, 0)

    def window_count(self, days: list[datetime]) -> int:
        """Clusters in these days (one spanning several days counts once while they keep ids)."""
        kept = self.distinct(item for day in days for item in self.days.get(day, []))
        return kept + sum(self.counts.get(day, 0) for day in days)

    def add(self, observation: Observation, day: datetime, rule: RollingSpikeRule) -> bool:
        """Count the item on its day; False when already counted or older than the days kept."""
        newest = max([day, *self.days, *self.counts])
        longest = max(rule.windows_days)
        oldest_kept = newest - DAY * (longest + rule.baseline_days)
        ids_from = newest - DAY * (longest + LATE_DAYS_WITH_IDS)
        if day < oldest_kept or observation.evidence_id in self.days.get(day, []):
            return False
        if day < ids_from:
            self.counts[day] = self.counts.get(day, 0) + 1
        else:
            self.days.setdefault(day, []).append(observation.evidence_id)
            self.note_cluster(observation)
        for old in [old for old in self.days if old < ids_from]:
            self.counts[old] = self.counts.get(old, 0) + self.distinct(self.days.pop(old))
        self.keep_clusters_of(item for ids in self.days.values() for item in ids)
        self.counts = {at: count for at, count in self.counts.items() if at >= oldest_kept}
        self.first_day = day if self.first_day is None else min(self.first_day, day)
        return True


@dataclass(frozen=True)
class Judgement:
    """One window's count against its expectation."""

    window_days: int
    count: int
    expected: float
    dispersion: float
    p_value: float
    baseline_days: int

    @property
    def ratio(self) -> float:
        return self.count / self.expected


def _rate(state: RollingState, days: list[datetime], rule: RollingSpikeRule) -> dict[bool, float]:
    """Daily rate of weekend (True) and weekday (False) days, each shrunk towards the overall rate."""
    overall = sum(state.count(day) for day in days) / len(days)
    if not rule.weekly_pattern:
        return {True: overall, False: overall}
    rates = {}
    for weekend in (True, False):
        group = [day for day in days if (day.weekday() in WEEKEND) == weekend]
        prior_days = 4.0  # pseudo-days of the overall rate: a few weeks are needed to trust a pattern
        rates[weekend] = (sum(state.count(day) for day in group) + prior_days * overall) / (
            len(group) + prior_days
        )
    return rates


def judge(state: RollingState, rule: RollingSpikeRule, day: datetime, window_days: int) -> Judgement | None:
    """The window of `window_days` ending on `day`; None while the key's history is too short."""
    first = day - DAY * (window_days - 1)
    span = [first - DAY * n for n in range(rule.baseline_days, 0, -1)]
    known = [at for at in span if state.first_day is not None and at >= state.first_day]
    if len(known) < rule.min_history_days:
        return None
    baseline = known if rule.min_history_days else span
    rates = _rate(state, baseline, rule)

    def expected(at: datetime) -> float:
        return max(rates[at.weekday() in WEEKEND], rule.floor_per_day)

    window = [first + DAY * n for n in range(window_days)]
    means = [expected(at) for at in window]
    mean = sum(means)
    dispersion = 0.0
    if rule.distribution == "negative_binomial":
        daily = max(
            overdispersion([state.count(at) for at in baseline], [expected(at) for at in baseline]),
            rule.min_dispersion,
        )
        dispersion = daily * sum(m * m for m in means) / (mean * mean)
    count = state.window_count(window)
    return Judgement(window_days, count, mean, dispersion, upper_tail(count, mean, dispersion), len(baseline))


def significant(state: RollingState, rule: RollingSpikeRule, day: datetime) -> Judgement | None:
    """The most significant window ending on `day` that fires, if any."""
    fired = [
        judgement
        for window_days in rule.windows_days
        if (judgement := judge(state, rule, day, window_days)) is not None
        and judgement.count >= rule.min_count
        and judgement.p_value < rule.p_value
    ]
    return min(fired, key=lambda judgement: judgement.p_value, default=None)


def detect_rolling_spike(
    rule: RollingSpikeRule, raw: dict[str, Any] | None, observation: Observation
) -> Detected:
    state = RollingState.load(raw, observation)
    day = window_start(observation.occurred_at, DAY)
    if not state.add(observation, day, rule):
        return state.model_dump(mode="json"), []
    found = significant(state, rule, day)
    if found is None:
        return state.model_dump(mode="json"), []
    severity = rule.escalated_severity if found.ratio >= rule.escalate_ratio else rule.severity
    window_end = day + DAY
    episode = state.episode
    if (
        episode is None
        or day - episode.last_significant_day >= rule.silence
        or day < episode.window_start - rule.silence
    ):
        state.episode = Episode(
            window_start=day - DAY * (found.window_days - 1),
            window_end=window_end,
            version=1,
            severity=severity,
            count=found.count,
            last_significant_day=day,
        )
        return state.model_dump(mode="json"), [
            _alert(rule, state, found, observation.occurred_at, AlertChange.RAISED, None)
        ]
    change = _change(state, rule, episode, found, day, severity)
    episode.last_significant_day = max(episode.last_significant_day, day)
    if change is None:
        return state.model_dump(mode="json"), []
    previous = episode.severity if change == AlertChange.ESCALATED else None
    episode.version += 1
    episode.severity = max(episode.severity, severity, key=list(AlertSeverity).index)
    episode.count = found.count
    episode.window_end = max(episode.window_end, window_end)
    return state.model_dump(mode="json"), [
        _alert(rule, state, found, observation.occurred_at, change, previous)
    ]


def _change(
    state: RollingState,
    rule: RollingSpikeRule,
    episode: Episode,
    found: Judgement,
    day: datetime,
    severity: AlertSeverity,
) -> AlertChange | None:
    """What a significant window on `day` does to the open episode: reopen, escalate, grow, or nothing."""
    between = [
        episode.last_significant_day + DAY * n for n in range(1, (day - episode.last_significant_day).days)
    ]
    if any(significant(state, rule, at) is None for at in between):
        return AlertChange.REOPENED
    rank = list(AlertSeverity).index
    if rank(severity) > rank(episode.severity):
        return AlertChange.ESCALATED
    if found.count >= episode.count * (1 + rule.update_growth) and found.count > episode.count:
        return AlertChange.GROWN
    return None


def _alert(
    rule: RollingSpikeRule,
    state: RollingState,
    found: Judgement,
    occurred_at: datetime,
    change: AlertChange,
    previous: AlertSeverity | None,
) -> AlertRaised:
    episode = state.episode
    assert episode is not None
    day = window_start(occurred_at, DAY)
    first = day - DAY * (found.window_days - 1)
    span = "on" if found.window_days == 1 else f"in the {found.window_days} days to"
    law = "Poisson" if found.dispersion == 0 else "negative binomial"
    lead = {
        AlertChange.RAISED: "",
        AlertChange.GROWN: "Grown: ",
        AlertChange.ESCALATED: "Escalated: ",
        AlertChange.REOPENED: "Back after a quiet day: ",
    }[change]
    reason = (
        f"{lead}{found.count} {items_phrase(rule)} about {state.label} {span} {day:%a %Y-%m-%d}, "
        f"{found.ratio:.1f}× the {found.expected:.1f} its previous {found.baseline_days} days predict "
        f"(P = {found.p_value:.1g}, {law})"
    )
    window = [first + DAY * n for n in range(found.window_days)]
    evidence = [evidence_id for at in reversed(window) for evidence_id in reversed(state.days.get(at, []))]
    return build_alert(
        rule_id=rule.id,
        kind=AlertRuleKind.SPIKE,
        key=state.key,
        window_start=episode.window_start,
        window_end=episode.window_end,
        occurred_at=occurred_at,
        severity=episode.severity,
        reason=reason,
        counts={
            "count": found.count,
            "expected": round(found.expected, 3),
            "ratio": round(found.ratio, 3),
            "p_value": found.p_value,
            "window_days": found.window_days,
            "dispersion": round(found.dispersion, 4),
        },
        query=query_for(state.key, episode.window_start, episode.window_end, **match_filters(rule)),
        evidence_ids=evidence[:MAX_EVIDENCE_IDS],
        version=episode.version,
        change=change,
        previous_severity=previous,
    )
