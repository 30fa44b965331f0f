"""kafka-python clients configured for at-least-once delivery, and the message of an event."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaConnectionError, KafkaTimeoutError

from schemas.cloudevents import cloudevent_headers, encode
from schemas.common import Event
from services.common.config import CommonSettings

log = logging.getLogger(__name__)
Headers = list[tuple[str, bytes]]


def create_producer(settings: CommonSettings, **overrides: Any) -> KafkaProducer:
    """Idempotent producer: acks from all in-sync replicas, retries without duplicates or reordering."""
    options: dict[str, Any] = {
        **settings.kafka_options(),
        "acks": "all",
        "enable_idempotence": True,
        "retries": 2_147_483_647,
        "max_in_flight_requests_per_connection": 5,
        "linger_ms": 10,
        "batch_size": 256 * 1024,
        "compression_type": None,
        "delivery_timeout_ms": 120_000,
        "client_id": f"caresignal-{socket.gethostname()}",
    }
    options.update(overrides)
    return KafkaProducer(**options)


class SharedProducer:
    """One producer for a process, made on first use and closed once.

    kafka-python connects to the cluster in KafkaProducer's constructor; an API must start (and answer
    503) while the broker is down, so the producer is made by the first request that sends.
    """

    def __init__(self, settings: CommonSettings, **overrides: Any) -> None:
        self._settings = settings
        self._overrides = overrides
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()

    def get(self) -> KafkaProducer:
        """The producer; raises KafkaError while the broker cannot be reached."""
        with self._lock:
            if self._producer is None:
                self._producer = create_producer(self._settings, **self._overrides)
            return self._producer

    def close(self, timeout: float = 10) -> None:
        """Deliver what is buffered and close (when the producer was ever made)."""
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=timeout)
                self._producer = None


def create_consumer(
    settings: CommonSettings, group_id: str, topics: Sequence[str], **overrides: Any
) -> KafkaConsumer:
    """Consumer with manual commits: offsets are committed only after the work they stand for."""
    options: dict[str, Any] = {
        **settings.kafka_options(),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_poll_records": 500,
        "max_poll_interval_ms": 600_000,
    }
    options.update(overrides)
    consumer = KafkaConsumer(**options)
    consumer.subscribe(list(topics))
    return consumer


def poll_through_outages(
    consumer: KafkaConsumer, stop: threading.Event, max_backoff_seconds: float = 5.0, **poll: Any
) -> dict[TopicPartition, list[ConsumerRecord]]:
    """`consumer.poll(**poll)`, retried with backoff while a broker cannot be reached (kafka-python 3
    raises from poll when the broker it asks for metadata or the group coordinator is down; the
    cluster elects another meanwhile). Returns nothing once `stop` is set."""
    delay = 0.1
    while not stop.is_set():
        try:
            return consumer.poll(**poll)
        except (KafkaConnectionError, KafkaTimeoutError) as error:
            log.warning("kafka unreachable while polling (%s); retry in %.1fs", error, delay)
            stop.wait(delay)
            delay = min(max_backoff_seconds, delay * 2)
    return {}


def event_message(event: Event, key: str) -> dict[str, Any]:
    """Arguments for producer.send(): JSON body, key, CloudEvents headers."""
    return {"value": encode(event), "key": key.encode(), "headers": cloudevent_headers(event)}


def read_topic(
    settings: CommonSettings, topic: str, timeout_seconds: float = 30.0
) -> Iterator[ConsumerRecord]:
    """Every record of a topic from its first offset to the end offsets seen at the start (no group)."""
    consumer = KafkaConsumer(**settings.kafka_options(), enable_auto_commit=False, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = {tp: offset for tp, offset in consumer.end_offsets(partitions).items() if offset > 0}
        deadline = time.monotonic() + timeout_seconds
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: not read to its end in {timeout_seconds:.0f}s")
            for records in consumer.poll(timeout_ms=1000).values():
                for record in records:
                    if record.offset < ends.get(TopicPartition(record.topic, record.partition), 0):
                        yield record
    finally:
        consumer.close()
