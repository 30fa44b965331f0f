"""The whole pipeline: sample files → ingest → classify worker → index worker → API, on the real engines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from factories.index import once_searchable
from fastapi.testclient import TestClient
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from schemas import Topic
from services.api import create_app
from services.common.config import CommonSettings
from services.ingest.config import IngestSettings
from services.ingest.files import ingest_file

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
EVIDENCE_SAMPLES = [
    ("healthwatch_feedback.csv", "healthwatch", "healthwatch_feedback"),
    ("call_centre_notes.jsonl", "call-centre", "call_centre_note"),
    ("social_comments.jsonl", "social", "social_media_comment"),
]
HEADERS = {"X-API-Key": "dev-key"}


@pytest.fixture
def workers(settings: CommonSettings, tmp_path: Path) -> Iterator[None]:
    """The classify and index workers as separate processes on this test's topics and indices."""
    env = {
        **os.environ,
        "CARESIGNAL_TOPIC_PREFIX": settings.topic_prefix,
        "CARESIGNAL_ES_INDEX_PREFIX": settings.es_index_prefix,
    }
    commands = [
        [sys.executable, "-m", "services", "classify-worker", "--no-web"],
        [sys.executable, "-m", "services.index"],
    ]
    processes = []
    for number, command in enumerate(commands):
        log = (tmp_path / f"worker-{number}.log").open("wb")
        processes.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
    yield
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def ingest_samples(settings: CommonSettings, state_dir: Path) -> dict[str, int]:
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


def test_every_source_from_file_to_search_hit(
    settings: CommonSettings, es: Elasticsearch, workers: None, tmp_path: Path
) -> None:
    accepted = ingest_samples(settings, tmp_path / "ingest")
    counts = wait_for_documents(es, settings.index("evidence"), accepted)
    assert {source: counts.get(source, 0) for source in accepted} == accepted
    assert counts.get("inspection_result", 0) > 0

    with TestClient(create_app(settings)) as client:
        for _, _, source_type in EVIDENCE_SAMPLES:
            page = client.get("/v1/search", params={"source_type": source_type, "size": 5}, headers=HEADERS)
            assert page.status_code == 200, page.text
            body = page.json()
            assert body["total"] == accepted[source_type]
            for hit in body["hits"]:
                assert hit["model_version"]
                assert hit["sentiment"] in {"positive", "neutral", "negative"}

        inspections = client.get("/v1/search", params={"source_type": "inspection_result"}, headers=HEADERS)
        assert inspections.json()["total"] > 0

        social = sample_items("social_comments.jsonl")[0]
        words = " ".join(social["text"].split()[:6])
        found = client.get(
            "/v1/search", params={"q": words, "source_type": "social_media_comment"}, headers=HEADERS
        )
        assert any(
            hit["source_reference"] == f"{social['platform']}:{social['post_id']}"
            for hit in found.json()["hits"]
        )

        assert client.get("/v1/search", params={"q": "care"}).status_code == 401


def test_personal_data_is_redacted_before_indexing(
    settings: CommonSettings, es: Elasticsearch, workers: None, tmp_path: Path
) -> None:
    accepted = ingest_samples(settings, tmp_path / "ingest")
    alias = settings.index("evidence")
    assert wait_for_documents(es, alias, accepted).get("call_centre_note") == accepted["call_centre_note"]
    handles = {
        item["author_handle"] for item in sample_items("social_comments.jsonl") if item.get("author_handle")
    }
    emails = [
        word.strip(".,;:()")
        for item in sample_items("call_centre_notes.jsonl")
        for word in item.get("note", item.get("text", "")).split()
        if "@" in word and "." in word
    ]
    assert emails, "the call-centre sample should carry e-mail addresses to redact"
    for secret in [*emails[:20], *list(handles)[:20]]:
        hits = es.search(index=alias, query={"match_phrase": {"text": secret}}, size=1)["hits"]["total"][
            "value"
        ]
        assert hits == 0, f"{secret!r} reached the index unredacted"


def test_replaying_ingest_leaves_the_document_count_unchanged(
    settings: CommonSettings, es: Elasticsearch, workers: None, tmp_path: Path
) -> None:
    accepted = ingest_samples(settings, tmp_path / "ingest")
    alias = settings.index("evidence")
    classified = settings.topic(Topic.EVIDENCE_CLASSIFIED)
    wait_for_documents(es, alias, accepted)
    wait_until_consumed(settings, classified, f"{settings.topic_prefix}caresignal-index")
    produced_once = end_offsets(settings, classified)
    first = evidence_counts(es, alias)

    ingest_samples(settings, tmp_path / "fresh-seen-store")  # a lost seen store re-sends everything
    deadline = time.monotonic() + 240
    while end_offsets(settings, classified) < 2 * produced_once and time.monotonic() < deadline:
        time.sleep(1)
    assert end_offsets(settings, classified) >= 2 * produced_once, "the replay was not classified again"
    wait_until_consumed(settings, classified, f"{settings.topic_prefix}caresignal-index")
    assert evidence_counts(es, alias) == first


def end_offsets(settings: CommonSettings, topic: str) -> int:
    consumer = KafkaConsumer(**settings.kafka_options())
    partitions = [TopicPartition(topic, number) for number in consumer.partitions_for_topic(topic)]
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
