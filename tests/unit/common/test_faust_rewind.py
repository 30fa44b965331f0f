"""Seeking back to committed offsets after a rebalance, offset 0 and never-committed included."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import faust
import faust.transport.consumer
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaTimeoutError
from faust.transport.drivers import aiokafka as faust_aiokafka

from services.alerts.app import create_app
from services.alerts.config import AlertsSettings
from services.common.faust_rewind import RewindingConsumer, fresh_records, seek_to_committed

CLASSIFIED = "evidence.classified.v1"
CHANGELOG = "caresignal-alerts-key_to_state-changelog"


class FakeConsumer:
    """Records seeks; `seek_to_committed` behaves like aiokafka's (only offsets above 0 move)."""

    def __init__(self, committed: dict[TopicPartition, int | None], revoked: frozenset = frozenset()) -> None:
        self.committed = committed
        self.revoked = revoked  # revoked while the offsets were looked up
        self.seeks: dict[TopicPartition, int] = {}

    async def seek_to_committed(self, *partitions: TopicPartition) -> dict[TopicPartition, int | None]:
        self.seeks.update({tp: offset for tp, offset in self.committed.items() if offset and offset > 0})
        return dict(self.committed)

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self.seeks[partition] = offset

    def assignment(self) -> set[TopicPartition]:
        return set(self.committed) - self.revoked

    async def beginning_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return dict.fromkeys(partitions, 5)

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return dict.fromkeys(partitions, 90)

    async def seek_to_beginning(self, *partitions: TopicPartition) -> bool:
        self.seeks.update(dict.fromkeys(partitions, "beginning"))
        return True


class NoAnswerConsumer(FakeConsumer):
    async def beginning_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        raise KafkaTimeoutError("no answer")


def seeks_for(
    committed: dict[TopicPartition, int | None], earliest: bool = True, revoked: frozenset = frozenset()
) -> dict:
    consumer = FakeConsumer(committed, revoked)
    asyncio.run(seek_to_committed(consumer, skip=lambda tp: tp.topic == CHANGELOG, earliest=earliest))
    return consumer.seeks


def test_seek_to_committed_rewinds_partitions_committed_at_zero() -> None:
    zero, later = TopicPartition(CLASSIFIED, 0), TopicPartition(CLASSIFIED, 1)
    assert seeks_for({zero: 0, later: 7}) == {zero: 0, later: 7}


def test_seek_to_committed_resets_never_committed_partitions_like_auto_offset_reset() -> None:
    fresh, gone = TopicPartition(CLASSIFIED, 2), TopicPartition(CLASSIFIED, 3)
    assert seeks_for({fresh: None}) == {fresh: 5}
    assert seeks_for({fresh: None}, earliest=False) == {fresh: 90}
    assert seeks_for({fresh: None, gone: None}, revoked=frozenset({gone})) == {fresh: 5}


def test_seek_to_committed_falls_back_to_the_fetchers_reset_when_offsets_cannot_be_looked_up() -> None:
    fresh = TopicPartition(CLASSIFIED, 2)
    consumer = NoAnswerConsumer({fresh: None})
    asyncio.run(seek_to_committed(consumer, skip=lambda tp: False, earliest=True))
    assert consumer.seeks == {fresh: "beginning"}


def test_seek_to_committed_leaves_changelogs_to_faust_recovery() -> None:
    assert seeks_for({TopicPartition(CHANGELOG, 0): None, TopicPartition(CHANGELOG, 1): 0}) == {}


def test_alerts_app_consumes_with_the_rewinding_consumer(tmp_path: Path) -> None:
    app = create_app(AlertsSettings(state_dir=tmp_path))
    assert app.transport.Consumer is RewindingConsumer


class Message:
    def __init__(self, offset: int) -> None:
        self.offset = offset


def collect(batch, stale):
    """Run fresh_records over `batch`; the delivered (tp, offset) pairs and the rewinds asked for."""
    rewinds: list[tuple[str, int]] = []

    async def rewind(tp: str, offset: int) -> None:
        rewinds.append((tp, offset))

    async def run() -> list[tuple[str, int]]:
        event = asyncio.Event()
        event.set()
        records = fresh_records(
            batch(), stale=stale, sought=lambda tp: tp != CHANGELOG, not_seeking=event, rewind=rewind
        )
        return [(tp, message.offset) async for tp, message in records]

    return asyncio.run(run()), rewinds


def test_fresh_records_holds_back_sought_records_once_stale_and_rewinds_to_the_first() -> None:
    seeks = {"done": 0}

    async def batch():
        for offset in range(4):
            if offset == 2:
                seeks["done"] += 1  # a seek ends mid-batch
            yield CLASSIFIED, Message(offset)
            yield CHANGELOG, Message(offset)

    delivered, rewinds = collect(batch, stale=lambda: seeks["done"] > 0)
    assert [offset for tp, offset in delivered if tp == CLASSIFIED] == [0, 1]
    assert [offset for tp, offset in delivered if tp == CHANGELOG] == [0, 1, 2, 3]
    assert rewinds == [(CLASSIFIED, 2)]


def test_fresh_records_of_a_fresh_batch_pass_and_ask_no_rewind() -> None:
    async def batch():
        for offset in range(3):
            yield CLASSIFIED, Message(offset)

    assert collect(batch, stale=lambda: False) == ([(CLASSIFIED, 0), (CLASSIFIED, 1), (CLASSIFIED, 2)], [])


def test_fresh_records_holds_records_until_the_seek_in_progress_ends() -> None:
    async def scenario() -> tuple[list[int], list[int]]:
        not_seeking = asyncio.Event()

        async def batch():
            yield CLASSIFIED, Message(0)

        async def rewind(tp: str, offset: int) -> None:
            raise AssertionError("nothing was held back")

        seen: list[int] = []

        async def consume() -> None:
            records = fresh_records(
                batch(), stale=lambda: False, sought=lambda tp: True, not_seeking=not_seeking, rewind=rewind
            )
            seen.extend([message.offset async for _, message in records])

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.01)
        during = list(seen)
        not_seeking.set()
        await task
        return during, seen

    assert asyncio.run(scenario()) == ([], [0])


PINNED = {"faust-streaming": "0.15.3", "aiokafka": "0.14.0"}


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_faust_rewind_internals_are_those_it_was_written_against() -> None:
    """faust_rewind.py overrides faust's and aiokafka's internals: an upgrade must fail here, loudly.

    Before changing a pin, re-read services/common/faust_rewind.py and re-run the failover tests.
    """
    installed = {name: version(name) for name in PINNED}
    assert installed == PINNED, f"faust_rewind.py was written against {PINNED}; found {installed}"
    thread, consumer = faust_aiokafka.AIOKafkaConsumerThread, faust_aiokafka.Consumer
    assert _parameters(thread.getmany) == ["self", "active_partitions", "timeout"]
    assert _parameters(thread.seek_to_committed) == ["self"]
    assert callable(thread.call_thread) and callable(thread._ensure_consumer)
    assert _parameters(consumer._new_consumer_thread) == ["self"]
    assert _parameters(consumer.perform_seek) == ["self"]
    assert _parameters(consumer.getmany) == ["self", "timeout"]
    assert _parameters(consumer._is_changelog_tp) == ["self", "tp"]
    assert "self._read_offset = " in inspect.getsource(faust.transport.consumer.Consumer.__init__)
    assert "await self.seek_to_committed()" in inspect.getsource(
        faust.transport.consumer.Consumer.perform_seek
    )
    assert faust_aiokafka.Transport.Consumer is consumer
    assert _parameters(faust.App._new_transport) == ["self"]
    for name in ("seek_to_committed", "seek", "assignment", "beginning_offsets", "end_offsets", "position"):
        assert callable(getattr(AIOKafkaConsumer, name)), name
