"""The classify worker as a process for integration tests: starting it, producing to and draining topics."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from kafka import KafkaConsumer
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from factories.waiting import wait_until
from schemas.common import Event
from schemas.evidence import EvidenceReceived
from services.classify.config import ClassifySettings
from services.classify.registry import InstalledModel, ModelNotFoundError, active_model
from services.common.config import CommonSettings
from services.common.kafka import create_consumer, create_producer, event_message

REPO = Path(__file__).resolve().parents[2]


def require_model() -> InstalledModel:
    """The trained pipeline the worker loads; integration tests never run a fake analyser."""
    try:
        return active_model(ClassifySettings())
    except ModelNotFoundError as error:
        pytest.fail(f"{error}: run `make model` first")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def samples(self, name: str) -> list[Sample]:
        """The samples called `name` on the worker's /metrics page (none when unreachable)."""
        try:
            text = httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=2).text
        except httpx.HTTPError:
            return []
        families = text_string_to_metric_families(text)
        return [sample for family in families for sample in family.samples if sample.name == name]

    def metric(self, name: str) -> float:
        """The sum of the samples called `name` (0 when absent)."""
        return sum(sample.value for sample in self.samples(name))

    def lags(self) -> list[float]:
        """The consumer lag of each assigned partition on the /metrics page."""
        return [s.value for s in self.samples("caresignal_consumer_lag") if s.labels["service"] == "classify"]


@contextmanager
def classify_worker(settings: CommonSettings, log_path: Path, **env: str) -> Iterator[Worker]:
    """`python -m services.classify` on this test's topics; SIGTERM (then SIGKILL) afterwards."""
    port = free_port()
    environment = {
        **os.environ,
        "CARESIGNAL_TOPIC_PREFIX": settings.topic_prefix,
        "CARESIGNAL_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "CARESIGNAL_CLASSIFY_WEB_PORT": str(port),
        "CARESIGNAL_STATE_DIR": str(log_path.parent / f"data-{port}"),
        "CARESIGNAL_CLASSIFY_BATCH_SECONDS": "0.2",
        **env,
    }
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "services.classify"], cwd=REPO, env=environment, stdout=log, stderr=log
        )
    try:
        wait_until(lambda: _answers(port) or worker.poll() is not None, 60, "worker web server")
        if worker.poll() is not None:
            pytest.fail(f"classify worker exited with {worker.returncode}:\n{log_path.read_text()[-3000:]}")
        yield Worker(worker, port, log_path)
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def produce(
    settings: CommonSettings, topic: str, events: list[tuple[Event, str]], raw: list[bytes] = ()
) -> None:
    producer = create_producer(settings)
    try:
        for event, key in events:
            producer.send(settings.topic(topic), **event_message(event, key))
        for value in raw:
            producer.send(settings.topic(topic), value=value, key=b"raw")
        producer.flush(30)
    finally:
        producer.close()


def produce_steadily(settings: CommonSettings, items: list[EvidenceReceived], per_second: float) -> None:
    """Send the items in small acknowledged batches at about `per_second`."""
    for start in range(0, len(items), 8):
        batch = items[start : start + 8]
        produce(settings, "evidence.received.v1", [(item, str(item.evidence_id)) for item in batch])
        time.sleep(len(batch) / per_second)


class Drain:
    """Reads every message of some topics from the beginning, accumulating them."""

    def __init__(self, settings: CommonSettings, *topics: str) -> None:
        self.consumer: KafkaConsumer = create_consumer(
            settings, f"{settings.topic_prefix}test-reader", [settings.topic(topic) for topic in topics]
        )
        self.messages: list[Any] = []

    def until(self, condition: Callable[[list[Any]], bool], seconds: float, what: str) -> list[Any]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for batch in self.consumer.poll(500).values():
                self.messages.extend(batch)
            if condition(self.messages):
                return self.messages
        pytest.fail(f"timed out after {seconds}s waiting for {what}; got {len(self.messages)} messages")

    def on(self, topic: str) -> list[Any]:
        return [message for message in self.messages if message.topic.endswith(topic)]

    def close(self) -> None:
        self.consumer.close()


def body(message: Any) -> dict[str, Any]:
    return json.loads(message.value)
