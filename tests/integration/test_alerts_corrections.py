"""The alerts worker against the real broker uses analysts' corrections: an item corrected to negative
completes a spike, one corrected to high severity pages, and a redelivered correction raises nothing; an
item whose high severity is cleared has its alert withdrawn and closed in the analyst's name (indexed as
closed, with who and when), once however often the correction is delivered, and reopened when corrected
back."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from factories.alerts import (
    AlertReader,
    alerts_worker,
    at,
    classified,
    high_severity,
    negative,
    produce,
)
from factories.corrections import corrected
from factories.waiting import wait_until

from schemas import AlertStatusChanged, CorrectionChange, EvidenceCorrected, Topic
from schemas.alerts import AlertChange, AlertRaised, AlertStatus
from schemas.evidence import SentimentLabel, SeverityLevel
from services.alerts import lifecycle
from services.common.config import CommonSettings
from services.common.indices import Names
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


def test_alerts_worker_withdraws_an_alert_whose_evidence_an_analyst_corrected_once(
    settings: CommonSettings, tmp_path: Path, es: Elasticsearch, indexer: None
) -> None:
    statuses = AlertReader(settings, Topic.ALERTS_STATUS)
    try:
        with alerts_worker(settings, tmp_path, RULES) as worker:
            reader = worker.alerts
            item = high_severity(MONDAY, location_id="1-77")
            produce(settings, [item])
            [raised] = [AlertRaised.model_validate_json(r.value) for r in reader.poll_until(lambda got: got)]

            clearing = corrected(
                item, CorrectionChange(severity=SeverityLevel.NORMAL), at("2025-06-20"), by="b.osei"
            )
            publish_corrections(settings, [clearing, clearing])  # delivered twice
            statuses.poll_until(lambda got: got)
            reader.drain(quiet_s=3.0)
            closings = [AlertStatusChanged.model_validate_json(r.value) for r in statuses.drain(quiet_s=1.0)]
            alerts = [AlertRaised.model_validate_json(record.value) for record in reader.records]

            assert [(a.alert_id, a.version, a.change) for a in alerts] == [
                (raised.alert_id, 1, AlertChange.RAISED),
                (raised.alert_id, 2, AlertChange.WITHDRAWN),
            ]
            withdrawn = alerts[1]
            assert withdrawn.correction is not None and withdrawn.correction.by == "b.osei"
            assert withdrawn.correction.correction_event_id == clearing.event_id
            assert [(c.alert_id, c.status, c.by, c.at) for c in closings] == [
                (raised.alert_id, AlertStatus.CLOSED, "b.osei", clearing.occurred_at)
            ]

            names = Names(settings)

            def indexed_closed() -> bool:
                try:
                    view = lifecycle.get_alert(es, names, raised.alert_id)
                except Exception:  # noqa: BLE001 - not indexed yet
                    return False
                return view.version == 2 and view.status == AlertStatus.CLOSED

            wait_until(indexed_closed, what="the withdrawn alert indexed as closed")
            view = lifecycle.get_alert(es, names, raised.alert_id)
            assert (view.change, view.status_by, view.counts["count"]) == (AlertChange.WITHDRAWN, "b.osei", 0)
            assert [(h.status, h.by) for h in view.history] == [(AlertStatus.CLOSED, "b.osei")]
            assert "Withdrawn" in (view.status_note or "")

            back = CorrectionChange(severity=SeverityLevel.HIGH, severity_reasons=["neglect"])
            publish_corrections(settings, [corrected(item, back, at("2025-06-21"), before=clearing)])
            reader.poll_until(lambda got: len(got) == 3)
            [reopened] = [AlertRaised.model_validate_json(r.value) for r in reader.drain(quiet_s=3.0)[2:]]
            assert (reopened.alert_id, reopened.version, reopened.change) == (
                raised.alert_id,
                3,
                AlertChange.REOPENED,
            )
            wait_until(
                lambda: lifecycle.get_alert(es, names, raised.alert_id).status == AlertStatus.OPEN,
                what="the reopened alert indexed as open",
            )
            assert worker.process.poll() is None
    finally:
        statuses.close()
