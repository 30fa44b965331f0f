"""Faust wiring: classified evidence → observations keyed by rule and key → state and alerts.

Stage 1 (`route_evidence`) reads evidence.classified.v1 and sends one observation per rule and group
key to an internal topic keyed by that key, so a key's state and decisions live in exactly one
partition and one worker; `route_corrections` does the same for analysts' corrections (corrections.v1),
with the corrected labels, for the rules that read labels (`services/alerts/corrections.py`). Stage 2
(`detect_alerts`) applies observations to `key_to_state` (memory store, changelog topic) and publishes
alerts. A timer broadcasts this worker's event-time progress to every observations partition; the low
watermark (minimum over all classified partitions) drives flatline rules. The trace an item carries (W3C
`traceparent`) goes on through both stages, each stage's span the child of the one before, and an alert
an item raised carries that item's trace.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import faust
from opentelemetry.trace import SpanKind

from schemas.alerts import AlertRaised
from schemas.common import Event
from schemas.topics import Topic
from services.alerts.codec import decode_classified, decode_correction, decode_stage, encode_stage
from services.alerts.config import AlertsSettings
from services.alerts.domain import Observation, WatermarkTick, Withdrawal, closed_by_correction
from services.alerts.engine import AlertEngine, Decision
from services.alerts.progress import Progress
from services.alerts.rules import RuleSet, load_rules
from services.alerts.topics import OBSERVATIONS_TOPIC
from services.common.dlq import DeadLetterBreaker, send_dead_letter
from services.common.errors import PoisonMessageError
from services.common.faust_broker import create_faust_app
from services.common.faust_metrics import add_metrics_page, consumer_lag
from services.common.kafka import event_message
from services.common.metrics import count_items, record_lag
from services.common.tracing import item_span, with_trace_headers

log = logging.getLogger(__name__)
SERVICE = "alerts"
T = TypeVar("T")


def create_app(settings: AlertsSettings, rules: RuleSet | None = None) -> faust.App:
    rules = rules if rules is not None else load_rules(settings.alerts_rules_file)
    partitions = settings.alerts_observation_partitions
    app = create_faust_app(
        settings,
        "alerts",
        session_timeout_seconds=settings.alerts_session_timeout_seconds,
        web_enabled=settings.alerts_web_enabled,
        web_host=settings.alerts_web_host,
        web_port=settings.alerts_web_port,
        store="memory://",
        topic_partitions=partitions,
        table_standby_replicas=0,
    )
    raw: dict[str, Any] = {"key_serializer": "raw", "value_serializer": "raw"}
    classified_topic = app.topic(settings.topic(Topic.EVIDENCE_CLASSIFIED), **raw)
    observations_topic = app.topic(
        settings.topic(OBSERVATIONS_TOPIC), internal=True, partitions=partitions, **raw
    )
    alerts_topic = app.topic(settings.topic(Topic.ALERTS_RAISED), **raw)
    status_topic = app.topic(settings.topic(Topic.ALERTS_STATUS), **raw)
    dlq_topic = app.topic(settings.topic(Topic.EVIDENCE_CLASSIFIED_DLQ), **raw)
    corrections_topic = app.topic(settings.topic(Topic.CORRECTIONS), **raw)
    corrections_dlq_topic = app.topic(settings.topic(Topic.CORRECTIONS_DLQ), **raw)
    key_to_state = app.Table("key_to_state", default=None, partitions=partitions)  # json keys and values

    engine = AlertEngine(rules, key_to_state, settings.alerts_classified_partitions)
    progress = Progress()
    breaker = DeadLetterBreaker(settings.alerts_max_consecutive_dead_letters, service=SERVICE)

    async def dead_letter(
        event: faust.types.EventT, error: PoisonMessageError, topic: faust.types.TopicT = dlq_topic
    ) -> None:
        """Dead-letter and wait for the broker's ack; stop when too many in a row were rejected."""
        await (await send_dead_letter(topic, event.message, error, service=SERVICE))
        breaker.record(dead_lettered=True)
        breaker.check()

    async def send(topic: faust.types.TopicT, event: Event, key: str) -> None:
        message = event_message(event, key)
        sent = await topic.send(
            key=message["key"],
            value=message["value"],
            headers=with_trace_headers(message["headers"]),
            force=True,
        )
        await sent

    async def publish(alert: AlertRaised) -> None:
        """Send and wait for the broker's ack, so state never records an alert that was not published; a
        withdrawn alert's closing status event (alerts.status.v1) likewise."""
        await send(alerts_topic, alert, str(alert.alert_id))
        log.info(
            "alert %s %s v%d %s: %s", alert.rule_id, alert.alert_id, alert.version, alert.change, alert.reason
        )
        if closing := closed_by_correction(alert):
            await send(status_topic, closing, str(alert.alert_id))

    async def send_observations(observations: list[Observation | Withdrawal]) -> None:
        headers = with_trace_headers([])  # the current item's span, if any
        for observation in observations:
            await observations_topic.send(
                key=observation.state_key.encode(),
                value=encode_stage(observation),
                headers=headers,
                force=True,
            )

    async def decoded(
        stream: faust.StreamT, decode: Callable[[bytes], T], topic: faust.types.TopicT
    ) -> AsyncIterator[tuple[faust.types.EventT, T]]:
        """Each event with its decoded value; a poison message goes to the dead-letter `topic` instead."""
        async for event in stream.events():
            try:
                value = decode(event.value)
            except PoisonMessageError as error:
                await dead_letter(event, error, topic)
                count_items(SERVICE, event.message.topic, ["dead_lettered"])
                continue
            breaker.record(dead_lettered=False)
            count_items(SERVICE, event.message.topic, ["done"])
            yield event, value

    @app.agent(classified_topic)
    async def route_evidence(stream: faust.StreamT) -> None:
        async for event, evidence in decoded(stream, decode_classified, dlq_topic):
            with item_span(
                "alerts.route", str(evidence.evidence_id), parent=event.headers, kind=SpanKind.CONSUMER
            ):
                await send_observations([*engine.observations(evidence)])
            progress.see(event.message.partition, evidence.occurred_at)

    @app.agent(corrections_topic)
    async def route_corrections(stream: faust.StreamT) -> None:
        async for _event, correction in decoded(stream, decode_correction, corrections_dlq_topic):
            await send_observations(engine.correction_observations(correction))

    @app.agent(observations_topic)
    async def detect_alerts(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                message = decode_stage(event.value)
            except PoisonMessageError as error:
                await dead_letter(event, error)
                continue
            partition = event.message.partition
            if isinstance(message, WatermarkTick):
                await settle(engine.judge(message, partition))
                continue
            with item_span(
                "alerts.detect", str(message.evidence_id), parent=event.headers, kind=SpanKind.CONSUMER
            ):
                decision = engine.decide(message, partition)
                await settle([decision] if decision else [])

    async def settle(decisions: list[Decision]) -> None:
        """Publish each decision's alerts (acked), then record the decision in state."""
        for decision in decisions:
            for alert in decision.alerts:
                await publish(alert)
            engine.commit(decision)

    @app.timer(interval=settings.alerts_tick_interval_seconds)
    async def broadcast_progress() -> None:
        tick = progress.take_tick()
        if tick is None:
            return
        value = encode_stage(tick)
        for partition in range(partitions):
            await observations_topic.send(value=value, partition=partition)

    async def update_lag() -> None:
        record_lag(SERVICE, await consumer_lag(app, {classified_topic.get_topic_name()}))

    add_metrics_page(app, update_lag)
    return app
