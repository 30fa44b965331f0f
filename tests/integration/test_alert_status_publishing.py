"""Acknowledge and close against the real broker and index: what the API does when the status event
certainly was not published (undone, 503), when the broker has not confirmed it yet (kept, 503, delivered
later), and when another writer changed the alert between its read and its write (409)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from elasticsearch import Elasticsearch
from factories.index import BASE_TIME, alert, index_directly
from factories.waiting import wait_until
from fastapi.testclient import TestClient
from kafka import KafkaAdminClient, KafkaConsumer

from deploy.kafka_broker import KafkaBroker
from deploy.settings import StackSettings
from deploy.stack import LocalStack
from schemas import AlertStatus, AlertStatusChanged, Topic
from services.api import create_app
from services.common.config import CommonSettings
from services.common.http import get_es
from services.common.indices import Names
from services.common.topics import ensure_topics
from services.index.templates import delete_templates

KEY = {"X-API-Key": "dev-key"}


@pytest.fixture
def client(settings: CommonSettings, es: Elasticsearch) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
    delete_templates(es, settings)


@pytest.fixture
def admin(settings: CommonSettings) -> Iterator[KafkaAdminClient]:
    client = KafkaAdminClient(**settings.kafka_options())
    yield client
    client.close()


def status_events(
    settings: CommonSettings, expected: int, timeout_ms: int = 30_000
) -> list[AlertStatusChanged]:
    consumer = KafkaConsumer(
        settings.topic(Topic.ALERTS_STATUS),
        **settings.kafka_options(),
        auto_offset_reset="earliest",
        consumer_timeout_ms=timeout_ms,
    )
    events = []
    for record in consumer:
        events.append(AlertStatusChanged.model_validate_json(record.value))
        if len(events) >= expected:
            break
    consumer.close()
    return events


def test_a_change_whose_topic_is_missing_is_not_published_undone_and_can_be_retried(
    client: TestClient, es: Elasticsearch, settings: CommonSettings, admin: KafkaAdminClient
) -> None:
    raised = alert()
    index_directly(es, settings, [raised])
    path = f"/v1/alerts/{raised.alert_id}"
    topic = settings.topic(Topic.ALERTS_STATUS)
    admin.delete_topics([topic])  # the broker does not create topics on a send
    wait_until(lambda: topic not in admin.list_topics(), what=f"{topic} deleted")
    refused = client.post(f"{path}/acknowledge", json={"by": "Asha"}, headers=KEY)
    assert refused.status_code == 503 and "not made" in refused.json()["detail"], refused.text
    after = client.get(path, headers=KEY).json()
    assert (after["status"], after["status_by"], after["history"]) == ("open", None, [])
    ensure_topics(settings)
    retried = client.post(f"{path}/acknowledge", json={"by": "Asha"}, headers=KEY)
    assert retried.status_code == 200 and retried.json()["status"] == "acknowledged", retried.text
    assert [(e.status, e.by) for e in status_events(settings, 1)] == [(AlertStatus.ACKNOWLEDGED, "Asha")]


@pytest.fixture
def private_broker(settings: CommonSettings) -> Iterator[tuple[CommonSettings, KafkaBroker]]:
    """A Kafka broker of this test's own (the shared one is never paused), and settings that use it."""
    state = Path("/var/tmp") / f"caresignal-status-{uuid4().hex[:8]}"
    port, controller_port = free_port(), free_port()
    stack_settings = StackSettings(
        state_dir=state,
        kafka_port=port,
        kafka_controller_port=controller_port,
        kafka_bootstrap=f"127.0.0.1:{port}",
        kafka_heap="256m",
    )
    broker = LocalStack(stack_settings).kafka
    try:
        broker.start()
        broker.wait_healthy()
        private = settings.model_copy(update={"kafka_bootstrap": f"127.0.0.1:{port}"})
        ensure_topics(private)
        yield private, broker
    finally:
        pid = broker.running_pid()
        if pid is not None:
            os.killpg(pid, signal.SIGCONT)
        broker.stop()
        shutil.rmtree(state, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_change_the_broker_has_not_confirmed_is_kept_and_its_event_delivered_later(
    private_broker: tuple[CommonSettings, KafkaBroker], es: Elasticsearch
) -> None:
    private, broker = private_broker
    raised = alert()
    index_directly(es, private, [raised])
    path = f"/v1/alerts/{raised.alert_id}"
    with TestClient(create_app(private)) as client:
        warm = client.post(f"{path}/acknowledge", json={"by": "Asha"}, headers=KEY)  # producer connected
        assert warm.status_code == 200, warm.text
        pid = broker.running_pid()
        assert pid is not None
        os.killpg(pid, signal.SIGSTOP)  # the broker hangs: the event is sent but not acknowledged
        try:
            unconfirmed = client.post(f"{path}/close", json={"by": "Ben", "note": "done"}, headers=KEY)
        finally:
            os.killpg(pid, signal.SIGCONT)
        assert unconfirmed.status_code == 503, unconfirmed.text
        assert "not confirmed" in unconfirmed.json()["detail"]
        kept = client.get(path, headers=KEY).json()
        assert (kept["status"], kept["status_by"]) == ("closed", "Ben")
        events = status_events(private, 2, timeout_ms=60_000)  # the producer delivers it now
    assert [(e.status, e.by, e.note) for e in events] == [
        (AlertStatus.ACKNOWLEDGED, "Asha", None),
        (AlertStatus.CLOSED, "Ben", "done"),
    ]
    delete_templates(es, private)


def test_a_change_that_lost_a_race_to_another_writer_is_409_and_publishes_nothing(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    raised = alert()
    index_directly(es, settings, [raised])
    alerts_index = Names(settings).alerts_index
    concurrent = AlertStatusChanged(
        event_id=uuid4(), occurred_at=BASE_TIME, source="caresignal/alerts-api", alert_id=raised.alert_id,
        status=AlertStatus.ACKNOWLEDGED, by="Chidi", at=BASE_TIME,
    )  # fmt: skip

    class RacedElasticsearch(Elasticsearch):
        """The real client; right after the API reads the alert, another writer's change lands."""

        raced = False

        def get(self, **kwargs: Any) -> Any:
            found = super().get(**kwargs)
            if kwargs.get("index") == alerts_index and not RacedElasticsearch.raced:
                RacedElasticsearch.raced = True
                index_directly(es, settings, [concurrent])
            return found

    raced = RacedElasticsearch(**settings.es_options())
    client.app.dependency_overrides[get_es] = lambda: raced
    try:
        lost = client.post(f"/v1/alerts/{raised.alert_id}/acknowledge", json={"by": "Asha"}, headers=KEY)
    finally:
        client.app.dependency_overrides.clear()
        raced.close()
    assert RacedElasticsearch.raced
    assert lost.status_code == 409 and "concurrently" in lost.json()["detail"], lost.text
    now = client.get(f"/v1/alerts/{raised.alert_id}", headers=KEY).json()
    assert (now["status"], now["status_by"]) == ("acknowledged", "Chidi")
    assert status_events(settings, 1, timeout_ms=3_000) == []
