"""The index worker's Prometheus series for one settled batch (definitions in services/common/metrics.py)."""

from __future__ import annotations

from services.common.metrics import BATCH_SECONDS, count_items
from services.index.batch import Message
from services.index.outcomes import Outcome


def observe_batch(service: str, batch: list[Message], seconds: float) -> None:
    """Time the batch and count its messages per input topic: dead-lettered, superseded (a newer
    version was already indexed) or done."""
    BATCH_SECONDS.labels(service).observe(seconds)
    for message in batch:
        count_items(service, message.topic, [_outcome(message)])


def _outcome(message: Message) -> str:
    if message.rejected:
        return "dead_lettered"
    if Outcome.SUPERSEDED in message.action_outcomes:
        return "superseded"
    return "done"
