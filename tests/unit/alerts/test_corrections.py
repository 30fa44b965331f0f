"""Analysts' corrections as the alert rules see them: the corrected labels, each item counted once."""

from __future__ import annotations

from datetime import timedelta

from factories.alerts import at, classified, high_severity, negative
from factories.corrections import corrected

from schemas import CorrectionChange
from schemas.evidence import SentimentLabel, SeverityLevel
from services.alerts.domain import Observation, Withdrawal

RULES = """
rules:
  - {id: spike, kind: spike, by_quality_statement: true, window: 7d, baseline_windows: 4, ratio: 3.0,
     min_count: 5, baseline_floor: 1.0, silence: 14d}
  - {id: severe, kind: severity, levels: [location, local_authority], silence: 1d}
  - {id: flat, kind: flatline, baseline_windows: 2, min_per_window: 2}
"""
MONDAY = at("2025-06-02", hour=0)
LATER = at("2025-06-20")  # when analysts correct


def test_corrections_an_item_corrected_to_negative_is_counted_and_completes_a_spike(make_engine) -> None:
    engine = make_engine(RULES)
    negatives = [negative(MONDAY + timedelta(hours=n)) for n in range(4)]
    misread = classified(occurred_at=MONDAY + timedelta(hours=5), sentiment=SentimentLabel.POSITIVE)
    assert [alert for item in [*negatives, misread] for alert in engine.run(item)] == []  # four negatives

    correction = corrected(misread, CorrectionChange(sentiment=SentimentLabel.NEGATIVE), LATER)
    [alert] = engine.correct(correction)
    assert alert.rule_id == "spike" and alert.counts["count"] == 5
    assert misread.evidence_id in alert.evidence_ids
    assert alert.window_start == MONDAY  # counted as of when it occurred, not when it was corrected
    assert engine.correct(correction) == []  # redelivered: counted once


def test_corrections_an_item_already_counted_is_not_counted_again(make_engine) -> None:
    engine = make_engine(RULES)
    items = [negative(MONDAY + timedelta(hours=n)) for n in range(5)]
    [spike] = [alert for item in items for alert in engine.run(item)]
    change = CorrectionChange(sentiment=SentimentLabel.NEGATIVE, severity=SeverityLevel.NORMAL)
    assert engine.correct(corrected(items[0], change, LATER)) == []
    state = engine.states[f"spike|{spike.key.as_string()}"]
    assert sum(len(ids) for ids in state["windows"].values()) == 5


def test_corrections_severity_set_high_alerts_once_and_an_alerted_item_does_not_alert_again(
    make_engine,
) -> None:
    engine = make_engine(RULES)
    quiet = classified(occurred_at=MONDAY, location_id="1-42")
    assert engine.run(quiet) == []
    change = CorrectionChange(severity=SeverityLevel.HIGH, severity_reasons=["safeguarding"])
    first = corrected(quiet, change, LATER)
    [alert] = engine.correct(first)
    assert alert.rule_id == "severe" and alert.evidence_ids == [quiet.evidence_id]
    assert alert.key.code == "1-42" and "(safeguarding)" in alert.reason
    then = corrected(quiet, CorrectionChange(sentiment=SentimentLabel.NEGATIVE), LATER, before=first)
    assert engine.correct(then) == []  # still high, already alerted

    severe = high_severity(MONDAY + timedelta(days=3), location_id="1-7")
    assert len(engine.run(severe)) == 1
    assert engine.correct(corrected(severe, CorrectionChange(sentiment=SentimentLabel.MIXED), LATER)) == []


def test_corrections_a_statement_added_is_observed_under_it_and_one_removed_is_not(make_engine) -> None:
    engine = make_engine(RULES)
    item = negative(MONDAY, statements=("safe.safeguarding",))
    change = CorrectionChange(
        add_quality_statements=["safe.medicines_optimisation"],
        remove_quality_statements=["safe.safeguarding"],
    )
    observed = engine.correction_observations(corrected(item, change, LATER))
    spike = [o for o in observed if o.rule_id == "spike"]
    assert {o.key.quality_statement for o in spike if isinstance(o, Observation)} == {
        "safe.medicines_optimisation"
    }
    assert {o.key.quality_statement for o in spike if isinstance(o, Withdrawal)} == {"safe.safeguarding"}


def test_corrections_rules_that_do_not_read_labels_ignore_them(make_engine) -> None:
    engine = make_engine(RULES)
    item = classified(occurred_at=MONDAY)
    assert "flat" in {o.rule_id for o in engine.observations(item)}
    correction = corrected(item, CorrectionChange(sentiment=SentimentLabel.NEGATIVE), LATER)
    observed = engine.correction_observations(correction)
    assert {o.rule_id for o in observed if isinstance(o, Observation)} == {"spike"}
    assert {o.rule_id for o in observed if isinstance(o, Withdrawal)} == {
        "severe"
    }  # not high: nothing to undo
