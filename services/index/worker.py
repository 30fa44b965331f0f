"""The index worker: Kafka (classified evidence, locations, alerts) → Elasticsearch bulk.

At-least-once: offsets are committed only after every message of a batch is settled — indexed,
superseded by a newer version, or dead-lettered. Deterministic ids make redelivery harmless.
While Elasticsearch is unavailable the worker pauses its partitions and keeps polling (so it stays
in the group), retrying the batch with exponential backoff; it never dead-letters for that.

Pipelined: while up to `index_bulk_concurrency` batches are being written by the sender threads, the
main thread fills and builds the next one; batches are settled (dead letters, then the commit) strictly
in the order they were consumed, so an offset is committed only once every earlier message is written.
Writes whose order matters never overlap (`inflight`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass, field
from datetime import UTC, datetime

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata

from schemas import EvidenceCorrected
from services.common.dlq import DeadLetterBreaker, Origin, dead_letter, dead_letter_message
from services.common.errors import PoisonMessageError, TransientError
from services.common.kafka import create_consumer, create_producer, poll_through_outages
from services.common.metrics import BULK_SECONDS, kafka_consumer_lag, record_lag
from services.index.batch import FillRules, Message, message_size, offsets_to_commit
from services.index.config import IndexSettings
from services.index.corrections import latest_corrections
from services.index.inflight import InFlight, latest_of
from services.index.instruments import observe_batch
from services.index.outcomes import Outcome, is_transient_status, worst
from services.index.routing import TopicRouter
from services.index.sink import BulkSink
from services.index.templates import install_templates

log = logging.getLogger(__name__)
SERVICE = "index"


class StoppedWhileRetryingError(Exception):
    """Shutdown was requested while Elasticsearch was still unavailable: leave the batch uncommitted."""


@dataclass
class IndexerStats:
    """Running totals, readable from another thread (tests, benchmarks)."""

    batches: int = 0
    messages: int = 0
    dead_lettered: int = 0
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add_retry(self) -> None:
        with self.lock:  # sender threads retry concurrently
            self.retries += 1


class Indexer:
    """Run with `Indexer(settings).run(stop_event)`; returns after `stop_event` is set."""

    def __init__(self, settings: IndexSettings, es: Elasticsearch | None = None) -> None:
        self.settings = settings
        self.es = es or Elasticsearch(**settings.es_options())
        self.router = TopicRouter(settings)
        self.sink = BulkSink(
            self.es, max_chunk_bytes=2 * settings.index_flush_bytes, refresh=settings.index_refresh_on_flush
        )
        self.rules = FillRules(
            max_messages=settings.index_batch_size,
            max_bytes=settings.index_flush_bytes,
            linger_seconds=settings.index_linger_seconds,
        )
        self.breaker = DeadLetterBreaker(settings.index_max_consecutive_dead_letters, service=SERVICE)
        self.stats = IndexerStats()

    def run(self, stop: threading.Event) -> None:
        self._retry(lambda: install_templates(self.es, self.settings), stop)
        consumer = create_consumer(
            self.settings,
            self.settings.group_id(SERVICE),
            self.router.topic_names,
            max_poll_records=self.settings.index_max_buffered_records,
            session_timeout_ms=int(self.settings.index_session_timeout_seconds * 1000),
            heartbeat_interval_ms=int(self.settings.index_session_timeout_seconds * 1000) // 4,
        )
        producer = create_producer(self.settings)
        senders = ThreadPoolExecutor(self.settings.index_bulk_concurrency, thread_name_prefix="bulk")
        in_flight: deque[InFlight] = deque()
        log.info("index worker started", extra={"topics": self.router.topic_names})
        try:
            while not stop.is_set():
                # the sender threads write earlier batches meanwhile; idle, settle them after one poll
                batch = self._fill(consumer, stop, until_idle=bool(in_flight))
                record_lag(SERVICE, kafka_consumer_lag(consumer))
                while in_flight and in_flight[0].future.done():  # type: ignore[union-attr]
                    self._settle(in_flight.popleft(), consumer, producer, stop)
                if batch:
                    flight = self._prepare(batch, in_flight, stop)
                    while len(in_flight) >= self.settings.index_bulk_concurrency or any(
                        flight.conflicts_with(earlier) for earlier in in_flight
                    ):
                        self._settle(in_flight.popleft(), consumer, producer, stop)
                    flight.future = senders.submit(self._index_until_settled, flight.batch, stop)
                    in_flight.append(flight)
            while in_flight:  # shutdown: settle what was written, in order
                self._settle(in_flight.popleft(), consumer, producer, stop)
        except StoppedWhileRetryingError:
            log.warning("stopped while elasticsearch was unavailable; the batch will be redelivered")
        finally:
            stop.set()  # sender threads still retrying give up (nothing of theirs is committed)
            senders.shutdown(wait=True)
            producer.close(timeout=10)
            consumer.close(autocommit=False)
            log.info("index worker stopped")

    # ---- consuming -------------------------------------------------------------------------

    def _fill(self, consumer: KafkaConsumer, stop: threading.Event, until_idle: bool) -> list[Message]:
        """Poll until the batch is full by count or bytes, its linger expires, or shutdown; `until_idle`:
        or a poll returns nothing while the batch is empty."""
        batch: list[Message] = []
        size, started = 0, None
        while not stop.is_set() and not self.rules.is_full(len(batch), size):
            wait_seconds = self.rules.remaining_seconds(started) if started is not None else 0.5
            if started is not None and wait_seconds <= 0:
                break
            polled = poll_through_outages(
                consumer,
                stop,
                timeout_ms=int(wait_seconds * 1000),
                max_records=self.rules.max_messages - len(batch),
            )
            for records in polled.values():
                for record in records:
                    batch.append(
                        Message(
                            record.topic,
                            record.partition,
                            record.offset,
                            record.key,
                            record.value,
                            record.headers,
                        )
                    )
                    size += message_size(record.value)
            if not batch and until_idle:
                break
            if batch and started is None:
                started = time.monotonic()
        return batch

    # ---- one batch -------------------------------------------------------------------------

    def _prepare(self, batch: list[Message], in_flight: deque[InFlight], stop: threading.Event) -> InFlight:
        """Decode the batch and build its actions, with the latest corrections of its evidence items
        (also those of batches still in flight)."""
        began = time.monotonic()
        now = datetime.now(UTC)
        events: list[object] = []
        for message in batch:
            try:
                events.append(self.router.decode(message.topic, message.value))
            except PoisonMessageError as error:
                message.reject(error)
                events.append(None)
        unsettled = (correction for earlier in in_flight for correction in earlier.corrections.values())
        corrections = latest_of(self._latest_corrections(batch, stop), unsettled)
        for message, event in zip(batch, events, strict=True):
            if event is None:
                continue
            try:
                message.actions = self.router.actions(message.topic, event, now, corrections)
                message.action_outcomes = [Outcome.TRANSIENT] * len(message.actions)
            except PoisonMessageError as error:
                message.reject(error)
        own = latest_of({}, (event for event in events if isinstance(event, EvidenceCorrected)))
        return InFlight(batch, began, corrections=own)

    def _settle(
        self, flight: InFlight, consumer: KafkaConsumer, producer: KafkaProducer, stop: threading.Event
    ) -> None:
        """Wait for the batch's writes, dead-letter its rejects, commit its offsets (in consumed order)."""
        assert flight.future is not None
        retries = self._await(flight, consumer, stop)
        batch = flight.batch
        rejected = [message for message in batch if message.rejected]
        self._dead_letter(rejected, producer)
        self._commit(batch, consumer)
        self.stats.batches += 1
        self.stats.messages += len(batch)
        self.stats.dead_lettered += len(rejected)
        observe_batch(SERVICE, batch, time.monotonic() - flight.began)
        outcomes = [worst(m.action_outcomes) for m in batch if not m.rejected]
        log.info(
            "batch indexed: count=%d done=%d superseded=%d dead_lettered=%d retries=%d duration_ms=%.0f",
            len(batch),
            outcomes.count(Outcome.DONE),
            sum(1 for m in batch if Outcome.SUPERSEDED in m.action_outcomes),
            len(rejected),
            retries,
            (time.monotonic() - flight.began) * 1000,
        )
        for message in batch:
            self.breaker.record(message.rejected)
        self.breaker.check()

    def _await(self, flight: InFlight, consumer: KafkaConsumer, stop: threading.Event) -> int:
        """The batch's retry count once written; a long wait (Elasticsearch unavailable) polls with every
        partition paused, so the group keeps us as a member."""
        assert flight.future is not None
        try:
            return flight.future.result(timeout=1.0)
        except FutureTimeoutError:
            pass
        while not flight.future.done() and not stop.is_set():
            self._poll_paused(consumer, stop, 0.5)
        consumer.resume(*consumer.paused())
        return flight.future.result()  # on shutdown a sender still retrying raises StoppedWhileRetryingError

    def _latest_corrections(
        self, batch: list[Message], stop: threading.Event
    ) -> dict[str, EvidenceCorrected]:
        """The latest correction of the batch's evidence items (their Kafka key is the evidence id)."""
        ids = [m.key.decode() for m in batch if m.key and self.router.is_evidence(m.topic)]
        found: dict[str, EvidenceCorrected] = {}
        if ids:
            self._retry(lambda: found.update(latest_corrections(self.es, self.router.names, ids)), stop)
        return found

    def _index_until_settled(self, batch: list[Message], stop: threading.Event) -> int:
        """Send unsettled actions; retry transient failures with backoff (a sender thread; the main thread
        keeps the partitions paused meanwhile). Returns retries."""
        attempt = 0
        started = time.monotonic()
        while True:
            todo = [(message, i) for message in batch for i in message.pending_actions]
            if not todo:
                break
            with BULK_SECONDS.labels(SERVICE).time():
                results = self.sink.send([message.actions[i] for message, i in todo])
            last_reason = None
            for (message, i), (outcome, reason) in zip(todo, results, strict=True):
                message.action_outcomes[i] = outcome
                if outcome is Outcome.REJECTED:
                    message.reject(
                        PoisonMessageError(reason or "rejected by elasticsearch", "mapper_rejection")
                    )
                elif outcome is Outcome.TRANSIENT:
                    last_reason = reason
            if last_reason is None:
                break
            attempt += 1
            self.stats.add_retry()
            self._give_up_if_too_long(started, last_reason)
            delay = self._backoff_seconds(attempt)
            log.warning(
                "elasticsearch unavailable (%s); retry %d in %.1fs, partitions paused",
                last_reason,
                attempt,
                delay,
            )
            if stop.wait(delay):
                raise StoppedWhileRetryingError()
        return attempt

    def _backoff_seconds(self, attempt: int) -> float:
        initial, cap = self.settings.index_retry_initial_seconds, self.settings.index_retry_max_seconds
        return min(cap, initial * 2 ** (attempt - 1))

    def _give_up_if_too_long(self, started: float, reason: str) -> None:
        give_up = self.settings.index_retry_give_up_seconds
        if give_up and time.monotonic() - started > give_up:
            raise TransientError(f"elasticsearch still unavailable after {give_up:.0f}s: {reason}")

    @staticmethod
    def _poll_paused(consumer: KafkaConsumer, stop: threading.Event, seconds: float) -> None:
        """Poll with every partition paused (a member of the group fetches nothing)."""
        consumer.pause(*consumer.assignment())
        polled = poll_through_outages(consumer, stop, timeout_ms=int(seconds * 1000))
        for partition, records in polled.items():  # newly assigned after a rebalance: rewind
            consumer.seek(partition, min(record.offset for record in records))

    def _retry(self, operation: Callable[[], object], stop: threading.Event) -> None:
        """Run an Elasticsearch call until it succeeds (or shutdown); non-transient errors raise."""
        attempt = 0
        while True:
            try:
                operation()
                return
            except (TransportError, ApiError) as error:
                if stop.is_set() or (
                    isinstance(error, ApiError) and not is_transient_status(error.status_code)
                ):
                    raise
                attempt += 1
                self.stats.add_retry()
                delay = self._backoff_seconds(attempt)
                log.warning("elasticsearch call failed (%s); retry in %.1fs", error, delay)
                stop.wait(delay)

    # ---- settle ----------------------------------------------------------------------------

    def _dead_letter(self, rejected: list[Message], producer: KafkaProducer) -> None:
        futures = []
        for message in rejected:
            assert message.rejection is not None
            origin = Origin(message.topic, message.partition, message.offset)
            letter = dead_letter(message.value, message.rejection, service=SERVICE, origin=origin)
            topic = self.router.dead_letter_topic(message.topic)
            futures.append(producer.send(topic, **dead_letter_message(letter, message.key)))
        producer.flush()
        for future in futures:
            future.get(timeout=30)  # raises if the dead letter was not written: do not commit

    def _commit(self, batch: list[Message], consumer: KafkaConsumer) -> None:
        offsets = {
            TopicPartition(topic, partition): OffsetAndMetadata(offset, "", -1)
            for (topic, partition), offset in offsets_to_commit(batch).items()
        }
        try:
            consumer.commit(offsets)
        except CommitFailedError as error:
            log.warning("commit failed after a rebalance (%s); the new owner will redeliver", error)
