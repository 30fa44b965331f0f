"""Publish AlertStatusChanged events to alerts.status.v1 (Kafka trouble → 503)."""

from __future__ import annotations

from schemas import AlertStatusChanged, Topic
from services.common.config import CommonSettings
from services.common.kafka import SharedProducer
from services.common.publishing import EventPublisher


class StatusPublisher:
    """Callable that sends one status change and waits for the broker's acknowledgement."""

    def __init__(self, settings: CommonSettings, producer: SharedProducer) -> None:
        self.publish = EventPublisher(producer, settings.topic(Topic.ALERTS_STATUS))

    def __call__(self, event: AlertStatusChanged) -> None:
        self.publish(event, str(event.alert_id))
