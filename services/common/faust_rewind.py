"""A faust app whose consumer really goes back to the committed offset after a rebalance.

During a rebalance faust drops records the consumer had already fetched (the flow is stopped, or
the partition is paused for table recovery) and relies on `seek_to_committed` to read them again.
aiokafka's `seek_to_committed` only seeks when the committed offset is above 0: a partition
committed at 0 (nothing processed yet) or never committed stays where the dropped fetch left it,
so a worker that takes over a killed worker's young partition silently skips its first records.
Here those partitions are sought too: to 0, or to the reset position when nothing was committed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import faust
from aiokafka import TopicPartition
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP
from faust.types.transports import TransportT


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


class RewindingConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    async def seek_to_committed(self) -> Mapping[TP, int]:
        return await self.call_thread(self._seek_to_committed)

    async def _seek_to_committed(self) -> Mapping[TP, int | None]:
        changelogs = self.app.tables.changelog_topics  # faust positions changelogs itself
        return await seek_to_committed(
            self._ensure_consumer(),
            skip=lambda tp: tp.topic in changelogs,
            earliest=self.app.conf.consumer_auto_offset_reset == "earliest",
        )


class RewindingConsumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> RewindingConsumerThread:
        return RewindingConsumerThread(self, loop=self.loop, beacon=self.beacon)


class RewindingTransport(faust_aiokafka.Transport):
    Consumer = RewindingConsumer


class RewindingApp(faust.App):
    """faust.App on the kafka:// transport with `RewindingConsumer`."""

    def _new_transport(self) -> TransportT:
        return RewindingTransport(self.conf.broker_consumer, self)
