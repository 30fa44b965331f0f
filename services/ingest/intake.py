"""The edge that sends: new events to their topics, rejects to the DLQ; seen keys recorded after acks."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from time import perf_counter
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError
from opentelemetry.trace import SpanKind
from pydantic_core import PydanticSerializationError

from schemas.common import utc_now
from schemas.evidence import EvidenceReceived
from schemas.locations import LocationReference
from schemas.topics import Topic
from services.common.dlq import Origin, dead_letter, dead_letter_message
from services.common.errors import TransientError
from services.common.kafka import event_message
from services.common.tracing import item_span, with_trace_headers
from services.ingest.adapters import Adapter
from services.ingest.config import IngestSettings
from services.ingest.mapping import history_key, map_batch
from services.ingest.records import MappingContext, Outcome, RecordError, SourceRecord
from services.ingest.seen_store import SeenStore
from services.ingest.summary import IngestSummary, ItemResult, Status

SERVICE = "ingest"
log = logging.getLogger(__name__)


class DeliveryError(TransientError):
    """The broker did not acknowledge every message; `results` says what was delivered before that."""

    def __init__(self, message: str, results: list[ItemResult]) -> None:
        super().__init__(message)
        self.results = results


@dataclass(frozen=True)
class _Message:
    topic: str
    dedup_key: str
    send: dict[str, Any]


@dataclass
class _Plan:
    outcome: Outcome
    messages: list[_Message]
    error: RecordError | None


def batched(items: Iterable[SourceRecord], size: int) -> Iterator[list[SourceRecord]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def location_dedup_key(reference: LocationReference) -> str:
    """Location id plus a hash of its content without version and envelope: unchanged state is 'seen'."""
    content = reference.model_dump_json(exclude={"event_id", "occurred_at", "version"})
    return f"{reference.location_id}:{hashlib.sha256(content.encode()).hexdigest()[:32]}"


class Intake:
    """Owns nothing: the producer and the seen store are passed in and closed by whoever made them."""

    def __init__(self, settings: IngestSettings, producer: KafkaProducer, store: SeenStore) -> None:
        self._producer = producer
        self._store = store
        self._batch_size = settings.ingest_batch_size
        self._ack_timeout = settings.ingest_ack_timeout_seconds
        self.evidence_topic = settings.topic(Topic.EVIDENCE_RECEIVED)
        self.locations_topic = settings.topic(Topic.LOCATIONS_REFERENCE)
        self.dlq_topic = settings.topic(Topic.EVIDENCE_RECEIVED_DLQ)

    def ingest(
        self,
        records: Iterable[SourceRecord],
        adapter: Adapter,
        *,
        fetched_at: datetime | None = None,
        on_batch: Callable[[IngestSummary], None] | None = None,
    ) -> IngestSummary:
        """Map, deliver and account for every record, one batch at a time (constant memory)."""
        summary = IngestSummary()
        for batch in batched(records, self._batch_size):
            started = perf_counter()
            locations = [key for record in batch if (key := history_key(adapter, record))]
            ratings = self._store.ratings_for(self.evidence_topic, locations) if locations else ()
            context = MappingContext(received_at=utc_now(), reference="", fetched_at=fetched_at)
            try:
                results = self.deliver(map_batch(adapter, batch, context, ratings))
            except DeliveryError as error:
                summary.add(error.results, perf_counter() - started)
                raise
            summary.add(results, perf_counter() - started)
            log.info(
                "ingest batch records=%d accepted=%d rejected=%d seconds=%.3f",
                len(batch),
                sum(result.status is Status.ACCEPTED for result in results),
                sum(result.status is Status.REJECTED for result in results),
                summary.batch_seconds[-1],
            )
            if on_batch is not None:
                on_batch(summary)
        return summary

    def deliver(self, outcomes: list[Outcome]) -> list[ItemResult]:
        """Send what is new, dead-letter what is invalid, await every ack, then record what was delivered.

        From the seen check to the record, the ids of the batch are locked: a concurrent batch carrying
        one of them waits, then finds it seen (one send per id, however many identical requests).
        """
        plans = [self._plan(outcome) for outcome in outcomes]
        markers = [(message.topic, message.dedup_key) for plan in plans for message in plan.messages]
        with self._store.delivering(markers):
            seen = self._seen_keys(plans)
            try:
                futures = self._send(plans, seen)
            except KafkaError as error:  # e.g. metadata timeout: topic missing or broker down
                raise DeliveryError(f"could not send: {error!r}", []) from error
            failures = self._await_acks(futures)
            results = [self._result(plan, sent, seen) for plan, sent in zip(plans, futures, strict=True)]
            self._record_delivered(plans, futures, failures, seen)
        if failures:
            delivered = [
                result
                for result, pending in zip(results, futures, strict=True)
                if not failures & set(map(id, pending))
            ]
            raise DeliveryError(f"{len(failures)} messages were not acknowledged by the broker", delivered)
        return results

    def _send(self, plans: list[_Plan], seen: set[tuple[str, str]]) -> list[list[Any]]:
        """Send each plan's new messages (or its dead letter); one list of futures per plan."""
        sent_now: set[tuple[str, str]] = set()
        futures: list[list[Any]] = []
        for plan in plans:
            pending = []
            if plan.error is not None:
                record = plan.outcome.record
                letter = dead_letter(
                    record.raw, plan.error, service=SERVICE, origin=Origin(reference=record.reference)
                )
                key = record.reference.encode()
                pending.append(self._producer.send(self.dlq_topic, **dead_letter_message(letter, key)))
            for message in plan.messages:
                marker = (message.topic, message.dedup_key)
                if marker in seen or marker in sent_now:
                    continue
                sent_now.add(marker)
                pending.append(self._producer.send(message.topic, **message.send))
            futures.append(pending)
        return futures

    def _plan(self, outcome: Outcome) -> _Plan:
        if outcome.error is not None:
            return _Plan(outcome, [], outcome.error)
        try:
            messages = [self._evidence_message(event) for event in outcome.mapped.evidence] + [
                _Message(self.locations_topic, location_dedup_key(ref), event_message(ref, ref.location_id))
                for ref in outcome.mapped.locations
            ]
        except PydanticSerializationError as error:
            return _Plan(outcome, [], RecordError(f"cannot be encoded as UTF-8 JSON: {error}", "Unencodable"))
        return _Plan(outcome, messages, None)

    def _evidence_message(self, event: EvidenceReceived) -> _Message:
        """The item's message, starting its trace: the `traceparent` header classify and index continue."""
        evidence_id = str(event.evidence_id)
        with item_span("ingest", evidence_id, kind=SpanKind.PRODUCER):
            send = event_message(event, evidence_id)
            send["headers"] = with_trace_headers(send["headers"])
            log.debug("mapped", extra={"evidence_id": evidence_id})
        return _Message(self.evidence_topic, evidence_id, send)

    def _seen_keys(self, plans: list[_Plan]) -> set[tuple[str, str]]:
        by_topic: dict[str, list[str]] = {}
        for plan in plans:
            for message in plan.messages:
                by_topic.setdefault(message.topic, []).append(message.dedup_key)
        return {(topic, key) for topic, keys in by_topic.items() for key in self._store.seen(topic, keys)}

    def _await_acks(self, futures: list[list[Any]]) -> set[int]:
        """ids of the futures that failed; every future is done when this returns."""
        try:
            self._producer.flush(timeout=self._ack_timeout)
        except KafkaError as error:
            log.error("flush failed: %s", error)
        failed: set[int] = set()
        for pending in futures:
            for future in pending:
                try:
                    future.get(timeout=0 if future.is_done else self._ack_timeout)
                except KafkaError as error:
                    log.error("send failed: %r", error)
                    failed.add(id(future))
        return failed

    @staticmethod
    def _result(plan: _Plan, pending: list[Any], seen: set[tuple[str, str]]) -> ItemResult:
        reference = plan.outcome.record.reference
        if plan.error is not None:
            return ItemResult(
                reference, Status.REJECTED, error_type=plan.error.code, reason=plan.error.reason
            )
        mapped = plan.outcome.mapped
        if mapped.ignored is not None:
            return ItemResult(reference, Status.IGNORED, reason=mapped.ignored)
        new = any((message.topic, message.dedup_key) not in seen for message in plan.messages)
        return ItemResult(
            reference,
            Status.ACCEPTED if new and pending else Status.ALREADY_SEEN,
            evidence_ids=tuple(event.evidence_id for event in mapped.evidence),
            location_ids=tuple(ref.location_id for ref in mapped.locations),
        )

    def _record_delivered(
        self, plans: list[_Plan], futures: list[list[Any]], failures: set[int], seen: set[tuple[str, str]]
    ) -> None:
        by_topic: dict[str, list[str]] = {}
        ratings = []
        for plan, pending in zip(plans, futures, strict=True):
            if plan.error is not None or failures & set(map(id, pending)):
                continue
            for message in plan.messages:
                if (message.topic, message.dedup_key) not in seen:
                    by_topic.setdefault(message.topic, []).append(message.dedup_key)
            ratings.extend(plan.outcome.mapped.ratings)
        for topic, keys in by_topic.items():
            self._store.record(topic, keys, ratings if topic == self.evidence_topic else ())
        if ratings and self.evidence_topic not in by_topic:
            self._store.record(self.evidence_topic, (), ratings)
