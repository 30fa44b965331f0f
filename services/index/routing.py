"""Which topic holds which event, how its messages become bulk actions, and where rejects go."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel

from schemas import AlertRaised, AlertStatusChanged, EvidenceClassified, LocationReference, Topic
from services.common.config import CommonSettings
from services.common.dlq import decode
from services.common.indices import Names
from services.index.documents import (
    Action,
    alert_actions,
    alert_status_actions,
    evidence_action,
    location_action,
)

SOURCE_TOPICS = (
    Topic.EVIDENCE_CLASSIFIED,
    Topic.LOCATIONS_REFERENCE,
    Topic.ALERTS_RAISED,
    Topic.ALERTS_STATUS,
)


@dataclass(frozen=True)
class Route:
    model: type[BaseModel]
    to_actions: Callable[[BaseModel, Names, datetime], list[Action]]


ROUTES: dict[Topic, Route] = {
    Topic.EVIDENCE_CLASSIFIED: Route(EvidenceClassified, lambda e, n, t: [evidence_action(e, n, t)]),
    Topic.LOCATIONS_REFERENCE: Route(LocationReference, lambda e, n, t: [location_action(e, n, t)]),
    Topic.ALERTS_RAISED: Route(AlertRaised, alert_actions),
    Topic.ALERTS_STATUS: Route(AlertStatusChanged, alert_status_actions),
}


class TopicRouter:
    """Maps prefixed topic names back to catalogue topics and turns message bytes into actions."""

    def __init__(self, settings: CommonSettings) -> None:
        self.names = Names(settings)
        self._by_name = {settings.topic(topic.value): topic for topic in SOURCE_TOPICS}
        self._dead_letter_topics = {
            name: settings.topic(Topic(f"{topic.value}.dlq")) for name, topic in self._by_name.items()
        }

    @property
    def topic_names(self) -> list[str]:
        return list(self._by_name)

    def dead_letter_topic(self, topic_name: str) -> str:
        """`<topic>.dlq` of a source topic (every source topic has one in the catalogue)."""
        return self._dead_letter_topics[topic_name]

    def actions_for(self, topic_name: str, raw: bytes | None, indexed_at: datetime) -> list[Action]:
        """Decode and validate one message; PoisonMessageError when it is not a valid event."""
        route = ROUTES[self._by_name[topic_name]]
        return route.to_actions(decode(route.model, raw), self.names, indexed_at)
