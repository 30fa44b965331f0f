"""The local engines work as a service would use them: Kafka produce/consume, Elasticsearch index/search."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType

from schemas import EvidenceReceived, Topic
from schemas.topics import TOPIC_CATALOGUE
from services.api import create_app
from services.common.config import CommonSettings
from services.common.kafka import create_consumer, create_producer, event_message

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "schemas"
    / "examples"
    / "EvidenceReceived"
    / "call_centre_note.json"
)


def test_topics_create_is_idempotent_and_applies_catalogue_configs(settings: CommonSettings) -> None:
    from services.common.topics import ensure_topics

    assert not any(result.created for result in ensure_topics(settings))
    admin = KafkaAdminClient(**settings.kafka_options())
    try:
        names = [settings.topic(spec.topic) for spec in TOPIC_CATALOGUE]
        described = {topic["name"]: topic for topic in admin.describe_topics(names)}
        for spec in TOPIC_CATALOGUE:
            assert len(described[settings.topic(spec.topic)]["partitions"]) == spec.partitions
        resource = ConfigResource(ConfigResourceType.TOPIC, settings.topic(Topic.LOCATIONS_REFERENCE))
        configs = admin.describe_configs([resource])["topic"][settings.topic(Topic.LOCATIONS_REFERENCE)]
        assert configs["cleanup.policy"]["value"] == "compact"
        assert configs["retention.ms"]["value"] == "-1"
    finally:
        admin.close()


def test_event_roundtrip_through_real_broker_with_cloudevent_headers(settings: CommonSettings) -> None:
    event = EvidenceReceived.model_validate_json(EXAMPLE.read_text())
    topic = settings.topic(Topic.EVIDENCE_RECEIVED)
    producer = create_producer(settings)
    metadata = producer.send(topic, **event_message(event, str(event.evidence_id))).get(timeout=30)
    producer.close()
    assert metadata.offset >= 0

    consumer = create_consumer(settings, f"test-{uuid.uuid4().hex}", [topic], consumer_timeout_ms=1000)
    received = []
    deadline = time.monotonic() + 30
    while not received and time.monotonic() < deadline:
        received = [message for batch in consumer.poll(timeout_ms=1000).values() for message in batch]
    consumer.close()
    assert len(received) == 1
    message = received[0]
    assert message.key == str(event.evidence_id).encode()
    assert dict(message.headers)["ce_type"] == b"uk.caresignal.evidence.received.v1"
    assert EvidenceReceived.model_validate_json(message.value) == event


def test_index_and_search_through_real_elasticsearch(settings: CommonSettings, es: Elasticsearch) -> None:
    index = settings.index("roundtrip")
    document = json.loads(EXAMPLE.read_text())
    es.index(index=index, id=document["evidence_id"], document=document, refresh="wait_for")
    es.index(index=index, id=document["evidence_id"], document=document, refresh="wait_for")
    hits = es.search(index=index, query={"match": {"text": "bruising"}})["hits"]
    assert hits["total"]["value"] == 1
    assert hits["hits"][0]["_id"] == document["evidence_id"]


def test_producers_wait_for_all_in_sync_replicas_and_are_idempotent(settings: CommonSettings) -> None:
    """`caresignal ingest` and the index worker use create_producer; the API makes its own (with a
    shorter metadata wait): none may trade acks=all or idempotence away."""
    with TestClient(create_app(settings)) as client:
        producers = [create_producer(settings), client.app.state.producer.get()]
        for producer in producers:
            assert producer.config["acks"] == -1  # kafka-python's spelling of acks="all"
            assert producer.config["enable_idempotence"] is True
        producers[0].close()
