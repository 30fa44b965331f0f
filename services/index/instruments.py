"""The index worker's Prometheus series, per-item log lines and trace spans for one settled batch (series
defined in services/common/metrics.py, trace context in services/common/tracing.py)."""

from __future__ import annotations

import logging
import time

from opentelemetry.trace import SpanKind

from services.common.logs import key_fields
from services.common.metrics import BATCH_SECONDS, count_items
from services.common.tracing import item_span
from services.index.batch import Message
from services.index.outcomes import Outcome

log = logging.getLogger(__name__)


def observe_batch(service: str, batch: list[Message], seconds: float) -> None:
    """Time the batch and count its messages per input topic: dead-lettered, superseded (a newer
    version was already indexed) or done. Each evidence item gets a span over the batch's time,
    continuing the trace its headers carry; every item a log line (DEBUG, WARNING when dead-lettered)."""
    BATCH_SECONDS.labels(service).observe(seconds)
    began = time.time_ns() - int(seconds * 1e9)
    for message in batch:
        outcome = _outcome(message)
        count_items(service, message.topic, [outcome])
        fields = {"outcome": outcome, **key_fields(message.topic, message.key)}
        if "evidence_id" not in fields:
            _log(message, fields)
            continue
        with item_span(
            service, fields["evidence_id"], parent=message.headers, kind=SpanKind.CONSUMER, start_time=began
        ) as span:
            span.set_attribute("caresignal.outcome", outcome)
            _log(message, fields)


def _log(message: Message, fields: dict[str, str]) -> None:
    where = (message.topic, message.partition, message.offset)
    if message.rejection is not None and fields["outcome"] == "dead_lettered":
        log.warning(
            "dead-lettered %s[%d]@%d", *where, extra={**fields, "error_type": message.rejection.error_type}
        )
    else:
        log.debug("%s %s[%d]@%d", fields["outcome"], *where, extra=fields)


def _outcome(message: Message) -> str:
    if message.rejected:
        return "dead_lettered"
    if Outcome.SUPERSEDED in message.action_outcomes:
        return "superseded"
    return "done"
