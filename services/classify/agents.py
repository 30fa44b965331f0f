"""The classify agents: decode → validate → analyse → resolve → encode → send, with dead letters at the edge.

At-least-once: events are taken with `noack_take`, and acknowledged only after every message they
produced (classified event or dead letter) has been acknowledged by the broker. A worker that dies
mid-batch acknowledges nothing of that batch, so the batch is redelivered; event ids and keys are
deterministic, so a redelivery overwrites rather than duplicates downstream.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from faust.types import EventT, StreamT, TopicT
from opentelemetry.trace import SpanKind
from pydantic import ValidationError

from schemas.cloudevents import cloudevent_headers, encode
from schemas.evidence import EvidenceReceived
from schemas.locations import LocationReference
from services.classify.analyser import Classifier, TextAnalysis
from services.classify.domain import build_classified
from services.classify.following import Ends, follow_topic
from services.classify.gazetteer import ProviderGazetteer
from services.classify.metrics import ClassifyMetrics
from services.classify.neardup.authors import author_token
from services.classify.neardup.clusters import NearDuplicates
from services.classify.resolve import KnownLocation, is_newer, resolve
from services.classify.restriction import RestrictionRule
from services.common.dlq import DeadLetterBreaker, TooManyDeadLettersError, decode, send_dead_letter
from services.common.errors import PoisonMessageError
from services.common.tracing import item_span, with_trace_headers

log = logging.getLogger(__name__)

SERVICE = "classify"


class LocationIndex:
    """The `location_id_to_location` table: the latest version of every location, with a name gazetteer."""

    def __init__(self, refresh_seconds: float) -> None:
        self.location_id_to_location: dict[str, KnownLocation] = {}
        self.caught_up = asyncio.Event()
        self._refresh_seconds = refresh_seconds
        self._gazetteer = ProviderGazetteer(())
        self._changed = False
        self._built_at = -refresh_seconds

    def get(self, location_id: str | None) -> KnownLocation | None:
        return self.location_id_to_location.get(location_id) if location_id else None

    def remember(self, known: KnownLocation) -> bool:
        """Store a location unless a newer version of it is held already."""
        if not is_newer(known, self.get(known.location_id)):
            return False
        self.location_id_to_location[known.location_id] = known
        self._changed = True
        return True

    def forget(self, location_id: str) -> None:
        if self.location_id_to_location.pop(location_id, None) is not None:
            self._changed = True

    def apply(self, key: bytes | None, value: bytes | None) -> bool:
        """One record of the compacted locations topic: a reference, or a tombstone (no value) to delete."""
        if value is None:
            if key:
                self.forget(key.decode())
            return False
        return self.remember(KnownLocation.from_reference(LocationReference.model_validate_json(value)))

    def providers(self) -> ProviderGazetteer:
        """The provider-name gazetteer, rebuilt at most every `refresh_seconds` after the table changed."""
        if self._changed and time.monotonic() - self._built_at >= self._refresh_seconds:
            locations = list(self.location_id_to_location.values())
            self._gazetteer = ProviderGazetteer(entry for known in locations for entry in known.named_areas())
            self._changed, self._built_at = False, time.monotonic()
        return self._gazetteer


class LocationFollower:
    """Reads every partition of the compacted locations topic into the index, from the beginning, forever.

    Every worker keeps the whole table: the compacted topic is its changelog, so a restarted worker
    recovers by reading it again. `caught_up` is set once the end offsets seen at start are reached.
    """

    def __init__(
        self, consumer: AIOKafkaConsumer, topic: str, index: LocationIndex, metrics: ClassifyMetrics
    ):
        self.consumer = consumer
        self.topic = topic
        self.index = index
        self.metrics = metrics

    async def run(self) -> None:
        """The consumer is subscribed to the topic without a group: starting it assigns every partition."""
        await follow_topic(
            self.consumer,
            self.topic,
            seek=self._seek_to_beginning,
            apply=self._apply,
            caught_up=self.index.caught_up,
            on_caught_up=lambda: log.info(
                "location table caught up: %d locations", len(self.index.location_id_to_location)
            ),
        )

    async def _seek_to_beginning(self, partitions: list[TopicPartition], _ends: Ends) -> None:
        await self.consumer.seek_to_beginning(*partitions)

    def _apply(self, record: ConsumerRecord) -> None:
        try:
            if self.index.apply(record.key, record.value):
                self.metrics.record_location(recorded=True)
        except ValidationError as error:  # the indexer owns the locations DLQ; classify skips and says so
            self.metrics.record_location(recorded=False)
            log.warning(
                "skipped invalid location record %s[%d]@%d: %s",
                record.topic,
                record.partition,
                record.offset,
                error.errors()[0]["msg"],
            )


class ClassifyAgents:
    """The agents' bodies, with their collaborators; `app.py` wires them to topics."""

    def __init__(
        self,
        *,
        analyser: Classifier,
        locations: LocationIndex,
        classified_topic: TopicT,
        evidence_dlq_topic: TopicT,
        metrics: ClassifyMetrics,
        batch_size: int,
        batch_seconds: float,
        max_consecutive_dead_letters: int,
        analyse_in_thread: bool,
        stop: Callable[[BaseException], Awaitable[None]],
        clusters: NearDuplicates | None = None,
        clusters_ready: asyncio.Event | None = None,
        author_key: bytes = b"",
        restriction: RestrictionRule | None = None,
    ) -> None:
        self.analyser = analyser
        self.restriction = restriction or RestrictionRule()
        self.locations = locations
        self.classified_topic = classified_topic
        self.evidence_dlq_topic = evidence_dlq_topic
        self.metrics = metrics
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.breaker = DeadLetterBreaker(max_consecutive_dead_letters, service=SERVICE)
        self.executor = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="spacy") if analyse_in_thread else None
        )
        self.stop = stop
        self.clusters = clusters
        self.clusters_ready = clusters_ready
        self.author_key = author_key

    # --- evidence ----------------------------------------------------------------------------------------

    async def classify_evidence(self, stream: StreamT) -> None:
        """Classify raw evidence in batches; ack each batch only once its output is on the broker."""
        await self.locations.caught_up.wait()
        if self.clusters_ready is not None:
            await self.clusters_ready.wait()
        async for events in stream.noack_take(self.batch_size, within=self.batch_seconds):
            started = time.perf_counter()
            try:
                done = await self._classify_batch(events)
            except Exception as error:
                log.critical("classify batch failed; stopping without acknowledging it: %r", error)
                await self.stop(error)
                raise
            for event in done:
                await stream.ack(event)
            self.metrics.observe_batch(len(done), time.perf_counter() - started)
            try:
                self.breaker.check()
            except TooManyDeadLettersError as error:
                log.critical("%s", error)
                await self.stop(error)
                raise

    async def _classify_batch(self, events: Sequence[EventT]) -> list[EventT]:
        """Route each event until the breaker opens; returns the events whose output the broker acked."""
        decoded = [self._decode(event) for event in events]
        valid = [received for received in decoded if isinstance(received, EvidenceReceived)]
        analyses = iter(await self._analyse(valid))
        sends: list[Awaitable[Any]] = []
        done: list[EventT] = []
        for event, received in zip(events, decoded, strict=True):
            outcome = next(analyses) if isinstance(received, EvidenceReceived) else received
            if not isinstance(outcome, PoisonMessageError):
                assert isinstance(received, EvidenceReceived)
                with item_span(
                    "classify", str(received.evidence_id), parent=event.headers, kind=SpanKind.CONSUMER
                ):
                    outcome = await self._publish(event, received, outcome, sends)
            if isinstance(outcome, PoisonMessageError):
                sends.append(await self._dead_letter(event, outcome))
            self.breaker.record(isinstance(outcome, PoisonMessageError))
            done.append(event)
            if self.breaker.is_open:
                break
        await asyncio.gather(*sends)
        return done

    @staticmethod
    def _decode(event: EventT) -> EvidenceReceived | PoisonMessageError:
        try:
            return decode(EvidenceReceived, event.value)
        except PoisonMessageError as error:
            return error

    async def _analyse(self, batch: Sequence[EvidenceReceived]) -> list[TextAnalysis | PoisonMessageError]:
        """Analyse the batch in one call; when it fails, item by item so one bad text fails alone."""
        if not batch:
            return []
        try:
            return list(await self._run_analyser([received.text for received in batch]))
        except Exception:  # noqa: BLE001 - isolate the failing item(s) below, each one is routed
            log.warning("batch analysis failed; retrying %d items one by one", len(batch), exc_info=True)
        results: list[TextAnalysis | PoisonMessageError] = []
        for received in batch:
            try:
                (analysis,) = await self._run_analyser([received.text])
                results.append(analysis)
            except Exception as error:  # noqa: BLE001 - an analyser error on one item dead-letters that item
                results.append(PoisonMessageError(str(error), f"AnalyserError:{type(error).__name__}"))
        return results

    async def _run_analyser(self, texts: list[str]) -> Sequence[TextAnalysis]:
        if self.executor is None:
            analyses = self.analyser.analyse(texts)
        else:
            analyses = await asyncio.get_running_loop().run_in_executor(
                self.executor, self.analyser.analyse, texts
            )
        if len(analyses) != len(texts):
            raise RuntimeError(f"analyser returned {len(analyses)} results for {len(texts)} texts")
        return analyses

    async def _publish(
        self, event: EventT, received: EvidenceReceived, analysis: TextAnalysis, sends: list[Awaitable[Any]]
    ) -> PoisonMessageError | None:
        """Resolve, build and send one classified event; a failure to build it is this item's fault."""
        location = self.locations.get(received.provider.location_id)
        try:
            resolution = resolve(received, location, self.locations.providers())
            built = build_classified(
                received,
                analysis,
                resolution,
                self.analyser.model_name,
                self.analyser.model_version,
                datetime.now(UTC),
                self.analyser.redact,
            )
            classified = self.restriction.apply(built)
        except ValidationError as error:
            return PoisonMessageError(str(error), f"InvalidAnalysis:{type(error).__name__}")
        if self.clusters is not None:
            duplication = self.clusters.assign(classified)
            if duplication is not None:
                duplication = duplication.model_copy(
                    update={"author": author_token(self.author_key, received)}
                )
            classified = classified.model_copy(update={"duplication": duplication})
            self.metrics.record_duplication(duplication.kind.value if duplication else "none")
        sends.append(
            await self.classified_topic.send(
                key=str(classified.evidence_id).encode(),
                value=encode(classified),
                headers=with_trace_headers(cloudevent_headers(classified)),
                force=True,
            )
        )
        self.metrics.record_classified(
            event.message.topic, resolution.method.value, bool(resolution.unresolved_location_id)
        )
        log.debug("classified", extra={"evidence_id": str(classified.evidence_id)})
        if resolution.unresolved_location_id:
            log.debug(  # per item: counted in the periodic summary line at INFO
                "location %s not in the reference yet; area by %s",
                resolution.unresolved_location_id,
                resolution.method.value,
            )
        return None

    async def _dead_letter(self, event: EventT, error: PoisonMessageError) -> Awaitable[Any]:
        self.metrics.record_dead_letter(event.message.topic, error.error_type)
        return await send_dead_letter(self.evidence_dlq_topic, event.message, error, service=SERVICE)
