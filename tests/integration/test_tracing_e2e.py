"""One item followed from intake to index: the W3C `traceparent` on the real topics and the spans the
workers export (console exporter) form one trace, each hop the child of the one before."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from factories.pipeline import SAMPLES, pipeline_workers, wait_until_consumed

from schemas.topics import Topic
from services.common.config import CommonSettings
from services.common.kafka import read_topic
from services.ingest.config import IngestSettings
from services.ingest.files import ingest_file

pytestmark = pytest.mark.integration
ITEMS = 3


def traceparent(headers: list[tuple[str, bytes]]) -> tuple[str, str]:
    """(trace id, span id) of a message's traceparent header (version 00, sampled)."""
    (value,) = [v.decode() for name, v in headers if name == "traceparent"]
    version, trace_id, span_id, flags = value.split("-")
    assert version == "00" and int(flags, 16) & 1  # sampled
    return trace_id, span_id


def by_evidence_id(settings: CommonSettings, topic: str) -> dict[str, tuple[str, str]]:
    return {record.key.decode(): traceparent(record.headers) for record in read_topic(settings, topic)}


def spans(log: Path, name: str) -> dict[str, dict]:
    """The worker's exported spans called `name` (one JSON line each, among its logs), by evidence id."""
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return {
        entry["attributes"]["caresignal.evidence_id"]: entry
        for entry in entries
        if entry.get("name") == name and "context" in entry
    }


def wait_for_spans(log: Path, name: str, count: int, timeout_s: float = 60) -> dict[str, dict]:
    deadline = time.monotonic() + timeout_s
    while len(found := spans(log, name)) < count and time.monotonic() < deadline:
        time.sleep(1)
    return found


def test_an_item_is_one_trace_from_intake_through_classify_to_index(
    settings: CommonSettings, tmp_path: Path
) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text("".join((SAMPLES / "social_comments.jsonl").read_text().splitlines(True)[:ITEMS]))
    env = {
        "CARESIGNAL_TRACING_EXPORTER": "console",
        "CARESIGNAL_LOG_FORMAT": "json",
        "CARESIGNAL_STATE_DIR": str(tmp_path / "state"),
    }
    with pipeline_workers(settings, tmp_path, ["classify-worker", "--no-web"], ["index-worker"], env=env):
        ingest_settings = IngestSettings(**{**settings.model_dump(), "state_dir": tmp_path / "ingest"})
        assert ingest_file(posts, "social", ingest_settings).accepted == ITEMS
        classified_topic = settings.topic(Topic.EVIDENCE_CLASSIFIED)
        wait_until_consumed(settings, classified_topic, settings.group_id("index"), timeout_s=180)
        index_spans = wait_for_spans(tmp_path / "worker-1.log", "index", ITEMS)
    classify_spans = spans(tmp_path / "worker-0.log", "classify")

    received = by_evidence_id(settings, settings.topic(Topic.EVIDENCE_RECEIVED))
    classified = by_evidence_id(settings, classified_topic)
    assert len(received) == ITEMS and received.keys() == classified.keys()
    assert len({trace for trace, _ in received.values()}) == ITEMS  # one trace per item
    for evidence_id, (trace_id, intake_span) in received.items():
        assert classified[evidence_id][0] == trace_id  # the same trace on the next topic
        classify_span = classified[evidence_id][1]
        assert classify_span != intake_span
        classify = classify_spans[evidence_id]["context"]
        assert (classify["trace_id"], classify["span_id"]) == (f"0x{trace_id}", f"0x{classify_span}")
        assert classify_spans[evidence_id]["parent_id"] == f"0x{intake_span}"
        index = index_spans[evidence_id]
        assert index["context"]["trace_id"] == f"0x{trace_id}"
        assert index["parent_id"] == f"0x{classify_span}"
        assert index["attributes"]["caresignal.outcome"] == "done"
