"""The whole pipeline for integration tests: worker processes, the bundled samples, waiting for documents
and for topics to be written and consumed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from elasticsearch import Elasticsearch
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from factories.index import once_searchable
from services.common.config import CommonSettings
from services.ingest.config import IngestSettings
from services.ingest.files import ingest_file

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
EVIDENCE_SAMPLES = [
    ("healthwatch_feedback.csv", "healthwatch", "healthwatch_feedback"),
    ("call_centre_notes.jsonl", "call-centre", "call_centre_note"),
    ("social_comments.jsonl", "social", "social_media_comment"),
]
CLASSIFY = ["classify-worker", "--no-web"]
INDEX = ["index-worker"]
ALERTS = ["alerts-worker", "--no-web"]


@contextmanager
def pipeline_workers(
    settings: CommonSettings, tmp_path: Path, *workers: list[str], env: dict[str, str] | None = None
) -> Iterator[None]:
    """`caresignal <worker>` processes on this test's topics and indices, stopped afterwards."""
    environment = {
        **os.environ,
        "CARESIGNAL_TOPIC_PREFIX": settings.topic_prefix,
        "CARESIGNAL_ES_INDEX_PREFIX": settings.es_index_prefix,
        **(env or {}),
    }
    processes = []
    for number, command in enumerate(workers):
        log = (tmp_path / f"worker-{number}.log").open("wb")
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "services", *command],
                env=environment,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def ingest_samples(settings: CommonSettings, state_dir: Path) -> dict[str, int]:
    """The bundled CQC locations and evidence samples; accepted items per source type."""
    ingest_settings = IngestSettings(**{**settings.model_dump(), "state_dir": state_dir})
    ingest_file(SAMPLES / "cqc_locations.json", "cqc-api", ingest_settings)
    accepted = {}
    for name, source, source_type in EVIDENCE_SAMPLES:
        summary = ingest_file(SAMPLES / name, source, ingest_settings)
        assert summary.rejected == 0, summary.rejects[:3]
        accepted[source_type] = summary.accepted
    return accepted


def evidence_counts(es: Elasticsearch, alias: str) -> dict[str, int]:
    """Documents per source type in the evidence alias (once its shards have started)."""

    def refreshed_search() -> dict:
        es.indices.refresh(index=alias, ignore_unavailable=True, allow_no_indices=True)
        return es.search(
            index=alias,
            size=0,
            aggs={"by_source": {"terms": {"field": "source_type", "size": 10}}},
            ignore_unavailable=True,
            allow_no_indices=True,
        )

    response = once_searchable(refreshed_search)
    buckets = response.get("aggregations", {}).get("by_source", {}).get("buckets", [])
    return {bucket["key"]: bucket["doc_count"] for bucket in buckets}


def wait_for_documents(
    es: Elasticsearch, alias: str, expected: dict[str, int], timeout_s: float = 240
) -> dict[str, int]:
    """Poll until every source type in `expected` has at least its count; returns the counts seen."""
    deadline, counts = time.monotonic() + timeout_s, {}
    while time.monotonic() < deadline:
        counts = evidence_counts(es, alias)
        if all(counts.get(source, 0) >= number for source, number in expected.items()):
            return counts
        time.sleep(1)
    return counts


def sample_items(name: str) -> list[dict]:
    return [json.loads(line) for line in (SAMPLES / name).read_text().splitlines() if line.strip()]


def end_offsets(settings: CommonSettings, topic: str) -> int:
    """Messages ever written to the topic (the sum of its partitions' end offsets)."""
    consumer = KafkaConsumer(**settings.kafka_options())
    partitions = [TopicPartition(topic, number) for number in consumer.partitions_for_topic(topic) or ()]
    total = sum(consumer.end_offsets(partitions).values())
    consumer.close()
    return total


def wait_until_consumed(settings: CommonSettings, topic: str, group: str, timeout_s: float = 120) -> None:
    """Until the group's committed offsets reach the end of every partition of the topic."""
    admin = KafkaAdminClient(**settings.kafka_options())
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            committed = admin.list_group_offsets({group: None}).get(group, {})
            done = sum(meta.offset for tp, meta in committed.items() if tp.topic == topic)
            if committed and done >= end_offsets(settings, topic):
                return
            time.sleep(1)
    finally:
        admin.close()
    raise AssertionError(f"{group} did not consume {topic} within {timeout_s}s")


def wait_for_messages(settings: CommonSettings, topic: str, count: int, timeout_s: float = 240) -> None:
    """Until at least `count` messages were written to the topic."""
    deadline = time.monotonic() + timeout_s
    while end_offsets(settings, topic) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {count} messages on {topic} after {timeout_s}s")
        time.sleep(1)
