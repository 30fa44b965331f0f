"""Rating downgrade: a worse rating than the previous one, given or remembered, alerts once."""

from __future__ import annotations

from factories.alerts import at, inspection

from schemas.alerts import AlertRuleKind, AlertSeverity
from schemas.common import KeyQuestion, Rating

RULE = "rules:\n  - {id: downgrade, kind: rating_downgrade}\n"


def test_downgrade_from_previous_rating_alerts(make_engine) -> None:
    engine = make_engine(RULE)
    [alert] = engine.run(inspection(at("2025-06-02"), Rating.REQUIRES_IMPROVEMENT, previous=Rating.GOOD))
    assert alert.rule_kind == AlertRuleKind.RATING_DOWNGRADE
    assert alert.severity == AlertSeverity.HIGH
    assert alert.reason == (
        "Overall rating of Sunnyside Care Home (1-000000001) fell from Good to Requires improvement "
        "(published 2025-06-02)"
    )
    assert alert.counts == {"previous_rank": 1, "rank": 2}
    assert alert.query["location_id"] == "1-000000001"
    assert alert.query["evidence_kind"] == "inspection_result"


def test_downgrade_from_remembered_rating_alerts_per_key_question(make_engine) -> None:
    engine = make_engine(RULE)
    assert engine.run(inspection(at("2024-03-01"), Rating.GOOD, key_question=KeyQuestion.SAFE)) == []
    assert engine.run(inspection(at("2024-03-01"), Rating.GOOD)) == []
    [safe] = engine.run(inspection(at("2025-06-02"), Rating.INADEQUATE, key_question=KeyQuestion.SAFE))
    [overall] = engine.run(inspection(at("2025-06-02"), Rating.REQUIRES_IMPROVEMENT))
    assert safe.severity == AlertSeverity.CRITICAL
    assert safe.reason.startswith(
        "Safe rating of Sunnyside Care Home (1-000000001) fell from Good to Inadequate"
    )
    assert safe.query["key_question"] == "safe"
    assert safe.alert_id != overall.alert_id


def test_downgrade_no_alert_for_upgrade_same_or_unrated(make_engine) -> None:
    engine = make_engine(RULE)
    assert engine.run(inspection(at("2025-01-01"), Rating.GOOD, previous=Rating.REQUIRES_IMPROVEMENT)) == []
    assert engine.run(inspection(at("2025-02-01"), Rating.GOOD)) == []
    assert engine.run(inspection(at("2025-03-01"), Rating.INSPECTED_NOT_RATED)) == []
    assert engine.run(inspection(at("2025-04-01"), Rating.GOOD, previous=Rating.NO_PUBLISHED_RATING)) == []


def test_downgrade_same_report_alerts_once(make_engine) -> None:
    engine = make_engine(RULE)
    report = inspection(at("2025-06-02"), Rating.INADEQUATE, previous=Rating.GOOD)
    assert len(engine.run(report)) == 1
    assert engine.run(report) == []


def test_downgrade_older_report_does_not_overwrite_newer_rating(make_engine) -> None:
    engine = make_engine(RULE)
    engine.run(inspection(at("2025-06-02"), Rating.GOOD))
    engine.run(inspection(at("2023-01-01"), Rating.GOOD))  # late, older report
    assert engine.run(inspection(at("2025-09-01"), Rating.GOOD)) == []


def test_downgrade_is_the_same_alert_whichever_report_arrives_first(make_engine) -> None:
    older = inspection(at("2025-01-06"), Rating.GOOD, location_id="1-88")
    newer = inspection(at("2025-06-02"), Rating.INADEQUATE, location_id="1-88")
    in_order = make_engine(RULE)
    assert in_order.run(older) == []
    [expected] = in_order.run(newer)
    reversed_order = make_engine(RULE)
    assert reversed_order.run(newer) == []
    assert reversed_order.run(older) == [expected]
    assert reversed_order.run(older) == [] and reversed_order.run(newer) == []


def test_downgrade_late_report_between_two_is_judged_on_both_sides(make_engine) -> None:
    engine = make_engine(RULE)
    assert engine.run(inspection(at("2023-01-01"), Rating.OUTSTANDING)) == []
    [first] = engine.run(inspection(at("2025-01-01"), Rating.INADEQUATE))
    assert "fell from Outstanding to Inadequate" in first.reason
    [late] = engine.run(inspection(at("2024-01-01"), Rating.REQUIRES_IMPROVEMENT))
    assert "fell from Outstanding to Requires improvement (published 2024-01-01)" in late.reason


def test_downgrade_successor_that_carried_its_previous_rating_is_not_judged_again(make_engine) -> None:
    engine = make_engine(RULE)
    assert engine.run(inspection(at("2025-06-02"), Rating.GOOD, previous=Rating.REQUIRES_IMPROVEMENT)) == []
    assert engine.run(inspection(at("2025-01-01"), Rating.OUTSTANDING)) == []
