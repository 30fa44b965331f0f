"""Builders of EvidenceClassified events for the alerts tests and benchmark."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from schemas.common import AreaRef, KeyQuestion, ProviderRef, Rating
from schemas.evidence import (
    DuplicateKind,
    Duplication,
    EvidenceCategory,
    EvidenceClassified,
    InspectionFinding,
    QualityStatementScore,
    Sentiment,
    SentimentLabel,
    Severity,
    SeverityLevel,
    SourceType,
)
from services.common.config import CommonSettings
from services.common.kafka import create_producer, event_message

OLDHAM = AreaRef(
    local_authority_code="E08000004",
    local_authority_name="Oldham",
    icb_code="E54000057",
    icb_name="NHS Greater Manchester Integrated Care Board",
    region_code="E12000002",
    region_name="North West",
)
LEEDS = AreaRef(
    local_authority_code="E08000035",
    local_authority_name="Leeds",
    icb_code="E54000054",
    icb_name="NHS West Yorkshire Integrated Care Board",
    region_code="E12000003",
    region_name="Yorkshire and The Humber",
)

MANCHESTER = AreaRef(local_authority_code="E08000003", local_authority_name="Manchester")

# A grouped severity rule (one provider's high-severity items in a day form one alert that grows).
GROUPED_SEVERITY_RULES = """
rules:
  - id: grouped
    kind: severity
    levels: [provider, location, local_authority]
    group_window: 1d
    critical_reasons: [death]
    escalate_at: 3
    severity: high
    escalated_severity: critical
"""


def at(day: str, hour: int = 12) -> datetime:
    """A UTC datetime on an ISO day, e.g. at('2025-06-02')."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def classified(
    *,
    occurred_at: datetime,
    area: AreaRef = OLDHAM,
    sentiment: SentimentLabel = SentimentLabel.NEUTRAL,
    severity: SeverityLevel = SeverityLevel.NORMAL,
    severity_reasons: tuple[str, ...] = (),
    statements: tuple[str, ...] = ("safe.safeguarding",),
    source_type: SourceType = SourceType.HEALTHWATCH_FEEDBACK,
    location_id: str | None = None,
    provider_id: str | None = None,
    location_name: str | None = None,
    inspection: InspectionFinding | None = None,
    text: str = "The staff were kind but the home was short staffed.",
    lemmas: str = "the staff be kind but the home be short staff",
    duplication: Duplication | None = None,
) -> EvidenceClassified:
    """One classified item; every field a rule reads can be set."""
    evidence_id = uuid4()
    return EvidenceClassified(
        event_id=uuid4(),
        occurred_at=occurred_at,
        source="caresignal/classify",
        correlation_id=evidence_id,
        evidence_id=evidence_id,
        source_type=source_type,
        source_reference=f"test-{evidence_id}",
        received_at=occurred_at,
        classified_at=occurred_at,
        text=text,
        lemmas=lemmas,
        provider=ProviderRef(location_id=location_id, provider_id=provider_id, name=location_name),
        area=area,
        area_resolution="given",
        inspection=inspection,
        quality_statements=[QualityStatementScore(id=statement, score=0.9) for statement in statements],
        sentiment=Sentiment(label=sentiment, score=0.9),
        severity=Severity(level=severity, reasons=list(severity_reasons)),
        evidence_category=EvidenceCategory.PEOPLES_EXPERIENCE,
        duplication=duplication,
        model_name="test",
        model_version="0",
    )


def copy_of(
    cluster: EvidenceClassified,
    occurred_at: datetime,
    author: str | None,
    kind: DuplicateKind = DuplicateKind.NEAR,
    **overrides: object,
) -> EvidenceClassified:
    """A copy of `cluster`'s first item, by `author` (a pseudonymous token, or None when unknown)."""
    duplication = Duplication(cluster_id=cluster.evidence_id, kind=kind, similarity=0.8, author=author)
    return classified(
        occurred_at=occurred_at, sentiment=SentimentLabel.NEGATIVE, duplication=duplication, **overrides
    )


def negative(occurred_at: datetime, **overrides: object) -> EvidenceClassified:
    return classified(occurred_at=occurred_at, sentiment=SentimentLabel.NEGATIVE, **overrides)


def high_severity(occurred_at: datetime, reasons: tuple[str, ...] = ("safeguarding",), **overrides: object):
    return classified(
        occurred_at=occurred_at,
        sentiment=SentimentLabel.NEGATIVE,
        severity=SeverityLevel.HIGH,
        severity_reasons=reasons,
        **overrides,
    )


def inspection(
    occurred_at: datetime,
    rating: Rating,
    previous: Rating | None = None,
    key_question: KeyQuestion | None = None,
    location_id: str = "1-000000001",
    **overrides: object,
) -> EvidenceClassified:
    finding = InspectionFinding(
        key_question=key_question, rating=rating, previous_rating=previous, report_date=occurred_at
    )
    return classified(
        occurred_at=occurred_at,
        source_type=SourceType.INSPECTION_RESULT,
        location_id=location_id,
        location_name="Sunnyside Care Home",
        inspection=finding,
        **overrides,
    )


# --- integration helpers: produce evidence, run workers, read alerts ---------------------------------

TEST_RULES = """
rules:
  - {id: spike, kind: spike, level: local_authority, ratio: 3.0, min_count: 5, baseline_floor: 1.0}
  - {id: severe, kind: severity, levels: [location, local_authority]}
  - {id: downgrade, kind: rating_downgrade}
  - {id: flat, kind: flatline, source_types: [call_centre_note], baseline_windows: 2, min_per_window: 2}
  - {id: newterm, kind: new_term, baseline_windows: 2, min_items: 3, min_baseline_items: 4}
"""


def produce(settings: CommonSettings, events: list[EvidenceClassified], partition: int | None = None) -> None:
    """Send classified events keyed by evidence_id (like classify does) and wait for the acks."""
    producer = create_producer(settings)
    try:
        topic = settings.topic("evidence.classified.v1")
        for event in events:
            producer.send(topic, partition=partition, **event_message(event, str(event.evidence_id)))
        producer.flush(timeout=30)
    finally:
        producer.close()


def worker_env(settings: CommonSettings, rules_file: Path, datadir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CARESIGNAL_TOPIC_PREFIX": settings.topic_prefix,
        "CARESIGNAL_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "CARESIGNAL_ALERTS_RULES_FILE": str(rules_file),
        "CARESIGNAL_STATE_DIR": str(datadir),
        "CARESIGNAL_ALERTS_TICK_INTERVAL_SECONDS": "0.5",
        "CARESIGNAL_ALERTS_SESSION_TIMEOUT_SECONDS": "6",
        "CARESIGNAL_LOG_LEVEL": "INFO",
    }


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """`caresignal alerts-worker --no-web` as a subprocess (its own process group)."""
    caresignal = Path(sys.executable).with_name("caresignal")
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process by the caller
    return subprocess.Popen(
        [str(caresignal), "alerts-worker", "--no-web"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_ready(log_path: Path, deadline_s: float = 25.0) -> None:
    """Poll the worker's log until faust says it is ready."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if b"Worker]: Ready" in log_path.read_bytes():
            return
        time.sleep(0.2)
    raise AssertionError(f"worker not ready after {deadline_s}s:\n{log_path.read_text()[-3000:]}")


class AlertReader:
    """Reads alerts.raised.v1 from the beginning; `poll_until` collects until a predicate holds."""

    def __init__(self, settings: CommonSettings, topic: str = "alerts.raised.v1") -> None:
        self.consumer = KafkaConsumer(
            settings.topic(topic), **settings.kafka_options(), auto_offset_reset="earliest", group_id=None
        )
        self.records: list[ConsumerRecord] = []

    def poll_until(
        self, done: Callable[[list[ConsumerRecord]], bool], deadline_s: float = 20.0
    ) -> list[ConsumerRecord]:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end and not done(self.records):
            for batch in self.consumer.poll(timeout_ms=300).values():
                self.records.extend(batch)
        return self.records

    def drain(self, quiet_s: float = 2.0) -> list[ConsumerRecord]:
        """Keep reading until nothing new arrives for `quiet_s`."""
        quiet_until = time.monotonic() + quiet_s
        while time.monotonic() < quiet_until:
            batches = self.consumer.poll(timeout_ms=300)
            for batch in batches.values():
                self.records.extend(batch)
                quiet_until = time.monotonic() + quiet_s
        return self.records

    def read_to_end(self, deadline_s: float = 20.0) -> list[ConsumerRecord]:
        """Everything on the topic up to its end offsets now (no quiet period to wait out)."""
        ends: dict[TopicPartition, int] = {}

        def at_end(_: list[ConsumerRecord]) -> bool:
            assigned = self.consumer.assignment()
            ends.update(
                {tp: end for tp, end in self.consumer.end_offsets(list(assigned - set(ends))).items()}
            )
            return bool(assigned) and all(self.consumer.position(tp) >= ends[tp] for tp in assigned)

        self.poll_until(at_end, deadline_s)
        assert at_end(self.records), f"could not read {self.consumer.subscription()} to its end"
        return self.records

    def close(self) -> None:
        self.consumer.close()


@dataclass
class RunningAlertsWorker:
    """One `caresignal alerts-worker` subprocess and a reader of the alerts it raises."""

    process: subprocess.Popen[bytes]
    alerts: AlertReader


@contextmanager
def alerts_worker(settings: CommonSettings, tmp_path: Path, rules: str) -> Iterator[RunningAlertsWorker]:
    """An alerts worker with `rules` (YAML), ready; killed and its reader closed afterwards."""
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(rules)
    log = tmp_path / "worker.log"
    running = RunningAlertsWorker(
        start_worker(worker_env(settings, rules_file, tmp_path), log), AlertReader(settings)
    )
    try:
        wait_ready(log)
        yield running
    finally:
        running.alerts.close()
        running.process.kill()
        running.process.wait()


ASSIGNED_PARTITION = re.compile(r"TopicPartition\(topic='([^']+)', partition=(\d+)\)")


def assigned_partitions(log_path: Path, topic: str) -> set[int]:
    """The partitions of `topic` in a worker's latest assignment, from the line its consumer logs
    (aiokafka: "Setting newly assigned partitions {TopicPartition(topic=..., partition=...), ...}")."""
    text = log_path.read_text(errors="replace")
    start = text.rfind("Setting newly assigned partitions")
    if start < 0:
        return set()
    line = text[start : text.find(" for group ", start)]
    return {int(partition) for name, partition in ASSIGNED_PARTITION.findall(line) if name == topic}
