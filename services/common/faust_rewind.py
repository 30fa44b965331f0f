"""A faust app whose consumer really goes back to the committed offset after a rebalance.

During a rebalance faust drops records the consumer had already fetched (the flow is stopped, or
the partition is paused for table recovery) and relies on `perform_seek` to read them again. Two
gaps in that scheme lose records, and both are closed here:

- aiokafka's `seek_to_committed` only seeks when the committed offset is above 0: a partition
  committed at 0 (nothing processed yet) or never committed stays where the dropped fetch left it.
  Those partitions are sought too: to 0, or to their first offset when nothing was committed.
- faust seeks while the flow is running. Records fetched before the seek can still be delivered
  during or after it: the ones delivered during it are cleared from the agents' queues when the
  flow resumes, and the ones delivered after it move faust's read offset past the re-fetched
  copies, which faust then drops as already read. Here the consumer thread counts its seeks, and
  the stream records of a batch whose fetch began before the latest seek are held back while a
  seek runs and then not delivered. A batch whose fetch spanned the seek may hold records read
  after it; so the partition is moved back to the first record not delivered whenever its position
  is past it (never forward), and the seek or that rewind reads every such record again.

This overrides faust's and aiokafka's internals, so pyproject.toml pins both exactly and
`tests/unit/common/test_faust_rewind.py` fails loudly when an upgrade changes what it relies on.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import aclosing
from typing import Any, Protocol

import faust
from aiokafka import TopicPartition
from aiokafka.errors import IllegalStateError, KafkaError
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP, Message
from faust.types.transports import TransportT


class OffsetConsumer(Protocol):
    """The part of aiokafka's consumer used here."""

    async def seek_to_committed(self, *partitions: TopicPartition) -> dict[TopicPartition, int | None]: ...

    def seek(self, partition: TopicPartition, offset: int) -> None: ...

    def assignment(self) -> set[TopicPartition]: ...

    async def beginning_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]: ...

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]: ...

    async def seek_to_beginning(self, *partitions: TopicPartition) -> bool: ...

    async def seek_to_end(self, *partitions: TopicPartition) -> bool: ...


async def seek_to_committed(
    consumer: OffsetConsumer, *, skip: Callable[[TopicPartition], bool], earliest: bool
) -> dict[TopicPartition, int | None]:
    """Seek every assigned partition not skipped to its committed offset, 0 and none included.

    Never-committed partitions go to their first (or, unless `earliest`, next) offset, looked up and
    sought directly: aiokafka's `seek_to_beginning` waits for the fetcher's reset, which a rebalance
    in progress can hold up for the whole request timeout.
    """
    committed = await consumer.seek_to_committed()
    for tp, offset in committed.items():
        if offset == 0 and not skip(tp):
            consumer.seek(tp, 0)
    uncommitted = [tp for tp, offset in committed.items() if offset is None and not skip(tp)]
    if uncommitted:
        lookup = consumer.beginning_offsets if earliest else consumer.end_offsets
        try:
            starts = await lookup(uncommitted)
        except KafkaError:  # no answer in time: let the fetcher reset them, and wait for that
            reset = consumer.seek_to_beginning if earliest else consumer.seek_to_end
            await reset(*[tp for tp in uncommitted if tp in consumer.assignment()])
            return committed
        assigned = consumer.assignment()
        for tp, offset in starts.items():
            if tp in assigned:
                consumer.seek(tp, offset)
    return committed


async def fresh_records(
    batch: AsyncIterator[tuple[TP, Message]],
    *,
    stale: Callable[[], bool],
    sought: Callable[[TP], bool],
    not_seeking: asyncio.Event,
    rewind: Callable[[TP, int], Awaitable[None]],
) -> AsyncIterator[tuple[TP, Message]]:
    """The batch without the records of sought partitions once `stale()`; waits out a seek in progress.

    For each partition with records left out, `rewind` gets the first such offset afterwards.
    """
    held_back: dict[TP, int] = {}
    try:
        async with aclosing(batch):
            async for tp, message in batch:
                await not_seeking.wait()
                if sought(tp) and stale():
                    held_back.setdefault(tp, message.offset)
                    continue
                yield tp, message
    finally:
        for tp, offset in held_back.items():
            await rewind(tp, offset)


class RewindingConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """Seeks to committed offsets (0 and none included), counting seeks; rewinds partitions on demand."""

    seeks: int = 0
    seeks_before_last_batch: int = 0

    async def getmany(self, active_partitions: set[TP] | None, timeout: float) -> Mapping[TP, list[Any]]:
        seeks = self.seeks
        records = await super().getmany(active_partitions, timeout)
        self.seeks_before_last_batch = seeks
        return records

    def stale_batch(self) -> bool:
        """True when a seek ended after the last batch's fetch began."""
        return self.seeks_before_last_batch != self.seeks

    async def seek_to_committed(self) -> Mapping[TP, int]:
        return await self.call_thread(self._seek_to_committed)

    async def _seek_to_committed(self) -> Mapping[TP, int | None]:
        changelogs = self.app.tables.changelog_topics  # faust positions changelogs itself
        try:
            return await seek_to_committed(
                self._ensure_consumer(),
                skip=lambda tp: tp.topic in changelogs,
                earliest=self.app.conf.consumer_auto_offset_reset == "earliest",
            )
        finally:
            self.seeks += 1  # also after a failure part-way: some partitions may have moved

    async def rewind(self, tp: TP, offset: int) -> bool:
        """Move an assigned partition back to `offset` if its position is past it; True if moved."""
        return await self.call_thread(self._rewind, TopicPartition(tp.topic, tp.partition), offset)

    async def _rewind(self, tp: TopicPartition, offset: int) -> bool:
        consumer = self._ensure_consumer()
        try:
            position = await consumer.position(tp)
        except IllegalStateError:  # no longer assigned: its next owner starts from the committed offset
            return False
        if tp not in consumer.assignment() or position <= offset:
            return False
        consumer.seek(tp, offset)  # synchronous: nothing ran between reading the position and this
        return True


class RewindingConsumer(faust_aiokafka.Consumer):
    """Delivers no stream record fetched before the latest seek to the committed offsets."""

    _thread: RewindingConsumerThread

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seeks_in_progress = 0
        self._not_seeking = asyncio.Event()
        self._not_seeking.set()

    def _new_consumer_thread(self) -> RewindingConsumerThread:
        return RewindingConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def perform_seek(self) -> None:
        """faust's seek to the committed offsets; records wait in `getmany` until no seek is running."""
        self._seeks_in_progress += 1
        self._not_seeking.clear()
        try:
            await super().perform_seek()
        finally:
            self._seeks_in_progress -= 1
            if not self._seeks_in_progress:
                self._not_seeking.set()

    async def _rewind(self, tp: TP, offset: int) -> None:
        if await self._thread.rewind(tp, offset):
            self._read_offset[tp] = offset

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Message]]:
        records = fresh_records(
            super().getmany(timeout),
            stale=self._thread.stale_batch,
            sought=lambda tp: not self._is_changelog_tp(tp),
            not_seeking=self._not_seeking,
            rewind=self._rewind,
        )
        async for tp, message in records:
            yield tp, message


class RewindingTransport(faust_aiokafka.Transport):
    Consumer = RewindingConsumer


class RewindingApp(faust.App):
    """faust.App on the kafka:// transport with `RewindingConsumer`."""

    def _new_transport(self) -> TransportT:
        return RewindingTransport(self.conf.broker_consumer, self)
