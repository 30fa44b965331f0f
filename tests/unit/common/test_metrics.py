"""Prometheus series shared by the services (services/common/metrics.py): the API's requests by route
template, dead letters by reason, the breaker's state, and consumer lag per partition."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiokafka.errors import IllegalStateError
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from services.api import ApiSettings, create_app
from services.common.dlq import DeadLetterBreaker, Origin, dead_letter
from services.common.errors import PoisonMessageError
from services.common.faust_metrics import consumer_lag
from services.common.metrics import CONSUMER_LAG, kafka_consumer_lag, record_lag


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_api_requests_are_counted_and_timed_by_route_template_and_status() -> None:
    app = create_app(ApiSettings(environment="dev"))  # no lifespan: no engine is reached
    app.state.audit = lambda event: None  # the audit trail (else every /v1 request fails closed: 503)
    client = TestClient(app)
    route = {"method": "GET", "route": "/v1/areas/{code}"}
    before = value("caresignal_http_requests_total", **route, status="401")
    timed = value("caresignal_http_request_seconds_count", **route)
    for code in ("E08000004", "Oldham", "E09000001"):
        assert client.get(f"/v1/areas/{code}").status_code == 401  # no key
    assert value("caresignal_http_requests_total", **route, status="401") == before + 3
    assert value("caresignal_http_request_seconds_count", **route) == timed + 3
    unmatched = value("caresignal_http_requests_total", method="GET", route="unmatched", status="404")
    client.get("/no/such/path")
    assert value("caresignal_http_requests_total", method="GET", route="unmatched", status="404") == (
        unmatched + 1
    )


def test_the_api_serves_the_registry_at_metrics_without_a_key() -> None:
    client = TestClient(create_app(ApiSettings(environment="dev")))
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = {family.name for family in text_string_to_metric_families(response.text)}
    assert {"caresignal_http_requests", "caresignal_http_request_seconds"} <= families
    assert "/metrics" not in create_app(ApiSettings(environment="dev")).openapi()["paths"]


def test_dead_letters_are_counted_by_service_and_reason() -> None:
    labels = {"service": "metrics-test", "reason": "ValidationError"}
    before = value("caresignal_dead_letters_total", **labels)
    for _ in range(2):
        dead_letter(
            b"{}", PoisonMessageError("bad", "ValidationError"), service="metrics-test", origin=Origin()
        )
    assert value("caresignal_dead_letters_total", **labels) == before + 2


def test_the_breaker_publishes_its_run_length_and_whether_it_is_open() -> None:
    breaker = DeadLetterBreaker(limit=2, service="breaker-test")
    breaker.record(True)
    assert value("caresignal_consecutive_dead_letters", service="breaker-test") == 1
    assert value("caresignal_breaker_open", service="breaker-test") == 0
    breaker.record(True)
    assert value("caresignal_breaker_open", service="breaker-test") == 1
    breaker.record(False)
    assert value("caresignal_breaker_open", service="breaker-test") == 0
    assert value("caresignal_consecutive_dead_letters", service="breaker-test") == 0


def lag_series(service: str) -> dict[tuple[str, str], float]:
    return {
        (s.labels["topic"], s.labels["partition"]): s.value
        for family in CONSUMER_LAG.collect()
        for s in family.samples
        if s.labels["service"] == service
    }


def test_lag_series_follow_the_assignment() -> None:
    record_lag("lag-test", {("t", 0): 5, ("t", 1): 0})
    record_lag("other-test", {("t", 0): 7})
    assert lag_series("lag-test") == {("t", "0"): 5, ("t", "1"): 0}
    record_lag("lag-test", {("t", 1): 3})  # partition 0 revoked
    assert lag_series("lag-test") == {("t", "1"): 3}
    assert lag_series("other-test") == {("t", "0"): 7}


@dataclass(frozen=True)
class FakePartition:
    topic: str
    partition: int


class FakeConsumer:
    """kafka-python's assignment/highwater/position, as a fetch left them."""

    def __init__(self) -> None:
        self.highwaters = {FakePartition("t", 0): 10, FakePartition("t", 1): None}
        self.positions = {FakePartition("t", 0): 4, FakePartition("t", 1): 0}

    def assignment(self) -> set[FakePartition]:
        return set(self.highwaters)

    def highwater(self, tp: FakePartition) -> int | None:
        return self.highwaters[tp]

    def position(self, tp: FakePartition) -> int:
        return self.positions[tp]


def test_kafka_consumer_lag_is_the_high_watermark_minus_the_position_of_fetched_partitions() -> None:
    assert kafka_consumer_lag(FakeConsumer()) == {("t", 0): 6}


class RevokingFaustConsumer:
    """faust's consumer during a rebalance: partition 1 is revoked between `assignment()` and `position()`."""

    def assignment(self) -> set[FakePartition]:
        return {FakePartition("t", 0), FakePartition("t", 1)}

    def highwater(self, tp: FakePartition) -> int:
        return 10

    async def position(self, tp: FakePartition) -> int:
        if tp.partition == 1:
            raise IllegalStateError(f"No current assignment for partition {tp}")
        return 4


@dataclass
class FakeMonitor:
    tp_committed_offsets: dict[FakePartition, int]


@dataclass
class FakeFaustApp:
    consumer: RevokingFaustConsumer
    monitor: FakeMonitor


def test_faust_consumer_lag_leaves_out_a_partition_revoked_while_it_is_read() -> None:
    app = FakeFaustApp(RevokingFaustConsumer(), FakeMonitor({}))
    assert asyncio.run(consumer_lag(app, {"t"})) == {("t", 0): 6}  # type: ignore[arg-type]
