"""Wiring only: the faust app of the classify worker, its topics, its location table, its agent and pages."""

from __future__ import annotations

import logging
import ssl
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer
from faust.types import StreamT
from faust.web import Request, Response, View

from schemas.topics import Topic
from services.classify.agents import ClassifyAgents, LocationFollower, LocationIndex
from services.classify.analyser import Classifier, EvidenceAnalyser
from services.classify.metrics import ClassifyMetrics
from services.classify.worker_config import WorkerSettings
from services.common.faust_broker import broker_credentials, broker_url
from services.common.faust_rewind import RewindingApp

log = logging.getLogger(__name__)


def _aiokafka_options(settings: WorkerSettings) -> dict[str, Any]:
    """Connection options in aiokafka's spelling."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap,
        "security_protocol": settings.kafka_security_protocol,
    }
    if settings.kafka_sasl_mechanism:
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism
        options["sasl_plain_username"] = settings.kafka_sasl_username
        if settings.kafka_sasl_password:
            options["sasl_plain_password"] = settings.kafka_sasl_password.get_secret_value()
    if settings.kafka_security_protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
    return options


def load_analyser(settings: WorkerSettings) -> Classifier:
    """The trained pipeline named by the settings (loaded once, at worker start)."""
    return EvidenceAnalyser.load(settings.model_dir)


def create_app(settings: WorkerSettings, analyser: Classifier | None = None) -> faust.App:
    """A faust app for these settings; tests pass a fake analyser and a `memory://` store."""
    settings.worker_data_dir.mkdir(parents=True, exist_ok=True)
    app = RewindingApp(
        settings.app_id,
        broker=broker_url(settings),
        broker_credentials=broker_credentials(settings),
        store=settings.worker_store,
        datadir=str(settings.worker_data_dir / "{conf.name}"),
        key_serializer="raw",
        value_serializer="raw",
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        broker_session_timeout=settings.worker_session_timeout_seconds,
        topic_disable_leader=True,
        web_enabled=settings.worker_web_enabled,
        web_bind=settings.worker_web_host,
        web_port=settings.worker_web_port,
        autodiscover=False,
    )
    evidence_topic = app.topic(settings.topic(Topic.EVIDENCE_RECEIVED))
    metrics = ClassifyMetrics()
    locations = LocationIndex(settings.worker_gazetteer_refresh_seconds)
    agents = ClassifyAgents(
        analyser=analyser or load_analyser(settings),
        locations=locations,
        classified_topic=app.topic(settings.topic(Topic.EVIDENCE_CLASSIFIED)),
        evidence_dlq_topic=app.topic(settings.topic(Topic.EVIDENCE_RECEIVED_DLQ)),
        metrics=metrics,
        batch_size=settings.worker_batch_size,
        batch_seconds=settings.worker_batch_seconds,
        max_consecutive_dead_letters=settings.worker_max_consecutive_dead_letters,
        analyse_in_thread=settings.worker_analyse_in_thread,
        stop=app.crash,
    )

    @app.agent(evidence_topic, name="classify_evidence")
    async def classify_evidence(stream: StreamT) -> None:
        await agents.classify_evidence(stream)

    @app.task
    async def follow_locations() -> None:
        follower = LocationFollower(
            AIOKafkaConsumer(**_aiokafka_options(settings), enable_auto_commit=False),
            settings.topic(Topic.LOCATIONS_REFERENCE),
            locations,
            metrics,
        )
        try:
            await follower.run()
        except Exception as error:
            log.critical("the location table reader failed: %r", error)
            await app.crash(error)
            raise

    @app.page("/metrics")
    class MetricsView(View):
        async def get(self, request: Request, **kwargs: Any) -> Response:
            _update_lag(app, metrics, evidence_topic.get_topic_name())
            return self.text(metrics.render(), content_type="text/plain; version=0.0.4")

    @app.timer(interval=settings.worker_metrics_log_seconds)
    async def log_metrics() -> None:
        _update_lag(app, metrics, evidence_topic.get_topic_name())
        log.info("classify %s", metrics.summary())

    return app


def _update_lag(app: faust.App, metrics: ClassifyMetrics, topic: str) -> None:
    """Lag of each assigned input partition: high watermark minus the next offset to commit."""
    consumer = app.consumer
    assigned = [tp for tp in consumer.assignment() if tp.topic == topic]
    metrics.assigned_partitions = len(assigned)
    metrics.lag = {}
    for tp in assigned:
        highwater = consumer.highwater(tp)
        committed = consumer._committed_offset.get(tp)  # noqa: SLF001 - faust exposes no public accessor
        if highwater is not None:
            metrics.lag[(tp.topic, tp.partition)] = max(highwater - (committed or 0), 0)
