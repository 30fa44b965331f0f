"""Topic creation, the one place: the catalogue's topics and any internal topic a worker needs first.

`caresignal topics create` creates the catalogue (`schemas/topics.py`); the alerts worker creates its
internal observations topic before it starts. Both go through `new_topic` (replication from settings)
and `create_missing_topics` (kafka-python's admin client; idempotent: existing topics are left as they are).
Creation is asynchronous on the broker, so `create_missing_topics` returns only once the broker's metadata
lists every partition of the topics it created: whoever runs next can produce, consume and describe them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from schemas.topics import TOPIC_CATALOGUE, TopicSpec
from services.common.config import CommonSettings
from services.common.errors import TransientError

READY_TIMEOUT_SECONDS = 60.0
READY_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class TopicResult:
    name: str
    created: bool
    spec: TopicSpec


def new_topic(settings: CommonSettings, name: str, partitions: int, configs: Mapping[str, str]) -> NewTopic:
    """A topic replicated as configured (`kafka_replication_factor`, `kafka_min_insync_replicas`)."""
    insync = {"min.insync.replicas": str(settings.kafka_min_insync_replicas)}
    return NewTopic(name, partitions, settings.kafka_replication_factor, topic_configs={**configs, **insync})


def create_missing_topics(settings: CommonSettings, topics: Sequence[NewTopic]) -> set[str]:
    """Create each topic that does not exist yet; returns the names created by this call."""
    admin = KafkaAdminClient(**settings.kafka_options(), client_id="caresignal-admin")
    try:
        existing = set(admin.list_topics())
        created: set[str] = set()
        for topic in topics:
            if topic.name in existing:
                continue
            try:
                admin.create_topics([topic])
                created.add(topic.name)
            except TopicAlreadyExistsError:
                pass
        wait_until_described(
            admin, {topic.name: topic.num_partitions for topic in topics if topic.name in created}
        )
        return created
    finally:
        admin.close()


def wait_until_described(admin: KafkaAdminClient, partitions: Mapping[str, int]) -> None:
    """Wait until the broker's metadata lists each topic with its number of partitions."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while partitions:
        described = {
            topic["name"]: len(topic["partitions"]) for topic in admin.describe_topics(list(partitions))
        }
        missing = sorted(name for name, count in partitions.items() if described.get(name) != count)
        if not missing:
            return
        if time.monotonic() > deadline:
            waited = f"{READY_TIMEOUT_SECONDS:.0f} s"
            raise TransientError(f"topics created but not in the broker's metadata after {waited}: {missing}")
        time.sleep(READY_POLL_SECONDS)


def ensure_topics(settings: CommonSettings) -> list[TopicResult]:
    """Create every catalogue topic that does not exist yet (names behind the topic prefix)."""
    topics = [
        new_topic(settings, settings.topic(spec.topic), spec.partitions, spec.config())
        for spec in TOPIC_CATALOGUE
    ]
    created = create_missing_topics(settings, topics)
    return [
        TopicResult(topic.name, topic.name in created, spec)
        for topic, spec in zip(topics, TOPIC_CATALOGUE, strict=True)
    ]
