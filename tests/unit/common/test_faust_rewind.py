"""Seeking back to committed offsets after a rebalance, offset 0 and never-committed included."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiokafka import TopicPartition

from services.alerts.app import create_app
from services.alerts.config import AlertsSettings
from services.common.faust_rewind import RewindingConsumer, SeekGate, fresh_records, seek_to_committed

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


def test_seek_gate_waits_for_a_fetch_in_flight_and_counts_seeks() -> None:
    async def scenario() -> list[str]:
        gate, events = SeekGate(), []
        release = asyncio.Event()

        async def fetch() -> str:
            events.append("fetch started")
            await release.wait()
            events.append("fetch done")
            return "batch"

        async def seek() -> str:
            events.append("seek")
            return "committed"

        fetching = asyncio.create_task(gate.fetch(fetch))
        await asyncio.sleep(0)
        seeking = asyncio.create_task(gate.seek(seek))
        await asyncio.sleep(0)
        release.set()
        assert await fetching == ("batch", 0)
        assert await seeking == "committed"
        assert gate.seeks == 1
        assert await gate.fetch(fetch) == ("batch", 1)
        return events

    assert asyncio.run(scenario())[:3] == ["fetch started", "fetch done", "seek"]


def test_fresh_records_drops_sought_records_of_a_batch_that_a_seek_made_stale() -> None:
    async def scenario() -> list[tuple[str, int]]:
        seeks = {"done": 0}
        not_seeking = asyncio.Event()
        not_seeking.set()

        async def batch():
            for offset in range(4):
                if offset == 2:
                    seeks["done"] += 1  # a seek lands mid-batch
                yield CLASSIFIED, offset
                yield CHANGELOG, offset

        records = fresh_records(
            batch(),
            stale=lambda: seeks["done"] > 0,
            sought=lambda tp: tp != CHANGELOG,
            not_seeking=not_seeking,
        )
        return [record async for record in records]

    delivered = asyncio.run(scenario())
    assert [offset for tp, offset in delivered if tp == CLASSIFIED] == [0, 1]
    assert [offset for tp, offset in delivered if tp == CHANGELOG] == [0, 1, 2, 3]


def test_fresh_records_holds_records_until_the_seek_in_progress_ends() -> None:
    async def scenario() -> tuple[list[int], list[int]]:
        not_seeking = asyncio.Event()

        async def batch():
            yield CLASSIFIED, 0

        seen: list[int] = []

        async def consume() -> None:
            records = fresh_records(
                batch(), stale=lambda: False, sought=lambda tp: True, not_seeking=not_seeking
            )
            seen.extend([offset async for _, offset in records])

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.01)
        during = list(seen)
        not_seeking.set()
        await task
        return during, seen

    assert asyncio.run(scenario()) == ([], [0])
