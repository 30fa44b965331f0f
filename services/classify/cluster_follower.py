"""Keeps the near-duplicate clusters of every area in step with the classified topic, in every worker.

Where the clusters live, and why not in a faust table: the received topic is keyed by evidence id, so
copies about one area arrive on every partition; a table co-partitioned with it would let copies on
different partitions never meet, and a table keyed by area needs a repartition topic (one more hop, and a
hot area on one partition). The classified topic already holds every item's redacted text and the cluster
it was given, for 90 days (its retention is the horizon). So each worker rebuilds its index from it at
start (from `horizon` ago, all partitions, no consumer group) and then follows it: a restart re-reads, a
rebalance changes nothing (every worker holds every area), and an item redelivered to another worker gets
the cluster it was published with. The limit: two copies classified at the same moment by two workers,
before either has read the other's output (the follower's lag, about a second), start two clusters; later
copies join the closest of the two.
"""

from __future__ import annotations

import asyncio
import logging
import time
from uuid import UUID

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pydantic import ValidationError

from schemas.common import AreaRef, Frozen, UtcDatetime
from schemas.evidence import Duplication, SourceType
from services.classify.following import Ends, follow_topic
from services.classify.neardup.clusters import NearDuplicates

log = logging.getLogger(__name__)


class ClassifiedText(Frozen):
    """The fields of a classified event clustering needs (the rest is ignored, not validated)."""

    evidence_id: UUID
    source_type: SourceType
    received_at: UtcDatetime
    text: str
    area: AreaRef = AreaRef()
    duplication: Duplication | None = None


class ClusterFollower:
    """Reads every partition of the classified topic from `horizon_seconds` ago into the clusters, forever;
    `caught_up` is set once the end offsets seen at start are reached."""

    def __init__(self, topic: str, clusters: NearDuplicates, horizon_seconds: float) -> None:
        self.topic = topic
        self.clusters = clusters
        self.horizon_seconds = horizon_seconds
        self.caught_up = asyncio.Event()
        self.skipped = 0

    async def run(self, consumer: AIOKafkaConsumer) -> None:
        """`consumer` is subscribed to the topic without a group: starting it assigns every partition."""
        self.consumer = consumer
        await follow_topic(
            consumer,
            self.topic,
            seek=self._seek_to_horizon,
            apply=self._apply,
            caught_up=self.caught_up,
            on_caught_up=lambda: log.info(
                "near-duplicate clusters caught up: %d items held", len(self.clusters)
            ),
        )

    async def _seek_to_horizon(self, partitions: list[TopicPartition], ends: Ends) -> None:
        since = int((time.time() - self.horizon_seconds) * 1000)
        found = await self.consumer.offsets_for_times({partition: since for partition in partitions})
        for partition in partitions:
            offset = found.get(partition)
            self.consumer.seek(partition, offset.offset if offset else ends[partition])

    def _apply(self, record: ConsumerRecord) -> None:
        if record.value is None or self._decided_here(record.key):
            return
        try:
            item = ClassifiedText.model_validate_json(record.value)
        except ValidationError as error:  # the indexer owns the classified DLQ; clustering skips and says so
            self.skipped += 1
            log.warning(
                "near-duplicates skipped an invalid record %s[%d]@%d: %s",
                record.topic,
                record.partition,
                record.offset,
                error.errors()[0]["msg"],
            )
            return
        self.clusters.remember(item, item.duplication)

    def _decided_here(self, key: bytes | None) -> bool:
        """This worker's own output (keyed by evidence id), skipped before it is even parsed."""
        try:
            return key is not None and self.clusters.decided_here(UUID(key.decode()))
        except ValueError:
            return False
