"""The classify worker on the real broker: classifying, resolving, dead letters, sharing and failover."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from factories.classify_worker import (
    Drain,
    body,
    classify_worker,
    produce,
    produce_steadily,
    require_model,
)
from factories.waiting import wait_until

from schemas.common import AreaRef, ProviderRef
from schemas.dead_letter import DeadLetter
from schemas.evidence import EvidenceReceived, SourceType, evidence_id_for
from schemas.locations import LocationReference
from services.common.config import CommonSettings

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ROYAL_OLDHAM_ID = "1-RW602-ROH"


def received(
    reference: str, text: str = "The staff were kind but rushed.", **fields: Any
) -> EvidenceReceived:
    evidence_id = evidence_id_for(SourceType.HEALTHWATCH_FEEDBACK, reference)
    return EvidenceReceived(
        event_id=evidence_id,
        occurred_at=NOW,
        source="caresignal/ingest/healthwatch",
        evidence_id=evidence_id,
        source_type=SourceType.HEALTHWATCH_FEEDBACK,
        source_reference=reference,
        received_at=NOW,
        text=text,
        **fields,
    )


def royal_oldham() -> LocationReference:
    return LocationReference(
        event_id="7a0f3c1e-1111-4b6a-9c1e-000000000001",
        occurred_at=NOW,
        source="caresignal/ingest/cqc",
        location_id=ROYAL_OLDHAM_ID,
        provider_id="RW6",
        provider_name="Northern Care Alliance NHS Foundation Trust",
        name="The Royal Oldham Hospital",
        area=AreaRef(local_authority_code="E08000004", local_authority_name="Oldham"),
        version=1,
    )


# --- tests -----------------------------------------------------------------------------------------------

pytestmark = pytest.mark.integration

CLASSIFIED = "evidence.classified.v1"
DLQ = "evidence.received.v1.dlq"


def test_classify_worker_classifies_resolves_and_dead_letters(
    settings: CommonSettings, tmp_path: Path
) -> None:
    model = require_model()
    location = royal_oldham()
    produce(settings, "locations.reference.v1", [(location, location.location_id)])
    by_id = received(
        "int-by-id", text="Mrs Smith was left in pain.", provider=ProviderRef(location_id=ROYAL_OLDHAM_ID)
    )
    by_name = received("int-by-name", provider=ProviderRef(name="Royal Oldham Hospital"))
    by_place = received("int-by-place", area=AreaRef(place="Leeds"))
    after_poison = received("int-after-poison", area=AreaRef(place="Somewhere nobody knows"))
    drain = Drain(settings, CLASSIFIED, DLQ)
    try:
        with classify_worker(settings, tmp_path / "worker.log") as worker:
            wait_until(
                lambda: worker.metric("caresignal_classify_locations_recorded_total") == 1,
                60,
                "the location table",
            )
            produce(settings, "evidence.received.v1", [(by_id, str(by_id.evidence_id))])
            produce(settings, "evidence.received.v1", [], raw=[b"{not json at all"])
            produce(
                settings,
                "evidence.received.v1",
                [(item, str(item.evidence_id)) for item in (by_name, by_place, after_poison)],
            )
            drain.until(
                lambda got: len(drain.on(CLASSIFIED)) >= 4 and drain.on(DLQ), 30, "4 classified + 1 DLQ"
            )
    finally:
        drain.close()
    classified = {body(message)["source_reference"]: body(message) for message in drain.on(CLASSIFIED)}
    assert classified["int-by-id"]["area_resolution"] == "location_reference"
    assert classified["int-by-id"]["area"]["region_name"] == "North West"
    assert classified["int-by-id"]["provider"]["provider_id"] == "RW6"
    assert "Smith" not in classified["int-by-id"]["text"]
    assert (classified["int-by-name"]["area_resolution"], classified["int-by-name"]["area"]["icb_code"]) == (
        "gazetteer",
        "E54000057",
    )
    assert classified["int-by-place"]["area"]["local_authority_name"] == "Leeds"
    assert classified["int-after-poison"]["area_resolution"] == "unknown"
    for event in classified.values():
        assert (event["model_name"], event["model_version"]) == (model.name, model.model_version)
    first = next(m for m in drain.on(CLASSIFIED) if body(m)["source_reference"] == "int-by-id")
    assert first.key == str(by_id.evidence_id).encode()
    assert dict(first.headers)["ce_type"] == b"uk.caresignal.evidence.classified.v1"
    (letter,) = drain.on(DLQ)
    headers = dict(letter.headers)
    assert headers["x-stage"] == b"classify" and headers["x-error-type"] == b"ValidationError"
    assert headers["x-source-topic"] == settings.topic("evidence.received.v1").encode()
    assert DeadLetter.model_validate_json(letter.value).payload == b"{not json at all"


def test_classify_workers_share_a_topic_without_losing_or_altering_items(
    settings: CommonSettings, tmp_path: Path
) -> None:
    require_model()
    items = [
        received(f"int-pair-{n}", text=f"Visit {n}: the staff were rushed and kind.") for n in range(300)
    ]
    expected = {str(item.evidence_id) for item in items}
    drain = Drain(settings, CLASSIFIED, DLQ)
    try:
        with (
            classify_worker(settings, tmp_path / "worker-a.log") as first,
            classify_worker(settings, tmp_path / "worker-b.log") as second,
        ):
            workers = (first, second)
            wait_until(
                lambda: [w.metric("caresignal_classify_assigned_partitions") for w in workers].count(3) == 2,
                45,
                "the group to settle with 3 of the 6 partitions on each worker",
            )
            started = time.monotonic()
            produce(settings, "evidence.received.v1", [(item, str(item.evidence_id)) for item in items])
            drain.until(
                lambda got: {body(m)["evidence_id"] for m in drain.on(CLASSIFIED)} >= expected,
                60,
                "all items",
            )
            elapsed = time.monotonic() - started
            shares = [w.metric("caresignal_items_processed_total") for w in workers]
            wait_until(
                lambda: [w.lags() for w in workers] == [[0.0] * 3] * 2,
                30,
                "each worker's lag on its 3 partitions to fall to 0 once its offsets are committed",
            )
    finally:
        drain.close()
    ids = [body(message)["evidence_id"] for message in drain.on(CLASSIFIED)]
    rate = len(items) / elapsed
    print(f"\n2 workers: {len(items)} items in {elapsed:.1f}s ({rate:.0f} items/s); split {shares}")
    assert set(ids) == expected
    assert_redeliveries_repeat_the_same_event(drain.on(CLASSIFIED))  # a rebalance may redeliver some
    assert all(share > 0 for share in shares) and sum(shares) >= len(items)
    assert drain.on(DLQ) == []


def test_classify_worker_killed_mid_stream_loses_nothing(settings: CommonSettings, tmp_path: Path) -> None:
    """Items keep arriving through the kill and the rebalance, so the survivor has records in flight
    when its partitions are revoked and reassigned."""
    require_model()
    items = [
        received(f"int-kill-{n}", text=f"Note {n}: my father was not given his medicine.") for n in range(480)
    ]
    expected = {str(item.evidence_id) for item in items}
    drain = Drain(settings, CLASSIFIED, DLQ)
    fast_failover = {
        "CARESIGNAL_CLASSIFY_SESSION_TIMEOUT_SECONDS": "6",
        "CARESIGNAL_CLASSIFY_BATCH_SIZE": "16",
    }
    try:
        with (
            classify_worker(settings, tmp_path / "survivor.log", **fast_failover) as survivor,
            classify_worker(settings, tmp_path / "victim.log", **fast_failover) as victim,
        ):
            workers = (survivor, victim)
            wait_until(
                lambda: [w.metric("caresignal_classify_assigned_partitions") for w in workers].count(3) == 2,
                45,
                "the group to settle",
            )
            steady = threading.Thread(target=produce_steadily, args=(settings, items, 40.0))
            steady.start()
            wait_until(
                lambda: victim.metric("caresignal_items_processed_total") > 40, 30, "the victim to work"
            )
            victim.process.kill()  # SIGKILL mid-stream: no shutdown, no final commit
            steady.join()
            drain.until(
                lambda got: {body(m)["evidence_id"] for m in drain.on(CLASSIFIED)} >= expected,
                60,
                "all items",
            )
    finally:
        drain.close()
    ids = [body(message)["evidence_id"] for message in drain.on(CLASSIFIED)]
    redelivered = len(ids) - len(set(ids))
    print(f"\nkilled worker: {len(ids)} messages for {len(expected)} items ({redelivered} redelivered)")
    assert set(ids) == expected  # at-least-once: every item, duplicates allowed (same event_id, same key)
    assert_redeliveries_repeat_the_same_event(drain.on(CLASSIFIED))


def assert_redeliveries_repeat_the_same_event(messages: list) -> None:
    """At-least-once: an item classified twice (after a rebalance) repeats its event under its key."""
    events: dict[str, set[tuple[str, bytes]]] = {}
    for message in messages:
        event = body(message)
        events.setdefault(event["evidence_id"], set()).add((event["event_id"], message.key))
    assert all(len(seen) == 1 for seen in events.values()), "a redelivery must repeat the same event"
