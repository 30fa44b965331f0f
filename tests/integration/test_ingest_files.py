"""Files through `caresignal ingest` / ingest_file onto the real broker, read back and validated."""

from __future__ import annotations

import base64
import csv
import io
import json
import time
from pathlib import Path

import pytest
from kafka import KafkaConsumer, TopicPartition
from typer.testing import CliRunner

from schemas.dead_letter import DeadLetter
from schemas.evidence import EvidenceReceived, SourceType
from schemas.locations import LocationReference
from schemas.topics import Topic
from services.cli import app
from services.common.config import CommonSettings
from services.ingest.adapters import Source
from services.ingest.config import IngestSettings
from services.ingest.files import ingest_file

pytestmark = pytest.mark.integration
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def read_topic(settings: CommonSettings, topic: str, expected: int, timeout_s: float = 15.0) -> list:
    """Every message on `topic` (no consumer group), polling until `expected` arrived or the deadline."""
    consumer = KafkaConsumer(**settings.kafka_options(), enable_auto_commit=False, consumer_timeout_ms=500)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        messages: list = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                messages.extend(batch)
            if len(messages) >= expected and all(
                consumer.position(p) >= consumer.end_offsets([p])[p] for p in partitions
            ):
                break
        return messages
    finally:
        consumer.close()


@pytest.fixture
def ingest_settings(settings: CommonSettings, tmp_path: Path) -> IngestSettings:
    return IngestSettings(
        topic_prefix=settings.topic_prefix, environment="test", state_dir=tmp_path / "state"
    )


@pytest.mark.parametrize(
    ("name", "source", "evidence_type"),
    [
        ("healthwatch_feedback.json", Source.HEALTHWATCH, SourceType.HEALTHWATCH_FEEDBACK),
        ("call_centre_notes.csv", Source.CALL_CENTRE, SourceType.CALL_CENTRE_NOTE),
        ("call_centre_notes.jsonl", Source.CALL_CENTRE, SourceType.CALL_CENTRE_NOTE),
        ("social_comments.jsonl", Source.SOCIAL, SourceType.SOCIAL_MEDIA_COMMENT),
    ],
)
def test_ingest_sample_file_lands_on_the_evidence_topic(ingest_settings, name, source, evidence_type):
    summary = ingest_file(SAMPLES / name, source, ingest_settings)
    assert summary.rejected == 0 and summary.accepted == summary.read > 0
    messages = read_topic(ingest_settings, ingest_settings.topic(Topic.EVIDENCE_RECEIVED), summary.accepted)
    events = [EvidenceReceived.model_validate_json(message.value) for message in messages]
    assert len({event.evidence_id for event in events}) == summary.accepted
    assert {event.source_type for event in events} == {evidence_type}
    assert all(message.key == str(EvidenceReceived.model_validate_json(message.value).evidence_id).encode()
               for message in messages)  # fmt: skip
    headers = dict(messages[0].headers)
    assert headers["ce_type"] == b"uk.caresignal.evidence.received.v1"


def test_ingest_cli_json_summary_and_reingest_is_already_seen(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("CARESIGNAL_TOPIC_PREFIX", settings.topic_prefix)
    monkeypatch.setenv("CARESIGNAL_STATE_DIR", str(tmp_path / "state"))
    path = SAMPLES / "healthwatch_feedback.csv"
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(path), "--source", "healthwatch", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout.strip().splitlines()[-1]) == {
        "read": 150, "accepted": 150, "rejected": 0, "already_seen": 0
    }  # fmt: skip
    second = runner.invoke(app, ["ingest", str(path), "--source", "healthwatch", "--json"])
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout.strip().splitlines()[-1]) == {
        "read": 150, "accepted": 0, "rejected": 0, "already_seen": 150
    }  # fmt: skip
    messages = read_topic(settings, settings.topic(Topic.EVIDENCE_RECEIVED), 150)
    assert len(messages) == 150
    assert len({message.key for message in messages}) == 150


def test_reingest_after_losing_the_seen_store_adds_no_new_ids(ingest_settings, tmp_path):
    path = SAMPLES / "social_comments.jsonl"
    ingest_file(path, Source.SOCIAL, ingest_settings)
    fresh_store = ingest_settings.model_copy(update={"state_dir": tmp_path / "other-state"})
    again = ingest_file(path, Source.SOCIAL, fresh_store)
    assert again.accepted == 140  # the store was lost, so the items are sent again ...
    messages = read_topic(ingest_settings, ingest_settings.topic(Topic.EVIDENCE_RECEIVED), 280)
    assert len({message.key for message in messages}) == 140  # ... under the same keys: no new ids


def test_ten_percent_malformed_rows_are_counted_and_dead_lettered(ingest_settings, tmp_path):
    with (SAMPLES / "call_centre_notes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    broken_rows = {}
    for index in range(0, 100, 10):
        row = rows[index]
        problem = index // 10 % 4
        if problem == 0:
            row["note"] = ""
        elif problem == 1:
            row["contact_date"] = "2026-13-45T10:00:00"
        elif problem == 2:
            row["note"] = "x" * 20_001
        else:
            row["contact_type"] = "astrologer"
        broken_rows[index] = row
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "notes_with_errors.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    summary = ingest_file(path, Source.CALL_CENTRE, ingest_settings)
    assert (summary.read, summary.accepted, summary.rejected, summary.already_seen) == (100, 90, 10, 0)

    letters = [
        DeadLetter.model_validate_json(message.value)
        for message in read_topic(ingest_settings, ingest_settings.topic(Topic.EVIDENCE_RECEIVED_DLQ), 10)
    ]
    assert len(letters) == 10
    assert {letter.stage for letter in letters} == {"ingest"}
    assert {letter.error_type for letter in letters} == {
        "MissingText",
        "ImpossibleDate",
        "TextTooLong",
        "InvalidField",
    }
    by_reference = {letter.source_reference: letter for letter in letters}
    for index, row in broken_rows.items():
        letter = by_reference[f"notes_with_errors.csv:row {index + 2}"]  # header is row 1
        assert base64.b64decode(letter.payload_b64).decode().startswith(row["contact_id"])
    evidence = read_topic(ingest_settings, ingest_settings.topic(Topic.EVIDENCE_RECEIVED), 90)
    assert len({message.key for message in evidence}) == 90


def test_cqc_api_file_gives_location_references_and_inspection_results(ingest_settings):
    summary = ingest_file(SAMPLES / "cqc_locations.json", Source.CQC_API, ingest_settings)
    assert (summary.accepted, summary.rejected) == (10, 0)
    locations = read_topic(ingest_settings, ingest_settings.topic(Topic.LOCATIONS_REFERENCE), 10)
    references = [LocationReference.model_validate_json(message.value) for message in locations]
    assert {message.key.decode() for message in locations} == {ref.location_id for ref in references}
    assert len(references) == 10 and {ref.area.local_authority_name for ref in references} == {"Oldham"}
    results = read_topic(ingest_settings, ingest_settings.topic(Topic.EVIDENCE_RECEIVED), 1)
    events = [EvidenceReceived.model_validate_json(message.value) for message in results]
    assert events and all(event.inspection is not None for event in events)
    assert any(event.inspection.previous_rating is not None for event in events)


def test_ingest_cli_exits_non_zero_when_a_record_was_rejected(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("CARESIGNAL_TOPIC_PREFIX", settings.topic_prefix)
    monkeypatch.setenv("CARESIGNAL_STATE_DIR", str(tmp_path / "state"))
    lines = (SAMPLES / "social_comments.jsonl").read_text(encoding="utf-8").splitlines()[:5]
    path = tmp_path / "comments.jsonl"
    path.write_text("\n".join([*lines, '{"broken": ']) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(path), "--source", "social", "--json"])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "read": 6, "accepted": 5, "rejected": 1, "already_seen": 0
    }  # fmt: skip
    assert len(read_topic(settings, settings.topic(Topic.EVIDENCE_RECEIVED_DLQ), 1)) == 1
