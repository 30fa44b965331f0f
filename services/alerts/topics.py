"""Kafka set-up done before the faust worker starts: its internal topics.

faust declares internal topics itself, but only after the first partition assignment; a group that
assigns before the topic exists ignores it until the next rebalance. Creating it first avoids that. The
state table's changelog is created first too: created by faust at start-up, a topic whose partitions
its consumer's metadata did not list yet made every state write fail (faust's PartitionsMismatch,
"changelog has 0 partitions") until the next metadata refresh, minutes later.
(Partitions taken over in a rebalance before their first commit are handled by `faust_rewind.py`.)
"""

from __future__ import annotations

from schemas.topics import DAY_MS
from services.alerts.config import AlertsSettings
from services.common.topics import create_missing_topics, new_topic

OBSERVATIONS_TOPIC = "caresignal-alerts-observations"
STATE_CHANGELOG_TOPIC = "caresignal-alerts-key_to_state-changelog"  # faust: <app id>-<table>-changelog
OBSERVATIONS_RETENTION_MS = 14 * DAY_MS


def ensure_observations_topic(settings: AlertsSettings) -> bool:
    """Create the observations topic and the state changelog if missing; True when either was created."""
    wanted = {
        OBSERVATIONS_TOPIC: {"cleanup.policy": "delete", "retention.ms": str(OBSERVATIONS_RETENTION_MS)},
        STATE_CHANGELOG_TOPIC: {"cleanup.policy": "compact"},
    }
    topics = [
        new_topic(settings, settings.topic(name), settings.alerts_observation_partitions, configs)
        for name, configs in wanted.items()
    ]
    return bool(create_missing_topics(settings, topics))
