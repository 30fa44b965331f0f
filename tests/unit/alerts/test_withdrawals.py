"""A correction that takes an item out of what a rule counts: severity alerts withdrawn or corrected (who and
when, closed in the analyst's name, once), spikes no longer counting it, reopened when corrected back."""

from __future__ import annotations

from datetime import timedelta

from factories.alerts import GROUPED_SEVERITY_RULES, at, classified, high_severity, negative
from factories.corrections import corrected

from schemas import CorrectionChange
from schemas.alerts import AlertChange, AlertSeverity, AlertStatus
from schemas.evidence import SentimentLabel, SeverityLevel
from services.alerts.domain import closed_by_correction

SINGLE = """
rules:
  - {id: severe, kind: severity, levels: [location, local_authority], silence: 1d}
"""
SPIKE = """
rules:
  - {id: spike, kind: spike, window: 7d, baseline_windows: 2, ratio: 2.0, min_count: 3, baseline_floor: 1.0}
"""
MONDAY = at("2025-06-02", hour=0)
LATER = at("2025-06-20")
CLEAR = CorrectionChange(severity=SeverityLevel.NORMAL)
HIGH = CorrectionChange(severity=SeverityLevel.HIGH, severity_reasons=["neglect"])


def test_withdrawals_clearing_severity_withdraws_the_items_alert_once_and_closes_it_in_the_analysts_name(
    make_engine,
) -> None:
    engine = make_engine(SINGLE)
    item = high_severity(MONDAY, location_id="1-42")
    [raised] = engine.run(item)
    clearing = corrected(item, CLEAR, LATER, by="b.osei")

    [withdrawn] = engine.correct(clearing)
    assert (withdrawn.alert_id, withdrawn.version, withdrawn.change) == (
        raised.alert_id,
        2,
        AlertChange.WITHDRAWN,
    )
    assert withdrawn.counts["count"] == 0 and withdrawn.severity == raised.severity
    assert withdrawn.correction is not None
    assert (withdrawn.correction.by, withdrawn.correction.at) == ("b.osei", LATER)
    assert withdrawn.correction.correction_event_id == clearing.event_id
    assert "b.osei" in withdrawn.reason and "Withdrawn" in withdrawn.reason
    closing = closed_by_correction(withdrawn)
    assert closing is not None and closing.status == AlertStatus.CLOSED and closing.by == "b.osei"
    assert closing.alert_id == raised.alert_id and closing.at == LATER
    assert closing == closed_by_correction(withdrawn)  # deterministic: a redelivery closes it once
    assert closed_by_correction(raised) is None

    assert engine.correct(clearing) == []  # redelivered: withdrawn once
    [reopened] = engine.correct(corrected(item, HIGH, LATER + timedelta(hours=1), before=clearing))
    assert (reopened.alert_id, reopened.version, reopened.change) == (
        raised.alert_id,
        3,
        AlertChange.REOPENED,
    )


def test_withdrawals_a_withdrawn_alert_no_longer_silences_its_key(make_engine) -> None:
    engine = make_engine(SINGLE)
    first = high_severity(MONDAY, location_id="1-42")
    engine.run(first)
    engine.correct(corrected(first, CLEAR, LATER))
    [alert] = engine.run(high_severity(MONDAY + timedelta(hours=2), location_id="1-42"))
    assert alert.change == AlertChange.RAISED and alert.version == 1


def test_withdrawals_an_item_that_raised_nothing_changes_nothing(make_engine) -> None:
    engine = make_engine(SINGLE)
    engine.run(high_severity(MONDAY, location_id="1-42"))
    silenced = high_severity(MONDAY + timedelta(hours=1), location_id="1-42")
    assert engine.run(silenced) == []
    before = dict(engine.states)
    assert engine.correct(corrected(silenced, CLEAR, LATER)) == []
    assert engine.correct(corrected(classified(occurred_at=MONDAY), CLEAR, LATER)) == []
    assert engine.states == before


def test_withdrawals_a_groups_item_corrected_out_gives_a_corrected_version_then_withdrawn(
    make_engine,
) -> None:
    engine = make_engine(GROUPED_SEVERITY_RULES)
    items = [high_severity(MONDAY + timedelta(hours=n), ("neglect",), provider_id="1-P1") for n in range(3)]
    *_, escalated = [alert for item in items for alert in engine.run(item)]
    assert escalated.severity == AlertSeverity.CRITICAL and escalated.counts["count"] == 3

    first = corrected(items[0], CLEAR, LATER)
    [smaller] = engine.correct(first)
    assert (smaller.version, smaller.change, smaller.counts["count"]) == (4, AlertChange.CORRECTED, 2)
    assert smaller.severity == AlertSeverity.HIGH and smaller.previous_severity == AlertSeverity.CRITICAL
    assert items[0].evidence_id not in smaller.evidence_ids and smaller.reason_counts == {"neglect": 2}
    assert closed_by_correction(smaller) is None  # it still stands on two items
    assert engine.correct(first) == []

    for item in items[1:]:
        *_, last = engine.correct(corrected(item, CLEAR, LATER))
    assert (last.version, last.change, last.counts["count"], last.evidence_ids) == (
        6,
        AlertChange.WITHDRAWN,
        0,
        [],
    )
    assert closed_by_correction(last) is not None

    [back] = engine.correct(corrected(items[1], HIGH, LATER, before=None))
    assert (back.alert_id, back.version, back.change) == (escalated.alert_id, 7, AlertChange.REOPENED)


def test_withdrawals_an_item_that_paged_alone_has_its_alert_withdrawn(make_engine) -> None:
    engine = make_engine(GROUPED_SEVERITY_RULES)
    death = high_severity(MONDAY, ("death",), provider_id="1-P1")
    [paged] = engine.run(death)
    [withdrawn] = engine.correct(corrected(death, CLEAR, LATER))
    assert (withdrawn.alert_id, withdrawn.version, withdrawn.change) == (
        paged.alert_id,
        2,
        AlertChange.WITHDRAWN,
    )
    assert withdrawn.severity == AlertSeverity.CRITICAL


def test_withdrawals_a_spike_no_longer_counts_an_item_corrected_out_of_its_match(make_engine) -> None:
    engine = make_engine(SPIKE)
    items = [negative(MONDAY + timedelta(hours=n)) for n in range(2)]
    for item in items:
        assert engine.run(item) == []
    correction = corrected(items[0], CorrectionChange(sentiment=SentimentLabel.POSITIVE), LATER)
    assert engine.correct(correction) == []
    assert engine.run(negative(MONDAY + timedelta(hours=5))) == []  # two negatives left, below the minimum
    [spike] = engine.run(negative(MONDAY + timedelta(hours=6)))
    assert spike.counts["count"] == 3 and items[0].evidence_id not in spike.evidence_ids
