"""Seeking back to committed offsets after a rebalance, offset 0 and never-committed included."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiokafka import TopicPartition

from services.alerts.app import create_app
from services.alerts.config import AlertsSettings
from services.common.faust_rewind import RewindingConsumer, seek_to_committed

CLASSIFIED = "evidence.classified.v1"
CHANGELOG = "caresignal-alerts-key_to_state-changelog"


class FakeConsumer:
    """Records seeks; `seek_to_committed` behaves like aiokafka's (only offsets above 0 move)."""

    def __init__(self, committed: dict[TopicPartition, int | None]) -> None:
        self.committed = committed
        self.seeks: dict[TopicPartition, int | str] = {}

    async def seek_to_committed(self, *partitions: TopicPartition) -> dict[TopicPartition, int | None]:
        self.seeks.update({tp: offset for tp, offset in self.committed.items() if offset and offset > 0})
        return dict(self.committed)

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self.seeks[partition] = offset

    async def seek_to_beginning(self, *partitions: TopicPartition) -> None:
        self.seeks.update(dict.fromkeys(partitions, "beginning"))

    async def seek_to_end(self, *partitions: TopicPartition) -> None:
        self.seeks.update(dict.fromkeys(partitions, "end"))


def seeks_for(committed: dict[TopicPartition, int | None], earliest: bool = True) -> dict:
    consumer = FakeConsumer(committed)
    asyncio.run(seek_to_committed(consumer, skip=lambda tp: tp.topic == CHANGELOG, earliest=earliest))
    return consumer.seeks


def test_seek_to_committed_rewinds_partitions_committed_at_zero() -> None:
    zero, later = TopicPartition(CLASSIFIED, 0), TopicPartition(CLASSIFIED, 1)
    assert seeks_for({zero: 0, later: 7}) == {zero: 0, later: 7}


def test_seek_to_committed_resets_never_committed_partitions_like_auto_offset_reset() -> None:
    fresh = TopicPartition(CLASSIFIED, 2)
    assert seeks_for({fresh: None}) == {fresh: "beginning"}
    assert seeks_for({fresh: None}, earliest=False) == {fresh: "end"}


def test_seek_to_committed_leaves_changelogs_to_faust_recovery() -> None:
    assert seeks_for({TopicPartition(CHANGELOG, 0): None, TopicPartition(CHANGELOG, 1): 0}) == {}


def test_alerts_app_consumes_with_the_rewinding_consumer(tmp_path: Path) -> None:
    app = create_app(AlertsSettings(alerts_datadir=tmp_path))
    assert app.transport.Consumer is RewindingConsumer
