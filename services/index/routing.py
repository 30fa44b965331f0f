"""Which topic holds which event, how its messages become bulk actions, and where rejects go."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from schemas import (
    AlertRaised,
    AlertStatusChanged,
    AuditRecorded,
    EvidenceClassified,
    EvidenceCorrected,
    LocationReference,
    Topic,
)
from services.common.config import CommonSettings
from services.common.dlq import decode
from services.common.indices import Names
from services.index.documents import (
    Action,
    alert_actions,
    alert_status_actions,
    audit_action,
    correction_actions,
    evidence_action,
    location_action,
)

SOURCE_TOPICS = (
    Topic.EVIDENCE_CLASSIFIED,
    Topic.LOCATIONS_REFERENCE,
    Topic.ALERTS_RAISED,
    Topic.ALERTS_STATUS,
    Topic.CORRECTIONS,
    Topic.AUDIT,
)
Corrections = Mapping[str, EvidenceCorrected]  # the latest correction of items, by evidence id


@dataclass(frozen=True)
class Route:
    model: type[BaseModel]
    to_actions: Callable[[Any, Names, datetime, Corrections], list[Action]]


ROUTES: dict[Topic, Route] = {
    Topic.EVIDENCE_CLASSIFIED: Route(
        EvidenceClassified, lambda e, n, t, c: [evidence_action(e, n, t, c.get(str(e.evidence_id)))]
    ),
    Topic.LOCATIONS_REFERENCE: Route(LocationReference, lambda e, n, t, c: [location_action(e, n, t)]),
    Topic.ALERTS_RAISED: Route(AlertRaised, lambda e, n, t, c: alert_actions(e, n, t)),
    Topic.ALERTS_STATUS: Route(AlertStatusChanged, lambda e, n, t, c: alert_status_actions(e, n, t)),
    Topic.CORRECTIONS: Route(EvidenceCorrected, lambda e, n, t, c: correction_actions(e, n, t)),
    Topic.AUDIT: Route(AuditRecorded, lambda e, n, t, c: [audit_action(e, n, t)]),
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

    def is_evidence(self, topic_name: str) -> bool:
        return self._by_name[topic_name] is Topic.EVIDENCE_CLASSIFIED

    def decode(self, topic_name: str, raw: bytes | None) -> BaseModel:
        """Decode and validate one message; PoisonMessageError when it is not a valid event."""
        return decode(ROUTES[self._by_name[topic_name]].model, raw)

    def actions(
        self, topic_name: str, event: Any, indexed_at: datetime, corrections: Corrections | None = None
    ) -> list[Action]:
        """The bulk actions of a decoded event. `corrections`: the latest correction of the batch's
        evidence items, applied over the model's labels."""
        return ROUTES[self._by_name[topic_name]].to_actions(event, self.names, indexed_at, corrections or {})

    def actions_for(
        self,
        topic_name: str,
        raw: bytes | None,
        indexed_at: datetime,
        corrections: Corrections | None = None,
    ) -> list[Action]:
        """`decode` then `actions`."""
        return self.actions(topic_name, self.decode(topic_name, raw), indexed_at, corrections)
