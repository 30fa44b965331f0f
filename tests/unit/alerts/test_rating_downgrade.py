"""Rating downgrade: a worse rating than the previous one, given or remembered, alerts once."""

from __future__ import annotations

from alerts_factories import at, inspection

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
    assert alert.query["source_type"] == "inspection_result"


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
    engine.run(inspection(at("2023-01-01"), Rating.OUTSTANDING))  # late, older report
    assert engine.run(inspection(at("2025-09-01"), Rating.GOOD)) == []
