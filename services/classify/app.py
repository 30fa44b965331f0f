"""Wiring only: the faust app of the classify worker, its topics, its location table, its agent and pages."""

from __future__ import annotations

import logging

import faust
from aiokafka import AIOKafkaConsumer
from faust.types import StreamT

from schemas.topics import Topic
from services.classify.agents import ClassifyAgents, LocationFollower, LocationIndex
from services.classify.analyser import Classifier, EvidenceAnalyser
from services.classify.analysis_cache import CachingAnalyser
from services.classify.cluster_follower import ClusterFollower
from services.classify.config import ClassifySettings
from services.classify.metrics import ClassifyMetrics
from services.classify.neardup.clusters import NearDuplicates
from services.classify.neardup.signature import MinHasher
from services.classify.registry import active_model
from services.common.faust_broker import aiokafka_options, create_faust_app
from services.common.faust_metrics import add_metrics_page, consumer_lag

log = logging.getLogger(__name__)


def load_analyser(settings: ClassifySettings) -> Classifier:
    """The model the settings name, else the current one (loaded once, at worker start)."""
    model = active_model(settings)
    log.info("loading model %s from %s", model.model_version, model.path)
    analyser = EvidenceAnalyser.load(model.path)
    if settings.classify_analysis_cache_entries == 0:
        return analyser
    return CachingAnalyser(analyser, settings.classify_analysis_cache_entries)


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
    clusters = (
        NearDuplicates(
            MinHasher(),
            threshold=settings.classify_neardup_threshold,
            horizon_seconds=settings.classify_neardup_horizon_seconds,
            max_items_per_area=settings.classify_neardup_max_items_per_area,
        )
        if settings.classify_neardup_enabled
        else None
    )
    cluster_follower: ClusterFollower | None = None
    if clusters is not None:
        cluster_follower = ClusterFollower(
            settings.topic(Topic.EVIDENCE_CLASSIFIED), clusters, settings.classify_neardup_horizon_seconds
        )
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
        clusters=clusters,
        clusters_ready=cluster_follower.caught_up if cluster_follower else None,
        author_key=settings.classify_author_key.get_secret_value().encode(),
        restriction=settings.restriction_rule,
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

    if cluster_follower is not None:
        reader = cluster_follower

        @app.task
        async def follow_clusters() -> None:
            consumer = AIOKafkaConsumer(
                reader.topic,
                **aiokafka_options(settings),
                enable_auto_commit=False,
                auto_offset_reset="earliest",
            )
            try:
                await reader.run(consumer)
            except Exception as error:
                log.critical("the near-duplicate cluster reader failed: %r", error)
                await app.crash(error)
                raise

    async def update_lag() -> None:
        metrics.record_lag(await consumer_lag(app, {evidence_topic.get_topic_name()}))
        if clusters is not None:
            metrics.record_clusters(len(clusters), clusters.nbytes())

    add_metrics_page(app, update_lag)

    @app.timer(interval=settings.classify_metrics_log_seconds)
    async def log_metrics() -> None:
        await update_lag()
        log.info("classify %s", metrics.summary())

    return app
