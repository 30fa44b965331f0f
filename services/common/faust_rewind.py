"""A faust app whose consumer really goes back to the committed offset after a rebalance.

During a rebalance faust drops records the consumer had already fetched (the flow is stopped, or
the partition is paused for table recovery) and relies on `perform_seek` to read them again. Two
gaps in that scheme lose records, and both are closed here:

- aiokafka's `seek_to_committed` only seeks when the committed offset is above 0: a partition
  committed at 0 (nothing processed yet) or never committed stays where the dropped fetch left it.
  Those partitions are sought too: to 0, or to the reset position when nothing was committed.
- faust seeks while the flow is running. Records fetched before the seek can still be delivered
  during or after it: the ones delivered during it are cleared from the agents' queues when the
  flow resumes, and the ones delivered after it move faust's read offset past the re-fetched
  copies, which faust then drops as already read. Here a fetch and a seek never overlap (a lock in
  the consumer thread), every batch carries the number of seeks done before it was fetched, and
  the stream records of a batch fetched before the latest seek are not delivered: the seek to the
  committed offset reads them again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import aclosing
from typing import Any, Protocol, TypeVar

import faust
from aiokafka import TopicPartition
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP, Message
from faust.types.transports import TransportT

T = TypeVar("T")


class OffsetConsumer(Protocol):
    """The part of aiokafka's consumer used here."""

    async def seek_to_committed(self, *partitions: TopicPartition) -> dict[TopicPartition, int | None]: ...

    def seek(self, partition: TopicPartition, offset: int) -> None: ...

    async def seek_to_beginning(self, *partitions: TopicPartition) -> None: ...

    async def seek_to_end(self, *partitions: TopicPartition) -> None: ...


async def seek_to_committed(
    consumer: OffsetConsumer, *, skip: Callable[[TopicPartition], bool], earliest: bool
) -> dict[TopicPartition, int | None]:
    """Seek every assigned partition not skipped to its committed offset, 0 and none included."""
    committed = await consumer.seek_to_committed()
    for tp, offset in committed.items():
        if offset == 0 and not skip(tp):
            consumer.seek(tp, 0)
    uncommitted = [tp for tp, offset in committed.items() if offset is None and not skip(tp)]
    if uncommitted:
        reset = consumer.seek_to_beginning if earliest else consumer.seek_to_end
        await reset(*uncommitted)
    return committed


class SeekGate:
    """Lets fetches and seeks run one at a time and counts seeks, so a stale batch can be recognised.

    Create it in the event loop that fetches and seeks (the consumer thread's).
    """

    def __init__(self) -> None:
        self.seeks = 0
        self._lock = asyncio.Lock()

    async def fetch(self, fetch: Callable[[], Awaitable[T]]) -> tuple[T, int]:
        """The batch, and the number of seeks done before it was fetched."""
        async with self._lock:
            return await fetch(), self.seeks

    async def seek(self, seek: Callable[[], Awaitable[T]]) -> T:
        async with self._lock:
            result = await seek()
            self.seeks += 1
            return result


async def fresh_records(
    batch: AsyncIterator[tuple[TP, Message]],
    *,
    stale: Callable[[], bool],
    sought: Callable[[TP], bool],
    not_seeking: asyncio.Event,
) -> AsyncIterator[tuple[TP, Message]]:
    """The batch without the records of sought partitions once `stale()`; waits out a seek in progress."""
    async with aclosing(batch):
        async for tp, message in batch:
            await not_seeking.wait()
            if sought(tp) and stale():
                continue  # read again from the committed offset the seek went back to
            yield tp, message


class RewindingConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """Seeks to committed offsets (0 and none included) through a `SeekGate` shared with fetches."""

    gate: SeekGate | None = None
    seeks_before_last_batch: int = 0

    def _gate(self) -> SeekGate:
        if self.gate is None:
            self.gate = SeekGate()
        return self.gate

    async def getmany(self, active_partitions: set[TP] | None, timeout: float) -> Mapping[TP, list[Any]]:
        consumer = self._ensure_consumer()
        records, self.seeks_before_last_batch = await self.call_thread(
            self._fetch_counted, consumer, active_partitions, timeout, consumer._max_poll_records
        )
        return records

    async def _fetch_counted(
        self, consumer: Any, active_partitions: set[TP] | None, timeout: float, max_records: int | None
    ) -> tuple[Mapping[TP, list[Any]], int]:
        return await self._gate().fetch(
            lambda: self._fetch_records(consumer, active_partitions, timeout=timeout, max_records=max_records)
        )

    def stale_batch(self) -> bool:
        """True when a seek happened after the last batch was fetched."""
        return self.gate is not None and self.seeks_before_last_batch != self.gate.seeks

    async def seek_to_committed(self) -> Mapping[TP, int]:
        return await self.call_thread(self._seek_to_committed)

    async def _seek_to_committed(self) -> Mapping[TP, int | None]:
        changelogs = self.app.tables.changelog_topics  # faust positions changelogs itself
        return await self._gate().seek(
            lambda: seek_to_committed(
                self._ensure_consumer(),
                skip=lambda tp: tp.topic in changelogs,
                earliest=self.app.conf.consumer_auto_offset_reset == "earliest",
            )
        )


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

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Message]]:
        records = fresh_records(
            super().getmany(timeout),
            stale=self._thread.stale_batch,
            sought=lambda tp: not self._is_changelog_tp(tp),
            not_seeking=self._not_seeking,
        )
        async for tp, message in records:
            yield tp, message


class RewindingTransport(faust_aiokafka.Transport):
    Consumer = RewindingConsumer


class RewindingApp(faust.App):
    """faust.App on the kafka:// transport with `RewindingConsumer`."""

    def _new_transport(self) -> TransportT:
        return RewindingTransport(self.conf.broker_consumer, self)
