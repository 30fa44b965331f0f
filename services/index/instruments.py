"""The index worker's Prometheus series and per-item log lines for one settled batch (series defined in
services/common/metrics.py)."""

from __future__ import annotations

import logging

from services.common.logs import key_fields
from services.common.metrics import BATCH_SECONDS, count_items
from services.index.batch import Message
from services.index.outcomes import Outcome

log = logging.getLogger(__name__)


def observe_batch(service: str, batch: list[Message], seconds: float) -> None:
    """Time the batch and count its messages per input topic: dead-lettered, superseded (a newer
    version was already indexed) or done; one log line per item (DEBUG, WARNING when dead-lettered)."""
    BATCH_SECONDS.labels(service).observe(seconds)
    for message in batch:
        outcome = _outcome(message)
        count_items(service, message.topic, [outcome])
        fields = {"outcome": outcome, **key_fields(message.topic, message.key)}
        if message.rejection is not None and outcome == "dead_lettered":
            fields["error_type"] = message.rejection.error_type
            log.warning(
                "dead-lettered %s[%d]@%d", message.topic, message.partition, message.offset, extra=fields
            )
        else:
            log.debug("%s %s[%d]@%d", outcome, message.topic, message.partition, message.offset, extra=fields)


def _outcome(message: Message) -> str:
    if message.rejected:
        return "dead_lettered"
    if Outcome.SUPERSEDED in message.action_outcomes:
        return "superseded"
    return "done"
