"""A batch of consumed messages on its way to Elasticsearch: fill rules and per-message state."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from services.common.errors import PoisonMessageError
from services.index.documents import Action
from services.index.outcomes import Outcome


@dataclass
class Message:
    """One consumed record, the actions it became, and where it ended up."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes | None]] = field(default_factory=list)  # trace context among them
    actions: list[Action] = field(default_factory=list)
    action_outcomes: list[Outcome] = field(default_factory=list)
    rejection: PoisonMessageError | None = None

    @property
    def rejected(self) -> bool:
        return self.rejection is not None and not self.pending_actions

    @property
    def pending_actions(self) -> list[int]:
        """Indices of actions not yet settled (never sent, or failed transiently)."""
        return [i for i, outcome in enumerate(self.action_outcomes) if not outcome.final]

    def reject(self, rejection: PoisonMessageError) -> None:
        self.rejection = rejection


@dataclass(frozen=True)
class FillRules:
    """When a batch is full: by count, by bytes, or by age of its first message (linger)."""

    max_messages: int
    max_bytes: int
    linger_seconds: float

    def is_full(self, count: int, size: int) -> bool:
        return count >= self.max_messages or size >= self.max_bytes

    def remaining_seconds(self, started: float | None, now: float | None = None) -> float:
        """Seconds left before an open batch must be flushed (linger from its first message)."""
        if started is None:
            return self.linger_seconds
        return max(0.0, started + self.linger_seconds - (time.monotonic() if now is None else now))


def offsets_to_commit(messages: list[Message]) -> dict[tuple[str, int], int]:
    """Next offset to commit per (topic, partition): one past the last processed message."""
    offsets: dict[tuple[str, int], int] = {}
    for message in messages:
        key = (message.topic, message.partition)
        offsets[key] = max(offsets.get(key, 0), message.offset + 1)
    return offsets


def message_size(value: Any) -> int:
    return len(value) if value else 0
