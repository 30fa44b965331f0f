"""Intake bookkeeping with an in-memory producer: what is sent, counted and recorded as seen."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pytest
from kafka.errors import KafkaTimeoutError

from services.ingest.adapters import Source, adapter_for
from services.ingest.config import IngestSettings
from services.ingest.intake import DeliveryError, Intake
from services.ingest.readers import InputFormat, read_records
from services.ingest.seen_store import SeenStore


@dataclass
class _Future:
    error: Exception | None = None
    is_done: bool = True

    def get(self, timeout: float | None = None) -> None:
        if self.error:
            raise self.error


@dataclass
class FakeProducer:
    fail_topics: set[str] = field(default_factory=set)
    sent: list[tuple[str, bytes]] = field(default_factory=list)

    def send(self, topic: str, value: bytes, key: bytes | None = None, headers=None) -> _Future:
        self.sent.append((topic, key))
        return _Future(KafkaTimeoutError("no ack") if topic in self.fail_topics else None)

    def flush(self, timeout: float | None = None) -> None:
        return None


LINES = b"""{"platform": "x", "post_id": "1", "created_at": "2026-10-01T10:00:00Z", "text": "Lovely care"}
{"platform": "x", "post_id": "2", "created_at": "2026-10-01T10:00:00Z", "text": ""}
{"platform": "x", "post_id": "1", "created_at": "2026-10-01T10:00:00Z", "text": "Lovely care"}
"""


def _records():
    return read_records(io.BytesIO(LINES), InputFormat.JSONL, "posts.jsonl")


@pytest.fixture
def settings() -> IngestSettings:
    return IngestSettings(topic_prefix="unit-", ingest_batch_size=2)


def test_intake_sends_new_items_once_and_dead_letters_rejects(settings):
    producer, store = FakeProducer(), SeenStore(":memory:")
    summary = Intake(settings, producer, store).ingest(_records(), adapter_for(Source.SOCIAL))
    assert summary.counts() == {"read": 3, "accepted": 1, "rejected": 1, "already_seen": 1}
    assert [topic for topic, _ in producer.sent] == [
        "unit-evidence.received.v1",
        "unit-evidence.received.v1.dlq",
    ]
    assert summary.rejects[0].reference == "posts.jsonl:line 2"

    again = Intake(settings, producer, store).ingest(_records(), adapter_for(Source.SOCIAL))
    assert again.counts() == {"read": 3, "accepted": 0, "rejected": 1, "already_seen": 2}


def test_intake_records_nothing_the_broker_did_not_acknowledge(settings):
    store = SeenStore(":memory:")
    failing = FakeProducer(fail_topics={"unit-evidence.received.v1"})
    with pytest.raises(DeliveryError):
        Intake(settings, failing, store).ingest(_records(), adapter_for(Source.SOCIAL))
    assert store.seen("unit-evidence.received.v1", [key.decode() for _, key in failing.sent if key]) == set()


def test_intake_rejects_a_lone_surrogate_escape_and_sends_the_rest(settings):
    """JSON may spell text that is not text (an unpaired \\ud800 escape): here in the id every event's
    id is made from. The record is a reject with a code; the records around it go on."""
    lines = (
        b'{"platform": "x", "post_id": "7\\ud800", "created_at": "2026-10-01T10:00:00Z", "text": "Rude"}\n'
        b'{"platform": "x", "post_id": "8", "created_at": "2026-10-01T10:00:00Z", "text": "Kind \\udfff"}\n'
        b'{"platform": "x", "post_id": "9", "created_at": "2026-10-01T10:00:00Z", "text": "Lovely care"}\n'
    )
    producer = FakeProducer()
    records = read_records(io.BytesIO(lines), InputFormat.JSONL, "posts.jsonl")
    summary = Intake(settings, producer, SeenStore(":memory:")).ingest(records, adapter_for(Source.SOCIAL))
    assert summary.counts() == {"read": 3, "accepted": 1, "rejected": 2, "already_seen": 0}
    assert [(r.reference, r.error_type) for r in summary.rejects] == [
        ("posts.jsonl:line 1", "Unencodable"),
        ("posts.jsonl:line 2", "Unencodable"),
    ]
    assert [topic for topic, _ in producer.sent].count("unit-evidence.received.v1") == 1
