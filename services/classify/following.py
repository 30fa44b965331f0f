"""Reading a whole topic into memory without a consumer group: every partition, from a start, forever."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import UnknownTopicOrPartitionError

Ends = dict[TopicPartition, int]


async def follow_topic(
    consumer: AIOKafkaConsumer,
    topic: str,
    *,
    seek: Callable[[list[TopicPartition], Ends], Awaitable[None]],
    apply: Callable[[ConsumerRecord], None],
    caught_up: asyncio.Event,
    on_caught_up: Callable[[], None],
) -> None:
    """Start `consumer` (subscribed to `topic` without a group, so it is assigned every partition), `seek`
    each partition to where reading begins, then `apply` every record, forever; `caught_up` is set (after
    `on_caught_up` runs) once the end offsets seen at start are reached."""
    try:
        await consumer.start()
    except UnknownTopicOrPartitionError as error:
        raise RuntimeError(f"topic {topic} does not exist: run `caresignal topics create`") from error
    try:
        partitions = list(consumer.assignment())
        ends = await consumer.end_offsets(partitions)
        await seek(partitions, ends)
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=1000)
            for records in batches.values():
                for record in records:
                    apply(record)
            if not caught_up.is_set() and await _reached(consumer, ends):
                on_caught_up()
                caught_up.set()
    finally:
        await consumer.stop()


async def _reached(consumer: AIOKafkaConsumer, ends: Ends) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return False
    return True
