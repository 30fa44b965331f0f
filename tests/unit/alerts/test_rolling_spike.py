"""Rolling spike rule: daily counts judged as items arrive against the key's own weekday-aware history."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from factories.alerts import LEEDS, at, negative

from schemas.alerts import AlertChange, AlertRuleKind, AlertSeverity
from schemas.evidence import DuplicateKind, Duplication
from services.alerts.domain import alert_id_for

DAY = timedelta(days=1)
MONDAY = at("2025-06-02", hour=0)  # judged days start here; history is the four weeks before
RULE = """
rules:
  - id: rolling
    kind: rolling_spike
    windows_days: [1]
    baseline_days: 28
    min_history_days: 14
    distribution: {distribution}
    weekly_pattern: {weekly}
    p_value: 0.001
    min_count: 5
    floor_per_day: 0.2
    escalate_ratio: 10.0
    update_growth: 0.5
    silence: 14d
"""


def rule(distribution: str = "poisson", weekly: str = "true") -> str:
    return RULE.format(distribution=distribution, weekly=weekly)


def feed(engine, items):
    return [alert for item in items for alert in engine.run(item)]


def day_of(start: datetime, count: int, **overrides):
    return [negative(start + timedelta(minutes=10 * n + 1), **overrides) for n in range(count)]


def history(per_weekday: int = 2, per_weekend_day: int = 2, days: int = 28, **overrides):
    items = []
    for back in range(days, 0, -1):
        day = MONDAY - DAY * back
        items += day_of(day, per_weekend_day if day.weekday() >= 5 else per_weekday, **overrides)
    return items


def test_rolling_spike_fires_on_the_item_that_makes_the_day_significant(make_engine) -> None:
    engine = make_engine(rule())
    assert feed(engine, history(per_weekday=1, per_weekend_day=1)) == []
    burst = day_of(MONDAY, 7)
    raised = [(n, alert) for n, item in enumerate(burst) for alert in engine.run(item)]
    assert [n for n, _ in raised] == [5]  # P(X >= 6 | 1/day) = 0.0006 < 0.001; P(X >= 5) = 0.004
    alert = raised[0][1]
    assert (
        alert.rule_kind == AlertRuleKind.SPIKE and alert.version == 1 and alert.change == AlertChange.RAISED
    )
    assert alert.alert_id == alert_id_for("rolling", alert.key.as_string(), MONDAY) == alert.event_id
    assert alert.window_start == MONDAY and alert.window_end == MONDAY + DAY
    assert alert.reason.startswith(
        "6 negative items about Oldham on Mon 2025-06-02, 6.0× the 1.0 its previous"
    )
    assert alert.counts["count"] == 6 and alert.counts["p_value"] < 0.001
    assert alert.evidence_ids[0] == burst[5].evidence_id


def test_rolling_spike_counts_copies_of_one_concern_once_across_the_days_of_a_window(make_engine) -> None:
    engine = make_engine(rule())
    feed(engine, history(per_weekday=1, per_weekend_day=1))
    first = negative(MONDAY + timedelta(minutes=1))
    copy = Duplication(cluster_id=first.evidence_id, kind=DuplicateKind.NEAR, similarity=0.9)
    copies = [
        negative(MONDAY + DAY * (n % 2) + timedelta(minutes=2 + n), duplication=copy) for n in range(30)
    ]
    assert feed(engine, [first, *copies]) == []  # 31 items over two days, one concern
    raised = feed(engine, day_of(MONDAY + DAY, 5))  # then distinct concerns: the count moves again
    assert raised and raised[0].counts["count"] == 6  # five distinct and the cluster, on Tuesday


def test_rolling_spike_knows_weekends_are_quieter(make_engine) -> None:
    saturday = MONDAY + 5 * DAY
    weekday_history = history(per_weekday=4, per_weekend_day=0)
    aware, blind = make_engine(rule(weekly="true")), make_engine(rule(weekly="false"))
    feed(aware, weekday_history)
    feed(blind, weekday_history)
    assert feed(blind, day_of(saturday, 6)) == []  # 6 against a flat ~2/day: not unusual
    [alert] = feed(aware, day_of(saturday, 6))  # 6 on a Saturday, when this key gets < 1, is
    assert "Sat 2025-06-07" in alert.reason


def test_rolling_spike_negative_binomial_allows_for_a_volatile_key(make_engine) -> None:
    volatile = [item for back in range(28, 0, -1) for item in day_of(MONDAY - DAY * back, 6 * (back % 2))]
    poisson = make_engine(rule("poisson", weekly="false"))
    negative_binomial = make_engine(rule("negative_binomial", weekly="false"))
    feed(poisson, volatile)
    feed(negative_binomial, volatile)
    assert feed(negative_binomial, day_of(MONDAY, 11)) == []  # 0 or 6 a day: 11 is within its swings
    assert len(feed(poisson, day_of(MONDAY, 11))) == 1  # P(X >= 11 | 3) = 0.0003 for a Poisson key


def test_rolling_spike_quiet_key_needs_the_minimum_volume(make_engine) -> None:
    engine = make_engine(rule())
    feed(engine, [negative(MONDAY - DAY * back) for back in (27, 20, 13, 6)])
    assert feed(engine, day_of(MONDAY, 4)) == []  # P(X >= 4 | 0.2) is tiny, but 4 < min_count
    assert len(feed(engine, day_of(MONDAY + timedelta(hours=12), 1))) == 1


def test_rolling_spike_new_key_waits_for_history_unless_told(make_engine) -> None:
    waits = make_engine(rule())
    assert feed(waits, day_of(MONDAY, 20)) == []
    judged = make_engine(rule().replace("min_history_days: 14", "min_history_days: 0"))
    alerts = feed(judged, day_of(MONDAY, 20))
    assert alerts[0].counts["count"] == 5 and len({alert.alert_id for alert in alerts}) == 1


def test_rolling_spike_counts_a_redelivered_item_once(make_engine) -> None:
    engine = make_engine(rule())
    feed(engine, history(per_weekday=1, per_weekend_day=1))
    item = negative(MONDAY + timedelta(hours=1))
    assert feed(engine, [item] * 10) == []


def test_rolling_spike_same_alert_whichever_order_within_the_day(make_engine) -> None:
    base = history(per_weekday=1, per_weekend_day=1)
    burst = day_of(MONDAY, 12) + day_of(MONDAY, 3, area=LEEDS)
    shuffled = list(burst)
    random.Random(3).shuffle(shuffled)
    results = []
    for order in (burst, shuffled):
        engine = make_engine(rule())
        feed(engine, base)
        alerts = feed(engine, order)
        results.append(({alert.alert_id for alert in alerts}, max(alert.counts["count"] for alert in alerts)))
    assert results[0] == results[1]
    assert len(results[0][0]) == 1


def test_rolling_spike_escalates_and_grows_as_one_alert_with_versions(make_engine) -> None:
    engine = make_engine(rule())
    feed(engine, history(per_weekday=1, per_weekend_day=1))
    alerts = feed(engine, day_of(MONDAY, 10))
    assert [(a.version, a.change, a.severity, a.counts["count"]) for a in alerts] == [
        (1, AlertChange.RAISED, AlertSeverity.HIGH, 6),
        (2, AlertChange.GROWN, AlertSeverity.HIGH, 9),  # 9 >= 6 x 1.5
        (3, AlertChange.ESCALATED, AlertSeverity.CRITICAL, 10),  # 10 = 10x the expected 1.0
    ]
    assert len({alert.alert_id for alert in alerts}) == 1
    assert len({alert.event_id for alert in alerts}) == 3
    assert alerts[2].previous_severity == AlertSeverity.HIGH and alerts[1].previous_severity is None
    assert alerts[2].reason.startswith("Escalated: 10 negative items")


def test_rolling_spike_reopens_after_a_quiet_day_within_the_silence(make_engine) -> None:
    engine = make_engine(rule())
    feed(engine, history(per_weekday=1, per_weekend_day=1))
    [first] = feed(engine, day_of(MONDAY, 6))
    assert feed(engine, day_of(MONDAY + DAY, 1)) == []  # a normal Tuesday: the episode clears
    [back] = feed(engine, day_of(MONDAY + 2 * DAY, 7))
    assert back.alert_id == first.alert_id and back.version == 2 and back.change == AlertChange.REOPENED
    assert back.window_start == MONDAY and back.window_end == MONDAY + 3 * DAY
    assert back.reason.startswith("Back after a quiet day: ")


def test_rolling_spike_continuing_days_update_only_when_worse(make_engine) -> None:
    engine = make_engine(rule())
    feed(engine, history(per_weekday=1, per_weekend_day=1))
    assert len(feed(engine, day_of(MONDAY, 6))) == 1
    assert feed(engine, day_of(MONDAY + DAY, 7)) == []  # significant again, not 1.5x worse: no version


def test_rolling_spike_after_the_silence_is_a_new_alert(make_engine) -> None:
    engine = make_engine(rule())
    feed(engine, history(per_weekday=1, per_weekend_day=1, days=28))
    [first] = feed(engine, day_of(MONDAY, 6))
    later = MONDAY + 15 * DAY
    for back in range(14, 0, -1):
        feed(engine, day_of(later - DAY * back, 1))
    [second] = feed(engine, day_of(later, 7))
    assert second.alert_id != first.alert_id and second.version == 1
