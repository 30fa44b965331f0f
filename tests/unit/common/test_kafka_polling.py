"""Polling survives a broker that cannot be reached (the cluster fault suite's broker kill)."""

import threading
from unittest.mock import MagicMock

from kafka import TopicPartition
from kafka.errors import KafkaConnectionError, KafkaTimeoutError

from services.common.kafka import poll_through_outages


def test_poll_is_retried_while_a_broker_is_unreachable_and_returns_the_records() -> None:
    records = {TopicPartition("t", 0): ["record"]}
    consumer = MagicMock()
    consumer.poll.side_effect = [KafkaConnectionError("111 ECONNREFUSED"), KafkaTimeoutError(), records]
    polled = poll_through_outages(consumer, threading.Event(), max_backoff_seconds=0.01, timeout_ms=5)
    assert polled == records
    assert consumer.poll.call_count == 3
    consumer.poll.assert_called_with(timeout_ms=5)


def test_poll_gives_up_with_nothing_once_stopped() -> None:
    consumer = MagicMock()
    stop = threading.Event()

    def unreachable(**_: object) -> None:
        stop.set()
        raise KafkaConnectionError("111 ECONNREFUSED")

    consumer.poll.side_effect = unreachable
    assert poll_through_outages(consumer, stop, timeout_ms=5) == {}
    assert consumer.poll.call_count == 1
