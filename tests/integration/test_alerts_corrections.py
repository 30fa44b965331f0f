"""The alerts worker against the real broker uses analysts' corrections: an item corrected to negative
completes a spike, one corrected to high severity pages, and a redelivered correction raises nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from factories.alerts import (
    alerts_worker,
    at,
    classified,
    negative,
    produce,
)
from factories.corrections import corrected

from schemas import CorrectionChange, EvidenceCorrected, Topic
from schemas.alerts import AlertRaised
from schemas.evidence import SentimentLabel, SeverityLevel
from services.common.config import CommonSettings
from services.common.kafka import create_producer, event_message

pytestmark = pytest.mark.integration

RULES = """
rules:
  - {id: spike, kind: spike, window: 7d, baseline_windows: 2, ratio: 2.0, min_count: 3, baseline_floor: 1.0}
  - {id: severe, kind: severity, levels: [location, local_authority]}
"""
MONDAY = at("2025-06-02", hour=0)


def publish_corrections(settings: CommonSettings, corrections: list[EvidenceCorrected]) -> None:
    producer = create_producer(settings)
    try:
        for correction in corrections:
            message = event_message(correction, str(correction.evidence_id))
            producer.send(settings.topic(Topic.CORRECTIONS), **message)
        producer.flush(timeout=30)
    finally:
        producer.close()


def test_alerts_worker_applies_analysts_corrections(settings: CommonSettings, tmp_path: Path) -> None:
    with alerts_worker(settings, tmp_path, RULES) as worker:
        reader = worker.alerts
        negatives = [negative(MONDAY + timedelta(hours=n)) for n in range(2)]
        misread = classified(occurred_at=MONDAY + timedelta(hours=3), sentiment=SentimentLabel.POSITIVE)
        quiet = classified(occurred_at=MONDAY + timedelta(hours=4), location_id="1-42")
        produce(settings, [*negatives, misread, quiet])
        assert reader.drain(quiet_s=3.0) == []  # two negatives are below the spike's minimum

        now = at("2025-06-20")
        high = CorrectionChange(severity=SeverityLevel.HIGH, severity_reasons=["safeguarding"])
        corrections = [
            corrected(misread, CorrectionChange(sentiment=SentimentLabel.NEGATIVE), now),
            corrected(quiet, high, now),
        ]
        publish_corrections(settings, corrections)
        reader.poll_until(lambda got: {json.loads(r.value)["rule_id"] for r in got} >= {"spike", "severe"})
        publish_corrections(settings, corrections)  # redelivered: nothing more
        alerts = [AlertRaised.model_validate_json(record.value) for record in reader.drain(quiet_s=3.0)]

        assert sorted(alert.rule_id for alert in alerts) == ["severe", "spike"], [a.reason for a in alerts]
        by_rule = {alert.rule_id: alert for alert in alerts}
        assert by_rule["spike"].counts["count"] == 3
        assert set(by_rule["spike"].evidence_ids) == {item.evidence_id for item in [*negatives, misread]}
        assert by_rule["spike"].window_start == MONDAY
        assert by_rule["severe"].key.code == "1-42" and by_rule["severe"].evidence_ids == [quiet.evidence_id]
        assert worker.process.poll() is None
