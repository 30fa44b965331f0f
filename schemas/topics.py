"""The topic catalogue: every topic's versioned name, partitions, key, retention and cleanup policy."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


class Topic(StrEnum):
    """Versioned topic names: <entity>.<event>.v<major>; dead letters <topic>.dlq."""

    EVIDENCE_RECEIVED = "evidence.received.v1"
    EVIDENCE_RECEIVED_DLQ = "evidence.received.v1.dlq"
    EVIDENCE_CLASSIFIED = "evidence.classified.v1"
    EVIDENCE_CLASSIFIED_DLQ = "evidence.classified.v1.dlq"
    LOCATIONS_REFERENCE = "locations.reference.v1"
    LOCATIONS_REFERENCE_DLQ = "locations.reference.v1.dlq"
    ALERTS_RAISED = "alerts.raised.v1"
    ALERTS_RAISED_DLQ = "alerts.raised.v1.dlq"
    ALERTS_STATUS = "alerts.status.v1"
    ALERTS_STATUS_DLQ = "alerts.status.v1.dlq"
    CORRECTIONS = "corrections.v1"
    CORRECTIONS_DLQ = "corrections.v1.dlq"
    AUDIT = "audit.v1"
    AUDIT_DLQ = "audit.v1.dlq"


class TopicSpec(BaseModel):
    """How a topic is created; `key` documents what the Kafka message key holds."""

    model_config = ConfigDict(frozen=True)

    topic: Topic
    partitions: int
    key: str
    retention_ms: int
    cleanup_policy: str = "delete"
    description: str

    def config(self) -> dict[str, str]:
        """Topic-level configs for the admin client."""
        configs = {"cleanup.policy": self.cleanup_policy, "retention.ms": str(self.retention_ms)}
        if self.cleanup_policy == "compact":
            configs["min.compaction.lag.ms"] = str(HOUR_MS)
        return configs


TOPIC_CATALOGUE: tuple[TopicSpec, ...] = (
    TopicSpec(
        topic=Topic.EVIDENCE_RECEIVED,
        partitions=6,
        key="evidence_id",
        retention_ms=3 * DAY_MS,
        description="Raw evidence as received, personal data unredacted: short retention.",
    ),
    TopicSpec(
        topic=Topic.EVIDENCE_RECEIVED_DLQ,
        partitions=1,
        key="evidence_id or source reference",
        retention_ms=14 * DAY_MS,
        description="Rejected input (ingest) and raw evidence classify could not process.",
    ),
    TopicSpec(
        topic=Topic.EVIDENCE_CLASSIFIED,
        partitions=6,
        key="evidence_id",
        retention_ms=90 * DAY_MS,
        description="Classified, redacted evidence with quality statements, sentiment, severity and areas.",
    ),
    TopicSpec(
        topic=Topic.EVIDENCE_CLASSIFIED_DLQ,
        partitions=1,
        key="evidence_id",
        retention_ms=14 * DAY_MS,
        description="Classified evidence the indexer or alerts could not process (e.g. ES rejected it).",
    ),
    TopicSpec(
        topic=Topic.LOCATIONS_REFERENCE,
        partitions=6,
        key="location_id",
        retention_ms=-1,
        cleanup_policy="compact",
        description="Latest state of each CQC location (ratings, local authority, ICB, region): compacted.",
    ),
    TopicSpec(
        topic=Topic.LOCATIONS_REFERENCE_DLQ,
        partitions=1,
        key="location_id",
        retention_ms=14 * DAY_MS,
        description="Location records the indexer could not process.",
    ),
    TopicSpec(
        topic=Topic.ALERTS_RAISED,
        partitions=3,
        key="alert_id",
        retention_ms=365 * DAY_MS,
        description="Alerts on emerging risk, one event per alert (deterministic id).",
    ),
    TopicSpec(
        topic=Topic.ALERTS_RAISED_DLQ,
        partitions=1,
        key="alert_id",
        retention_ms=14 * DAY_MS,
        description="Alerts the indexer could not process.",
    ),
    TopicSpec(
        topic=Topic.ALERTS_STATUS,
        partitions=3,
        key="alert_id",
        retention_ms=365 * DAY_MS,
        description="Alert lifecycle changes: acknowledged or closed, by whom, with a note.",
    ),
    TopicSpec(
        topic=Topic.ALERTS_STATUS_DLQ,
        partitions=1,
        key="alert_id",
        retention_ms=14 * DAY_MS,
        description="Alert status changes the indexer could not process.",
    ),
    TopicSpec(
        topic=Topic.CORRECTIONS,
        partitions=3,
        key="evidence_id",
        retention_ms=-1,
        description="Analysts' corrections of an item's labels (who, when, what): kept, they train models.",
    ),
    TopicSpec(
        topic=Topic.CORRECTIONS_DLQ,
        partitions=1,
        key="evidence_id",
        retention_ms=14 * DAY_MS,
        description="Corrections the indexer or the alerts worker could not process.",
    ),
    TopicSpec(
        topic=Topic.AUDIT,
        partitions=3,
        key="actor subject",
        retention_ms=-1,
        description="The audit trail: one event per API or web action (who, what, when, where, outcome).",
    ),
    TopicSpec(
        topic=Topic.AUDIT_DLQ,
        partitions=1,
        key="actor subject",
        retention_ms=14 * DAY_MS,
        description="Audit events the indexer could not process.",
    ),
)


def spec_for(topic: Topic) -> TopicSpec:
    return next(spec for spec in TOPIC_CATALOGUE if spec.topic == topic)
