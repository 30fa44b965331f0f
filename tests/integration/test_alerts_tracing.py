"""An alert continues the trace of the evidence item that raised it: the W3C `traceparent` on
evidence.classified.v1 reaches the alert on alerts.raised.v1 through the worker's two stages."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories.alerts import TEST_RULES, alerts_worker, at, high_severity

from services.common.config import CommonSettings
from services.common.kafka import create_producer, event_message

pytestmark = pytest.mark.integration

TRACE_ID, INTAKE_SPAN = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


def traceparent(headers: list[tuple[str, bytes]]) -> tuple[str, str] | None:
    values = [value.decode() for name, value in headers if name == "traceparent"]
    if not values:
        return None
    _, trace_id, span_id, _ = values[0].split("-")
    return trace_id, span_id


def test_an_alert_continues_the_trace_of_the_item_that_raised_it(settings: CommonSettings, tmp_path: Path):
    traced = high_severity(at("2025-05-06"), location_id="1-77")
    message = event_message(traced, str(traced.evidence_id))
    message["headers"] = [*message["headers"], ("traceparent", f"00-{TRACE_ID}-{INTAKE_SPAN}-01".encode())]
    with alerts_worker(settings, tmp_path, TEST_RULES) as worker:
        producer = create_producer(settings)
        producer.send(settings.topic("evidence.classified.v1"), **message)
        producer.flush(timeout=30)
        producer.close()
        records = worker.alerts.poll_until(lambda found: len(found) >= 1, deadline_s=60)
    for record in records:
        found = traceparent(record.headers)
        assert found is not None, record.headers
        trace_id, span_id = found
        assert trace_id == TRACE_ID and span_id != INTAKE_SPAN
