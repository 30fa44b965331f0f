"""Each worker's Prometheus page on the real pipeline: items processed per input topic, dead letters by
reason, batch and bulk latency, the breaker's state and consumer lag per partition."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest
from elasticsearch import Elasticsearch
from factories.pipeline import ingest_samples, pipeline_workers, wait_for_documents
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from schemas.topics import Topic
from services.common.config import CommonSettings
from services.common.kafka import create_producer

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scrape(port: int) -> list[Sample]:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return [sample for family in text_string_to_metric_families(text) for sample in family.samples]


def total(samples: list[Sample], name: str, **labels: str) -> float:
    return sum(
        s.value for s in samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def wait_for(port: int, name: str, timeout_s: float = 120, **labels: str) -> list[Sample]:
    """Scrape until a sample `name` with `labels` is above zero; returns that scrape."""
    deadline, samples = time.monotonic() + timeout_s, []
    while time.monotonic() < deadline:
        try:
            samples = scrape(port)
        except httpx.TransportError:
            samples = []
        if total(samples, name, **labels) > 0:
            return samples
        time.sleep(1)
    raise AssertionError(f"no {name}{labels} on :{port} within {timeout_s}s")


def test_every_worker_serves_its_processing_metrics(
    settings: CommonSettings, es: Elasticsearch, tmp_path: Path
) -> None:
    ports = {"classify": free_port(), "index": free_port(), "alerts": free_port()}
    env = {
        "CARESIGNAL_STATE_DIR": str(tmp_path / "state"),
        "CARESIGNAL_CLASSIFY_WEB_PORT": str(ports["classify"]),
        "CARESIGNAL_INDEX_METRICS_ENABLED": "true",
        "CARESIGNAL_INDEX_METRICS_PORT": str(ports["index"]),
        "CARESIGNAL_ALERTS_WEB_PORT": str(ports["alerts"]),
    }
    received = settings.topic(Topic.EVIDENCE_RECEIVED)
    classified = settings.topic(Topic.EVIDENCE_CLASSIFIED)
    with pipeline_workers(
        settings, tmp_path, ["classify-worker"], ["index-worker"], ["alerts-worker"], env=env
    ):
        accepted = ingest_samples(settings, tmp_path / "ingest")
        producer = create_producer(settings)
        producer.send(received, key=b"poison", value=b"not json").get(timeout=30)
        producer.close()
        counts = wait_for_documents(es, settings.index("evidence"), accepted)
        assert all(counts.get(source) == number for source, number in accepted.items()), counts

        classify = wait_for(ports["classify"], "caresignal_dead_letters_total", service="classify")
        assert (
            total(classify, "caresignal_dead_letters_total", service="classify", reason="ValidationError")
            == 1
        )
        done = total(classify, "caresignal_items_processed_total", topic=received, outcome="done")
        assert done >= sum(accepted.values())
        assert (
            total(classify, "caresignal_items_processed_total", topic=received, outcome="dead_lettered") == 1
        )
        assert total(classify, "caresignal_batch_seconds_count", service="classify") > 0
        assert total(classify, "caresignal_breaker_open", service="classify") == 0
        lag = [s for s in classify if s.name == "caresignal_consumer_lag" and s.labels["topic"] == received]
        assert {s.labels["partition"] for s in lag} == {str(p) for p in range(6)}  # one worker: all six

        index = wait_for(ports["index"], "caresignal_items_processed_total", topic=classified)
        assert total(index, "caresignal_items_processed_total", topic=classified) >= sum(accepted.values())
        assert total(index, "caresignal_bulk_seconds_count", service="index") > 0
        assert total(index, "caresignal_breaker_open", service="index") == 0
        index_lag = {s.labels["topic"] for s in index if s.name == "caresignal_consumer_lag"}
        assert classified in index_lag

        alerts = wait_for(ports["alerts"], "caresignal_items_processed_total", topic=classified)
        assert total(alerts, "caresignal_items_processed_total", topic=classified, outcome="done") > 0
        assert any(s.name == "caresignal_consumer_lag" and s.labels["topic"] == classified for s in alerts)
