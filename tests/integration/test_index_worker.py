"""The index worker against the real broker and node: idempotent replay, versions, dead letters."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from factories.index import count, evidence, location, produce
from factories.waiting import wait_until
from kafka import KafkaConsumer

from schemas import DeadLetter, Rating, Topic
from services.common.config import CommonSettings
from services.common.indices import Names
from services.common.kafka import create_producer
from services.index.config import IndexSettings
from services.index.templates import (
    COMPONENTS,
    component_template,
    delete_templates,
    index_template,
    install_templates,
)
from services.index.worker import Indexer

pytestmark = pytest.mark.integration


@pytest.fixture
def index_settings(settings: CommonSettings, es: Elasticsearch) -> Iterator[IndexSettings]:
    yield IndexSettings(
        topic_prefix=settings.topic_prefix,
        es_index_prefix=settings.es_index_prefix,
        environment="test",
        index_linger_seconds=0.1,
        index_retry_initial_seconds=0.1,
        index_retry_max_seconds=1.0,
    )
    delete_templates(es, settings)


class RunningIndexer:
    def __init__(self, settings: IndexSettings) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(target=Indexer(settings).run, args=(self.stop,), daemon=True)

    def __enter__(self) -> RunningIndexer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "indexer did not stop"


def test_index_worker_replay_leaves_document_count_unchanged(
    index_settings: IndexSettings, es: Elasticsearch
) -> None:
    names = Names(index_settings)
    items = [evidence(f"ref-{i}") for i in range(50)]
    producer = create_producer(index_settings)
    produce(producer, index_settings.topic(Topic.EVIDENCE_CLASSIFIED), items)
    with RunningIndexer(index_settings):
        wait_until(lambda: count(es, names.evidence_alias) == 50, what="50 documents")
        produce(producer, index_settings.topic(Topic.EVIDENCE_CLASSIFIED), items)  # replay
        marker = evidence("marker")
        produce(producer, index_settings.topic(Topic.EVIDENCE_CLASSIFIED), [marker])
        wait_until(lambda: count(es, names.evidence_alias) == 51, what="marker after replay")
    producer.close()
    assert count(es, names.evidence_alias) == 51
    ids = {hit["_id"] for hit in es.search(index=names.evidence_alias, size=100)["hits"]["hits"]}
    assert ids == {str(item.evidence_id) for item in [*items, marker]}


def test_index_worker_older_location_version_does_not_overwrite_newer(
    index_settings: IndexSettings, es: Elasticsearch
) -> None:
    names = Names(index_settings)
    newer = location("1-555", version=2_000, overall=Rating.INADEQUATE)
    older = location("1-555", version=1_000, overall=Rating.OUTSTANDING)
    marker = location("1-556", version=1)
    producer = create_producer(index_settings)
    produce(producer, index_settings.topic(Topic.LOCATIONS_REFERENCE), [newer, older, marker])
    producer.close()
    with RunningIndexer(index_settings):
        wait_until(lambda: count(es, names.locations_alias) == 2, what="both locations")
    document = es.get(index=names.locations_index, id="1-555")
    assert document["_source"]["overall_rating"]["rating"] == "Inadequate"
    assert document["_version"] == 2_000


def read_dead_letters(settings: CommonSettings, topic: Topic, expected: int) -> list[tuple[DeadLetter, dict]]:
    """Read `expected` dead letters of `topic`, waiting up to a minute for a worker still starting."""
    consumer = KafkaConsumer(
        settings.topic(f"{topic.value}.dlq"), **settings.kafka_options(), auto_offset_reset="earliest"
    )
    letters = []
    deadline = time.monotonic() + 60
    while len(letters) < expected and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=1_000).values():
            letters.extend((DeadLetter.model_validate_json(r.value), dict(r.headers)) for r in records)
    consumer.close()
    return letters[:expected]


def test_index_worker_dead_letters_malformed_documents_with_es_reason(
    index_settings: IndexSettings, es: Elasticsearch
) -> None:
    names = Names(index_settings)
    immense = evidence("x" * 40_000)  # a keyword term over Lucene's 32766-byte limit
    good = evidence("fine")
    producer = create_producer(index_settings)
    topic = index_settings.topic(Topic.EVIDENCE_CLASSIFIED)
    produce(producer, topic, [immense, good])
    producer.send(topic, key=b"garbage", value=b"{not json").get(timeout=30)
    producer.close()
    with RunningIndexer(index_settings):
        wait_until(lambda: count(es, names.evidence_alias) == 1, what="the good document")
        letters = read_dead_letters(index_settings, Topic.EVIDENCE_CLASSIFIED, 2)
    by_type = {letter.error_type: (letter, headers) for letter, headers in letters}
    assert set(by_type) == {"mapper_rejection", "ValidationError"}
    rejected, headers = by_type["mapper_rejection"]
    assert "immense term" in rejected.error
    assert headers["x-source-topic"].decode() == topic
    assert json.loads(rejected.payload)["evidence_id"] == str(immense.evidence_id)
    assert rejected.stage == "index"
    assert by_type["ValidationError"][0].payload == b"{not json"


def test_a_newer_template_adds_its_new_fields_to_existing_indices(
    es: Elasticsearch, settings: CommonSettings
) -> None:
    """An installation whose indices predate a field gains the field's mapping when templates upgrade."""
    names = Names(settings)
    old = index_template(settings, "locations")
    del old["template"]["mappings"]["properties"]["number_of_beds"]
    old["version"] -= 1
    for component in COMPONENTS:
        es.cluster.put_component_template(name=names.component(component), **component_template(component))
    es.indices.put_index_template(name=names.template("locations"), **old)
    es.indices.create(index=names.locations_index)
    before = es.indices.get_mapping(index=names.locations_index)[names.locations_index]["mappings"]
    assert "number_of_beds" not in before["properties"]
    assert names.template("locations") in install_templates(es, settings)
    after = es.indices.get_mapping(index=names.locations_index)[names.locations_index]["mappings"]
    assert after["properties"]["number_of_beds"] == {"type": "integer"}
    delete_templates(es, settings)


def test_index_worker_dead_letters_bad_locations_alerts_and_status_changes_with_every_header(
    index_settings: IndexSettings, es: Elasticsearch
) -> None:
    """Each input topic's rejects go to its own dead-letter topic, with where they came from and why."""
    topics = (Topic.LOCATIONS_REFERENCE, Topic.ALERTS_RAISED, Topic.ALERTS_STATUS)
    producer = create_producer(index_settings)
    positions = {}
    for topic in topics:
        sent = [producer.send(index_settings.topic(topic), key=b"bad", value=b'{"half": ') for _ in range(2)]
        positions[topic] = {(metadata.partition, metadata.offset) for metadata in (s.get(30) for s in sent)}
    producer.close()
    with RunningIndexer(index_settings):
        letters = {topic: read_dead_letters(index_settings, topic, 2) for topic in topics}
    for topic in topics:
        assert len(letters[topic]) == 2, f"dead letters missing on {topic.value}.dlq"
        origins = set()
        for letter, headers in letters[topic]:
            assert letter.payload == b'{"half": ' and letter.error_type == "ValidationError"
            assert headers["x-error-type"] == b"ValidationError"
            assert headers["x-error-message"] and letter.error.startswith(headers["x-error-message"].decode())
            assert headers["x-service"] == headers["x-stage"] == b"index"
            assert headers["x-source-topic"].decode() == index_settings.topic(topic)
            assert headers["ce_id"] == str(letter.event_id).encode()
            origins.add((int(headers["x-source-partition"]), int(headers["x-source-offset"])))
        assert origins == positions[topic]
