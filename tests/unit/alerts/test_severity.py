"""Severity rule: one high-severity item alerts at once; the same key stays quiet for the silence."""

from __future__ import annotations

from datetime import timedelta

from factories.alerts import at, high_severity, negative

from schemas.alerts import AlertRuleKind, AlertSeverity

RULE = """
rules:
  - {id: severe, kind: severity, levels: [location, local_authority], silence: 1d}
"""


def test_severity_single_item_alerts_at_once(make_engine) -> None:
    engine = make_engine(RULE)
    item = high_severity(
        at("2025-06-03"), reasons=("safeguarding", "abuse"), location_id="1-42", location_name="Oak House"
    )
    [alert] = engine.run(item)
    assert alert.rule_kind == AlertRuleKind.SEVERITY
    assert alert.severity == AlertSeverity.CRITICAL
    assert alert.key.level == "location" and alert.key.code == "1-42"
    assert (
        alert.reason
        == "High-severity healthwatch feedback about Oak House (1-42) on 2025-06-03 (safeguarding, abuse)"
    )
    assert alert.evidence_ids == [item.evidence_id]
    assert alert.query["location_id"] == "1-42" and alert.query["severity"] == "high"


def test_severity_falls_back_to_the_local_authority(make_engine) -> None:
    [alert] = make_engine(RULE).run(high_severity(at("2025-06-03")))
    assert alert.key.level == "local_authority" and alert.key.code == "E08000004"
    assert alert.query["local_authority"] == "E08000004"


def test_severity_normal_items_do_not_alert(make_engine) -> None:
    engine = make_engine(RULE)
    assert [
        alert for n in range(20) for alert in engine.run(negative(at("2025-06-03") + timedelta(hours=n)))
    ] == []


def test_severity_reasons_filter(make_engine) -> None:
    engine = make_engine("rules:\n  - {id: s, kind: severity, reasons: [death]}\n")
    assert engine.run(high_severity(at("2025-06-03"), reasons=("safeguarding",))) == []
    assert len(engine.run(high_severity(at("2025-06-03"), reasons=("death",)))) == 1


def test_severity_is_silenced_for_the_same_key(make_engine) -> None:
    engine = make_engine(RULE)
    first = high_severity(at("2025-06-03", hour=9), location_id="1-42")
    assert len(engine.run(first)) == 1
    assert engine.run(first) == []  # redelivered
    assert engine.run(high_severity(at("2025-06-03", hour=20), location_id="1-42")) == []
    assert len(engine.run(high_severity(at("2025-06-03", hour=21), location_id="1-7"))) == 1
    assert len(engine.run(high_severity(at("2025-06-05"), location_id="1-42"))) == 1
