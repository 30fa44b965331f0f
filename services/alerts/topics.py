"""Kafka set-up done before the faust worker starts: its internal topic.

faust declares internal topics itself, but only after the first partition assignment; a group that
assigns before the topic exists ignores it until the next rebalance. Creating it first avoids that.
(Partitions taken over in a rebalance before their first commit are handled by `faust_rewind.py`.)
"""

from __future__ import annotations

from schemas.topics import DAY_MS
from services.alerts.config import AlertsSettings
from services.common.topics import create_missing_topics, new_topic

OBSERVATIONS_TOPIC = "caresignal-alerts-observations"
OBSERVATIONS_RETENTION_MS = 14 * DAY_MS


def ensure_observations_topic(settings: AlertsSettings) -> bool:
    """Create the observations topic if missing; True when it was created."""
    topic = new_topic(
        settings,
        settings.topic(OBSERVATIONS_TOPIC),
        settings.alerts_observation_partitions,
        {"cleanup.policy": "delete", "retention.ms": str(OBSERVATIONS_RETENTION_MS)},
    )
    return bool(create_missing_topics(settings, [topic]))
