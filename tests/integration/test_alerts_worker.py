"""The alerts worker against the real broker: rules fire once each, poison goes to the DLQ, keys stay put."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from factories.alerts import (
    LEEDS,
    MANCHESTER,
    TEST_RULES,
    AlertReader,
    alerts_worker,
    at,
    classified,
    high_severity,
    inspection,
    negative,
    produce,
)
from kafka import KafkaProducer

from schemas.alerts import AlertRaised
from schemas.common import Rating
from schemas.evidence import SourceType
from services.alerts.topics import OBSERVATIONS_TOPIC
from services.common.config import CommonSettings

pytestmark = pytest.mark.integration

WEEK = timedelta(days=7)
W0 = at("2025-05-05", hour=0)  # Monday


def scenario() -> tuple[list, list]:
    """Evidence in event-time order, and 'clock' items that move every partition past the flatline week.

    Each rule has a case that must alert once (spike, severe, downgrade, flat, newterm), a case that must not,
    and a repeat inside its silence that must not alert again.
    """
    feeding = [
        classified(
            occurred_at=W0 + WEEK * week + timedelta(hours=n),
            area=LEEDS,
            source_type=SourceType.CALL_CENTRE_NOTE,
        )
        for week in range(2)
        for n in range(3)
    ]
    # seven negatives: the fifth alerts, the sixth and seventh are inside the same alert's window
    spike = [negative(W0 + 2 * WEEK + timedelta(hours=n)) for n in range(7)]
    quiet = [negative(W0 + 2 * WEEK + timedelta(hours=n), area=LEEDS) for n in range(2)]  # below min_count
    severe = [
        high_severity(W0 + 2 * WEEK + timedelta(days=1), reasons=("abuse",), location_id="1-77"),
        high_severity(W0 + 2 * WEEK + timedelta(days=1, hours=3), location_id="1-77"),  # silenced
    ]
    ratings = [
        inspection(W0 + WEEK, Rating.GOOD, location_id="1-88"),
        inspection(W0 + WEEK, Rating.REQUIRES_IMPROVEMENT, location_id="1-99"),
        inspection(W0 + 2 * WEEK, Rating.INADEQUATE, location_id="1-88"),
        inspection(W0 + 2 * WEEK, Rating.GOOD, location_id="1-99"),  # an upgrade
    ]
    republished = inspection(W0 + 2 * WEEK, Rating.INADEQUATE, location_id="1-88")  # the same report again
    usual = "the staff be kind but the home be short staff"
    new_term_baseline = [
        negative(W0 + WEEK * week + timedelta(hours=n), area=MANCHESTER, lemmas=usual)
        for week in range(2)
        for n in range(3)
    ]
    # 'scabies' in four items (the fourth is silenced), 'legionella' in only two
    new_terms = [
        negative(W0 + 2 * WEEK + timedelta(hours=n), area=MANCHESTER, lemmas=f"{usual} scabies {extra}")
        for n, extra in enumerate(["legionella", "legionella", "", ""])
    ]
    clock = [classified(occurred_at=W0 + 3 * WEEK + timedelta(hours=1)) for _ in range(6)]
    return (
        feeding
        + new_term_baseline
        + ratings[:2]
        + spike
        + quiet
        + severe
        + ratings[2:]
        + [republished]
        + new_terms,
        clock,
    )


def test_alerts_worker_raises_each_expected_alert_once(settings: CommonSettings, tmp_path: Path) -> None:
    with alerts_worker(settings, tmp_path, TEST_RULES) as worker:
        reader = worker.alerts
        events, clock = scenario()
        produce(settings, events)
        producer = KafkaProducer(**settings.kafka_options())
        producer.send(settings.topic("evidence.classified.v1"), key=b"bad", value=b"{not json", partition=0)
        producer.flush()
        producer.close()
        for partition, item in enumerate(clock):
            produce(settings, [item], partition=partition)

        expected = {"spike", "severe", "downgrade", "flat", "newterm"}
        records = reader.poll_until(lambda got: {json.loads(r.value)["rule_id"] for r in got} >= expected)
        records = reader.drain(quiet_s=2.0)
        alerts = [AlertRaised.model_validate_json(record.value) for record in records]
        assert sorted(alert.rule_id for alert in alerts) == sorted(expected), [a.reason for a in alerts]
        by_rule = {alert.rule_id: alert for alert in alerts}
        assert by_rule["spike"].key.code == "E08000004"
        assert by_rule["spike"].counts["count"] == 5
        assert by_rule["spike"].reason.startswith("5 negative items about Oldham in the week of 2025-05-19")
        assert by_rule["severe"].key.code == "1-77"
        assert by_rule["newterm"].reason.startswith("'scabies' is used by 3 negative items about Manchester")
        assert by_rule["downgrade"].reason.startswith(
            "Overall rating of Sunnyside Care Home (1-88) fell from Good"
        )
        assert (
            by_rule["flat"].key.code == "E08000035" and by_rule["flat"].key.source_type == "call_centre_note"
        )
        for record in records:
            assert record.key == str(json.loads(record.value)["alert_id"]).encode()
            headers = dict(record.headers)
            assert headers["ce_type"] == b"uk.caresignal.alert.raised.v1"

        dlq_reader = AlertReader(settings, topic="evidence.classified.v1.dlq")
        dead = dlq_reader.poll_until(lambda got: len(got) >= 1)
        dlq_reader.close()
        assert len(dead) == 1
        dead_headers = dict(dead[0].headers)
        assert dead_headers["x-stage"] == b"alerts"
        assert dead_headers["x-source-topic"] == settings.topic("evidence.classified.v1").encode()
        assert worker.process.poll() is None, "the worker must keep running after a poison message"

        observations_reader = AlertReader(settings, topic=OBSERVATIONS_TOPIC)
        observations = observations_reader.drain(quiet_s=1.0)
        observations_reader.close()
        partitions_of_key: dict[bytes, set[int]] = defaultdict(set)
        for record in observations:
            if record.key is not None:
                partitions_of_key[record.key].add(record.partition)
        assert partitions_of_key and all(len(parts) == 1 for parts in partitions_of_key.values())
