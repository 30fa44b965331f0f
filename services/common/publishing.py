"""Publish one event from an HTTP request and wait for the broker (Kafka trouble → 503 for the caller)."""

from __future__ import annotations

import logging

from kafka.errors import KafkaError, KafkaTimeoutError

from schemas.common import Event
from services.common.errors import SearchUnavailableError
from services.common.kafka import SharedProducer, event_message

log = logging.getLogger(__name__)


class EventNotPublishedError(SearchUnavailableError):
    """The event was certainly not written to the topic."""


class EventUnconfirmedError(SearchUnavailableError):
    """The broker did not confirm the event in time; the producer keeps delivering it."""


class EventPublisher:
    """Callable that sends one event to a topic and waits for the broker's acknowledgement."""

    def __init__(self, producer: SharedProducer, topic: str, timeout_seconds: float = 15) -> None:
        self.producer = producer
        self.topic = topic
        self.timeout_seconds = timeout_seconds

    def __call__(self, event: Event, key: str) -> None:
        sent = None
        try:
            sent = self.producer.get().send(self.topic, **event_message(event, key))
            sent.get(timeout=self.timeout_seconds)
        except KafkaError as error:
            if sent is not None and isinstance(error, KafkaTimeoutError):  # buffered: delivery goes on
                log.error("%s %s: not confirmed by the broker yet: %s", self.topic, key, error)
                raise EventUnconfirmedError(
                    "the change was made but the broker has not confirmed its event yet; reload later"
                ) from error
            log.error("%s %s: not published: %s", self.topic, key, error)
            raise EventNotPublishedError(
                "the change could not be published and was not made; retry later"
            ) from error
