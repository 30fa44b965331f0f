"""`caresignal stack down` then `up` keeps every topic, message and document.

Runs a second, private stack on other ports and state dir so the shared one is never disturbed.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from deploy.settings import StackSettings
from deploy.stack import LocalStack
from schemas import Topic
from services.common.topics import ensure_topics

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def private_stack() -> Iterator[LocalStack]:
    state = Path("/var/tmp") / f"caresignal-restart-{uuid.uuid4().hex[:8]}"
    settings = StackSettings(
        state_dir=state,
        kafka_port=19092,
        kafka_controller_port=19093,
        es_port=19200,
        es_transport_port=19300,
        kafka_bootstrap="127.0.0.1:19092",
        es_url="http://127.0.0.1:19200",
        es_heap="512m",
        kafka_heap="384m",
        keycloak_enabled=False,  # Kafka and Elasticsearch's restart is what this checks
    )
    stack = LocalStack(settings)
    try:
        yield stack
    finally:
        stack.down()
        shutil.rmtree(state, ignore_errors=True)
        stack.elasticsearch.wipe()


def test_down_then_up_keeps_topics_messages_and_documents(private_stack: LocalStack) -> None:
    settings = private_stack.settings
    private_stack.up()
    ensure_topics(settings)
    topic = Topic.EVIDENCE_RECEIVED.value
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    for number in range(20):
        producer.send(topic, key=str(number).encode(), value=f"message {number}".encode())
    producer.flush()
    producer.close()
    es = Elasticsearch(settings.es_url)
    for number in range(5):
        es.index(index="restart-check", id=str(number), document={"n": number})
    es.indices.refresh(index="restart-check")
    es.close()

    assert set(private_stack.down()) == {"Kafka", "Elasticsearch"}
    assert not any(status.healthy for status in private_stack.status())
    private_stack.up()

    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    end_offsets = consumer.end_offsets(partitions)
    consumer.close()
    assert sum(end_offsets.values()) == 20
    es = Elasticsearch(settings.es_url)
    assert es.count(index="restart-check")["count"] == 5
    es.close()
