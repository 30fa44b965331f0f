"""Prometheus metrics every service shares, defined once on `prometheus_client`'s default registry.

Workers count what they settle (`items_processed`, by outcome), the dead-letter toolkit counts dead
letters by reason and publishes its breaker's state, the index worker times its bulk requests, and
each consumer records its lag per partition. The API counts requests by route template (never the raw
path, so ids do not explode the series). `serve` starts the plain HTTP server of a kafka-python worker;
faust workers expose the same registry on their own web server (`services/common/faust_metrics.py`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

ITEMS_PROCESSED = Counter(
    "caresignal_items_processed",
    "Messages a worker settled, by input topic and outcome (done, superseded, dead_lettered).",
    ["service", "topic", "outcome"],
)
DEAD_LETTERS = Counter(
    "caresignal_dead_letters",
    "Dead letters built, by service and reason (the PoisonMessageError's error type).",
    ["service", "reason"],
)
BREAKER_OPEN = Gauge(
    "caresignal_breaker_open", "1 while the dead-letter breaker is open (the worker stops).", ["service"]
)
CONSECUTIVE_DEAD_LETTERS = Gauge(
    "caresignal_consecutive_dead_letters",
    "Messages dead-lettered in a row (the breaker opens at its limit).",
    ["service"],
)
BATCH_SECONDS = Histogram(
    "caresignal_batch_seconds",
    "Time to settle one batch (process, write, dead-letter, commit).",
    ["service"],
    buckets=LATENCY_BUCKETS,
)
BULK_SECONDS = Histogram(
    "caresignal_bulk_seconds",
    "Duration of one Elasticsearch bulk request.",
    ["service"],
    buckets=LATENCY_BUCKETS,
)
CONSUMER_LAG = Gauge(
    "caresignal_consumer_lag",
    "Messages behind the end of each partition this worker consumes.",
    ["service", "topic", "partition"],
)
HTTP_REQUESTS = Counter(
    "caresignal_http_requests",
    "HTTP requests served, by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "caresignal_http_request_seconds",
    "Time to serve an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)


def count_items(service: str, topic: str, outcomes: Iterable[str]) -> None:
    """Count settled messages of one input topic by outcome."""
    for outcome in outcomes:
        ITEMS_PROCESSED.labels(service, topic, outcome).inc()


def record_lag(service: str, lag: dict[tuple[str, int], int]) -> None:
    """Replace this service's lag series with `lag` ((topic, partition) → messages behind); partitions
    revoked since the last call disappear instead of reporting a stale value."""
    wanted = {(service, topic, str(partition)) for topic, partition in lag}
    for labels in list(_lag_series()):
        if labels[0] == service and labels not in wanted:
            CONSUMER_LAG.remove(*labels)
    for (topic, partition), behind in lag.items():
        CONSUMER_LAG.labels(service, topic, str(partition)).set(max(behind, 0))


def _lag_series() -> Iterable[tuple[str, str, str]]:
    for family in CONSUMER_LAG.collect():
        for sample in family.samples:
            yield sample.labels["service"], sample.labels["topic"], sample.labels["partition"]


def kafka_consumer_lag(consumer: Any) -> dict[tuple[str, int], int]:
    """Lag of each partition assigned to a kafka-python consumer: the high watermark its last fetch saw
    minus its position (partitions not fetched yet are left out). Call from the consumer's own thread."""
    lag: dict[tuple[str, int], int] = {}
    for tp in consumer.assignment():
        highwater = consumer.highwater(tp)
        if highwater is not None:
            lag[(tp.topic, tp.partition)] = highwater - consumer.position(tp)
    return lag


def serve(port: int, host: str) -> None:
    """Serve the default registry at http://host:port/metrics from a daemon thread."""
    start_http_server(port, addr=host)


def exposition() -> tuple[bytes, str]:
    """The default registry in the text format, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Scope]]
Send = Callable[[Scope], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


class RequestMetrics:
    """ASGI middleware: count and time each HTTP request by its route template (`/v1/areas/{code}`);
    requests no route matched are labelled `unmatched`."""

    def __init__(self, app: Asgi) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}

        async def send_recording_status(message: Scope) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            route = _route_template(scope)
            HTTP_SECONDS.labels(scope["method"], route).observe(time.perf_counter() - started)
            HTTP_REQUESTS.labels(scope["method"], route, str(status["code"])).inc()


def _route_template(scope: Scope) -> str:
    """The path template of the route the router matched (starlette records it in the scope)."""
    return getattr(scope.get("route"), "path", "unmatched")
