"""Create the topic catalogue's topics with kafka-python's admin client (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from schemas.topics import TOPIC_CATALOGUE, TopicSpec
from services.common.config import CommonSettings


@dataclass(frozen=True)
class TopicResult:
    name: str
    created: bool
    spec: TopicSpec


def ensure_topics(settings: CommonSettings) -> list[TopicResult]:
    """Create every catalogue topic that does not exist yet; existing ones are left as they are.

    Replication comes from settings (`kafka_replication_factor`, `kafka_min_insync_replicas`).
    """
    replicas = settings.kafka_replication_factor
    insync = {"min.insync.replicas": str(settings.kafka_min_insync_replicas)}
    admin = KafkaAdminClient(**settings.kafka_options(), client_id="caresignal-admin")
    try:
        existing = set(admin.list_topics())
        results: list[TopicResult] = []
        for spec in TOPIC_CATALOGUE:
            name = settings.topic(spec.topic.value)
            if name in existing:
                results.append(TopicResult(name, False, spec))
                continue
            try:
                admin.create_topics(
                    [NewTopic(name, spec.partitions, replicas, topic_configs={**spec.config(), **insync})]
                )
                results.append(TopicResult(name, True, spec))
            except TopicAlreadyExistsError:
                results.append(TopicResult(name, False, spec))
        return results
    finally:
        admin.close()
