"""Kafka set-up done before the faust worker starts: its internal topic.

faust declares internal topics itself, but only after the first partition assignment; a group that
assigns before the topic exists ignores it until the next rebalance. Creating it first avoids that.
(Partitions taken over in a rebalance before their first commit are handled by `rewind.py`.)
"""

from __future__ import annotations

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from schemas.topics import DAY_MS
from services.alerts.config import AlertsSettings

OBSERVATIONS_TOPIC = "caresignal-alerts-observations"
OBSERVATIONS_RETENTION_MS = 14 * DAY_MS


def ensure_observations_topic(settings: AlertsSettings) -> bool:
    """Create the observations topic if missing; True when it was created."""
    name = settings.topic(OBSERVATIONS_TOPIC)
    admin = KafkaAdminClient(**settings.kafka_options(), client_id="caresignal-alerts-admin")
    try:
        if name in set(admin.list_topics()):
            return False
        topic = NewTopic(
            name,
            settings.alerts_observation_partitions,
            settings.kafka_replication_factor,
            topic_configs={
                "cleanup.policy": "delete",
                "retention.ms": str(OBSERVATIONS_RETENTION_MS),
                "min.insync.replicas": str(settings.kafka_min_insync_replicas),
            },
        )
        try:
            admin.create_topics([topic])
        except TopicAlreadyExistsError:
            return False
        return True
    finally:
        admin.close()
