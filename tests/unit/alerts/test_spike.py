"""Spike rule: the current window against the mean of earlier windows, with a floor and a silence."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from factories.alerts import LEEDS, at, classified, negative

from schemas.alerts import AlertRuleKind
from schemas.evidence import DuplicateKind, Duplication, SentimentLabel
from services.alerts.domain import alert_id_for

RULE = """
rules:
  - id: spike
    kind: spike
    by_quality_statement: true
    window: 7d
    baseline_windows: 4
    ratio: 3.0
    min_count: 5
    baseline_floor: 1.0
    silence: 14d
"""
WEEK = timedelta(days=7)
MONDAY = at("2025-06-02", hour=0)


def feed(engine, items):
    return [alert for item in items for alert in engine.run(item)]


def baseline(weeks: int = 4, per_week: int = 1):
    """`per_week` negative items in each of the `weeks` weeks before 2025-06-02."""
    return [
        negative(MONDAY - WEEK * week + timedelta(hours=n))
        for week in range(1, weeks + 1)
        for n in range(per_week)
    ]


def test_spike_alerts_at_ratio_over_baseline(make_engine) -> None:
    engine = make_engine(RULE)
    assert feed(engine, baseline(per_week=1)) == []
    spike = [negative(MONDAY + timedelta(hours=n)) for n in range(12)]
    alerts = feed(engine, spike)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.rule_kind == AlertRuleKind.SPIKE
    assert alert.counts["count"] == 5  # fires as soon as both thresholds hold
    assert (
        alert.reason == "5 negative items about Safeguarding in Oldham in the week of 2025-06-02, "
        "5.0× the 1.0/week baseline"
    )
    assert alert.key.quality_statement == "safe.safeguarding"
    assert alert.window_start == MONDAY and alert.window_end == MONDAY + WEEK
    assert alert.alert_id == alert_id_for("spike", alert.key.as_string(), MONDAY)
    assert alert.event_id == alert.alert_id
    assert alert.query == {
        "local_authority": "E08000004",
        "quality_statement": "safe.safeguarding",
        "sentiment": "negative",
        "evidence_kind": "soft_intelligence",
        "from": "2025-06-02T00:00:00+00:00",
        "to": "2025-06-09T00:00:00+00:00",
    }
    assert alert.evidence_ids == [item.evidence_id for item in spike[:5]]


def copies_of(first, times):
    """Near-duplicates of `first` (its cluster), one at each time."""
    copy = Duplication(cluster_id=first.evidence_id, kind=DuplicateKind.NEAR, similarity=0.8)
    return [negative(when, duplication=copy) for when in times]


def test_spike_counts_a_burst_of_copies_as_one_concern(make_engine) -> None:
    engine = make_engine(RULE)
    feed(engine, baseline(per_week=1))
    first = negative(MONDAY)
    burst = [first, *copies_of(first, [MONDAY + timedelta(hours=n) for n in range(1, 12)])]
    assert feed(engine, burst) == []  # 12 items, one concern
    distinct = [negative(MONDAY + timedelta(hours=20 + n)) for n in range(4)]
    alerts = feed(engine, distinct)  # the fifth concern fires, as the burst alone never did
    assert len(alerts) == 1 and alerts[0].counts["count"] == 5


def test_spike_does_not_alert_below_ratio(make_engine) -> None:
    engine = make_engine(RULE)
    feed(engine, baseline(per_week=3))
    assert feed(engine, [negative(MONDAY + timedelta(hours=n)) for n in range(8)]) == []  # 8 < 3 x 3


def test_spike_floor_needs_min_count_without_history(make_engine) -> None:
    engine = make_engine(RULE)
    assert feed(engine, [negative(MONDAY + timedelta(hours=n)) for n in range(4)]) == []
    alerts = feed(engine, [negative(MONDAY + timedelta(hours=5))])
    assert len(alerts) == 1
    assert alerts[0].reason.endswith("5.0× the 0.0/week baseline (floor 1.0)")


def test_spike_ignores_other_sentiments_and_areas(make_engine) -> None:
    engine = make_engine(RULE)
    items = [classified(occurred_at=MONDAY, sentiment=SentimentLabel.POSITIVE) for _ in range(10)]
    items += [negative(MONDAY + timedelta(hours=n), area=LEEDS) for n in range(3)]
    items += [negative(MONDAY + timedelta(hours=n)) for n in range(3)]
    assert feed(engine, items) == []


def test_spike_counts_a_redelivered_item_once(make_engine) -> None:
    engine = make_engine(RULE)
    item = negative(MONDAY)
    assert feed(engine, [item] * 10) == []


def test_spike_is_silenced_for_the_same_key(make_engine) -> None:
    engine = make_engine(RULE)
    first = feed(engine, [negative(MONDAY + timedelta(hours=n)) for n in range(20)])
    assert len(first) == 1  # one alert per window, not one per item over the threshold
    next_week = feed(engine, [negative(MONDAY + WEEK + timedelta(hours=n)) for n in range(80)])
    assert next_week == []  # 80 >= 3 x 5 but within the 14-day silence
    later = feed(engine, [negative(MONDAY + 2 * WEEK + timedelta(hours=n)) for n in range(100)])
    assert len(later) == 1 and later[0].window_start == MONDAY + 2 * WEEK


def test_spike_keys_are_independent(make_engine) -> None:
    engine = make_engine(RULE)
    items = [
        negative(
            MONDAY + timedelta(hours=n),
            statements=("safe.safeguarding", "caring.kindness_compassion_dignity"),
        )
        for n in range(5)
    ]
    alerts = feed(engine, items)
    assert {alert.key.quality_statement for alert in alerts} == {
        "safe.safeguarding",
        "caring.kindness_compassion_dignity",
    }
    assert len({alert.alert_id for alert in alerts}) == 2
    assert all(isinstance(alert.alert_id, UUID) for alert in alerts)


def test_spike_ignores_items_older_than_the_retained_windows(make_engine) -> None:
    engine = make_engine(RULE)
    feed(engine, [negative(MONDAY)])
    ancient = MONDAY - 10 * WEEK
    assert feed(engine, [negative(ancient + timedelta(hours=n)) for n in range(10)]) == []
