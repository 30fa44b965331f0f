"""Wiring only: the faust app of the classify worker, its topics, its location table, its agent and pages."""

from __future__ import annotations

import logging
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer
from faust.types import StreamT
from faust.web import Request, Response, View

from schemas.topics import Topic
from services.classify.agents import ClassifyAgents, LocationFollower, LocationIndex
from services.classify.analyser import Classifier, EvidenceAnalyser
from services.classify.config import ClassifySettings
from services.classify.metrics import ClassifyMetrics
from services.classify.registry import active_model
from services.common.faust_broker import aiokafka_options, create_faust_app

log = logging.getLogger(__name__)


def load_analyser(settings: ClassifySettings) -> Classifier:
    """The model the settings name, else the current one (loaded once, at worker start)."""
    model = active_model(settings)
    log.info("loading model %s from %s", model.model_version, model.path)
    return EvidenceAnalyser.load(model.path)


def create_app(settings: ClassifySettings, analyser: Classifier | None = None) -> faust.App:
    """A faust app for these settings; tests pass a fake analyser and a `memory://` store."""
    app = create_faust_app(
        settings,
        "classify",
        session_timeout_seconds=settings.classify_session_timeout_seconds,
        web_enabled=settings.classify_web_enabled,
        web_host=settings.classify_web_host,
        web_port=settings.classify_web_port,
        store=settings.classify_store,
        producer_acks=-1,
        topic_disable_leader=True,
    )
    evidence_topic = app.topic(settings.topic(Topic.EVIDENCE_RECEIVED))
    metrics = ClassifyMetrics()
    locations = LocationIndex(settings.classify_gazetteer_refresh_seconds)
    agents = ClassifyAgents(
        analyser=analyser or load_analyser(settings),
        locations=locations,
        classified_topic=app.topic(settings.topic(Topic.EVIDENCE_CLASSIFIED)),
        evidence_dlq_topic=app.topic(settings.topic(Topic.EVIDENCE_RECEIVED_DLQ)),
        metrics=metrics,
        batch_size=settings.classify_batch_size,
        batch_seconds=settings.classify_batch_seconds,
        max_consecutive_dead_letters=settings.classify_max_consecutive_dead_letters,
        analyse_in_thread=settings.classify_analyse_in_thread,
        stop=app.crash,
    )

    @app.agent(evidence_topic, name="classify_evidence")
    async def classify_evidence(stream: StreamT) -> None:
        await agents.classify_evidence(stream)

    @app.task
    async def follow_locations() -> None:
        topic = settings.topic(Topic.LOCATIONS_REFERENCE)
        consumer = AIOKafkaConsumer(
            topic, **aiokafka_options(settings), enable_auto_commit=False, auto_offset_reset="earliest"
        )
        follower = LocationFollower(consumer, topic, locations, metrics)
        try:
            await follower.run()
        except Exception as error:
            log.critical("the location table reader failed: %r", error)
            await app.crash(error)
            raise

    @app.page("/metrics")
    class MetricsView(View):
        async def get(self, request: Request, **kwargs: Any) -> Response:
            await _update_lag(app, metrics, evidence_topic.get_topic_name())
            return self.text(metrics.render(), content_type="text/plain; version=0.0.4")

    @app.timer(interval=settings.classify_metrics_log_seconds)
    async def log_metrics() -> None:
        await _update_lag(app, metrics, evidence_topic.get_topic_name())
        log.info("classify %s", metrics.summary())

    return app


async def _update_lag(app: faust.App, metrics: ClassifyMetrics, topic: str) -> None:
    """Lag of each assigned input partition: high watermark minus the offset this worker last committed
    (faust's monitor), or minus its read position before its first commit there."""
    consumer = app.consumer
    assigned = [tp for tp in consumer.assignment() if tp.topic == topic]
    metrics.assigned_partitions = len(assigned)
    metrics.lag = {}
    for tp in assigned:
        highwater = consumer.highwater(tp)
        done = app.monitor.tp_committed_offsets.get(tp)
        if done is None:
            done = await consumer.position(tp)
        if highwater is not None:
            metrics.lag[(tp.topic, tp.partition)] = max(highwater - (done or 0), 0)
