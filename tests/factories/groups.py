"""Consumer groups seen from outside: how far a group has committed, and rewinding it."""

from __future__ import annotations

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import OffsetSpec
from kafka.errors import KafkaError, NoError

from services.common.config import CommonSettings


def partitions_of(settings: CommonSettings, topics: list[str]) -> list[TopicPartition]:
    consumer = KafkaConsumer(**settings.kafka_options(), group_id=None)
    try:
        return [
            TopicPartition(topic, p) for topic in topics for p in consumer.partitions_for_topic(topic) or ()
        ]
    finally:
        consumer.close()


def group_progress(
    settings: CommonSettings, group: str, topics: list[str]
) -> dict[TopicPartition, tuple[int, int]]:
    """(committed offset, end offset) of each partition of `topics` for consumer group `group`."""
    partitions = partitions_of(settings, topics)
    consumer = KafkaConsumer(**settings.kafka_options(), group_id=None)
    admin = KafkaAdminClient(**settings.kafka_options())
    try:
        ends = consumer.end_offsets(partitions)
        committed = admin.list_group_offsets({group: None})[group]
    finally:
        consumer.close()
        admin.close()
    return {tp: (committed[tp].offset if tp in committed else 0, end) for tp, end in ends.items()}


def rewind_group(settings: CommonSettings, group: str, topics: list[str]) -> bool:
    """Move an empty group back to the start of `topics`, as if its commits had been lost; False while the
    group still has members (e.g. a killed one whose session has not expired yet)."""
    admin = KafkaAdminClient(**settings.kafka_options())
    try:
        specs = {tp: OffsetSpec.EARLIEST for tp in partitions_of(settings, topics)}
        results = admin.reset_group_offsets(group, specs)
    except KafkaError:
        return False
    finally:
        admin.close()
    return all(result["error"] is NoError for result in results.values())
