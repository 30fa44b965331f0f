"""Publish AlertStatusChanged events to alerts.status.v1 (Kafka trouble → 503)."""

from __future__ import annotations

import logging

from kafka.errors import KafkaError, KafkaTimeoutError

from schemas import AlertStatusChanged, Topic
from services.alerts.errors import StatusNotPublishedError, StatusUnconfirmedError
from services.common.config import CommonSettings
from services.common.kafka import SharedProducer, event_message

log = logging.getLogger(__name__)


class StatusPublisher:
    """Callable that sends one status change and waits for the broker's acknowledgement."""

    def __init__(self, settings: CommonSettings, producer: SharedProducer) -> None:
        self.topic = settings.topic(Topic.ALERTS_STATUS)
        self.producer = producer

    def __call__(self, event: AlertStatusChanged) -> None:
        sent = None
        try:
            sent = self.producer.get().send(self.topic, **event_message(event, str(event.alert_id)))
            sent.get(timeout=15)
        except KafkaError as error:
            if sent is not None and isinstance(error, KafkaTimeoutError):  # buffered: delivery goes on
                log.error(
                    "alert %s: status change not confirmed by the broker yet: %s", event.alert_id, error
                )
                raise StatusUnconfirmedError(
                    "the change was made but the broker has not confirmed its event yet; reload later"
                ) from error
            log.error("alert %s: status change not published: %s", event.alert_id, error)
            raise StatusNotPublishedError(
                "the change could not be published and was not made; retry later"
            ) from error
