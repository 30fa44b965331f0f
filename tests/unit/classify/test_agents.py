"""The classify agents on a memory:// faust app, with in-memory channels for output and a fake analyser."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faust
import pytest
from factories.classify import ROYAL_OLDHAM_ID, received, royal_oldham
from factories.fakes import FakeAnalyser
from faust.types import StreamT

from schemas.cloudevents import encode
from schemas.common import ProviderRef
from schemas.dead_letter import DeadLetter
from schemas.evidence import EvidenceClassified
from services.classify.agents import ClassifyAgents, LocationIndex
from services.classify.metrics import ClassifyMetrics
from services.classify.resolve import KnownLocation
from services.common.dlq import TooManyDeadLettersError

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass(frozen=True)
class Sent:
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]


class RecordingTopic:
    """Stands in for an output topic: records sends; their futures resolve when `acked` is set."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.acked = asyncio.Event()
        self.acked.set()

    async def send(self, *, key: bytes | None, value: bytes, headers: Any, force: bool) -> Any:
        assert force, "sends must bypass faust attachments so that they are awaited before the ack"
        self.sent.append(Sent(key, value, headers))
        return asyncio.ensure_future(self.acked.wait())

    async def wait_for(self, count: int) -> list[Sent]:
        for _ in range(500):
            if len(self.sent) >= count:
                return self.sent[:count]
            await asyncio.sleep(0.01)
        raise AssertionError(f"expected {count} messages, got {len(self.sent)}")


@dataclass
class Harness:
    app: faust.App
    agents: ClassifyAgents
    classified: RecordingTopic
    dlq: RecordingTopic
    stopped: list[BaseException] = field(default_factory=list)


@pytest.fixture
async def harness() -> Harness:
    app = faust.App(
        "test-caresignal-classify",
        broker="kafka://127.0.0.1:1",  # never reached: test_context feeds the agent in memory
        store="memory://",
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=False,
        autodiscover=False,
    )
    classified, dlq = RecordingTopic(), RecordingTopic()
    locations = LocationIndex(refresh_seconds=0)
    locations.caught_up.set()
    stopped: list[BaseException] = []

    async def stop(error: BaseException) -> None:
        stopped.append(error)

    agents = ClassifyAgents(
        analyser=FakeAnalyser(),
        locations=locations,
        classified_topic=classified,  # type: ignore[arg-type]
        evidence_dlq_topic=dlq,  # type: ignore[arg-type]
        metrics=ClassifyMetrics(),
        batch_size=3,
        batch_seconds=0.05,
        max_consecutive_dead_letters=3,
        analyse_in_thread=False,
        stop=stop,
    )
    return Harness(app, agents, classified, dlq, stopped)


def _agent(harness: Harness, body: Any, topic: str) -> Any:
    async def run(stream: StreamT) -> None:
        await body(stream)

    return harness.app.agent(harness.app.topic(topic), name=topic)(run)


def _classified(event: Sent) -> EvidenceClassified:
    return EvidenceClassified.model_validate_json(event.value)


@pytest.fixture
async def classify(harness: Harness) -> AsyncIterator[Any]:
    agent = _agent(harness, harness.agents.classify_evidence, "evidence.received.v1")
    async with agent.test_context() as context:
        yield context


async def test_classify_evidence_publishes_classified_events_with_cloudevent_headers(
    harness: Harness, classify: Any
) -> None:
    items = [
        received(f"hw-{n}", text=f"Caller Margaret Brown, 14 Acacia Avenue, waited {n} hours.")
        for n in range(4)
    ]
    for item in items:
        await classify.put(encode(item), key=str(item.evidence_id).encode(), wait=False)
    events = await harness.classified.wait_for(4)
    assert [_classified(event).evidence_id for event in events] == [item.evidence_id for item in items]
    first = events[0]
    assert first.key == str(items[0].evidence_id).encode()
    headers = dict(first.headers)
    assert headers["ce_type"] == b"uk.caresignal.evidence.classified.v1"
    assert headers["ce_id"] == str(_classified(first).event_id).encode()
    assert _classified(first).text == "Caller [PERSON], [ADDRESS], waited 0 hours."
    assert _classified(first).model_version == "0.0.1"
    assert harness.agents.analyser.batches[0] == 3  # type: ignore[attr-defined]  # batched, not one by one
    assert harness.agents.metrics.classified == 4


async def _acked(event: Any) -> bool:
    for _ in range(30):
        if event.message.acked:
            return True
        await asyncio.sleep(0.01)
    return False


async def test_classify_evidence_acks_only_after_the_broker_acked_the_output(
    harness: Harness, classify: Any
) -> None:
    harness.classified.acked.clear()  # the broker has not confirmed the send yet
    event = await classify.put(encode(received("hw-ack")), key=b"k", wait=False)
    await harness.classified.wait_for(1)
    assert not await _acked(event)
    harness.classified.acked.set()
    assert await _acked(event)


async def test_classify_evidence_dead_letters_poison_and_carries_on(harness: Harness, classify: Any) -> None:
    good = received("hw-good")
    await classify.put(b"{not json", key=b"bad", partition=2, wait=False)
    await classify.put(encode(received("hw-boom", text="EXPLODE please")), key=b"boom", wait=False)
    await classify.put(encode(good), key=b"good", wait=False)
    letters = [DeadLetter.model_validate_json(event.value) for event in await harness.dlq.wait_for(2)]
    (classified,) = await harness.classified.wait_for(1)
    assert _classified(classified).evidence_id == good.evidence_id
    undecodable, unreadable = letters
    assert undecodable.payload == b"{not json"
    assert (undecodable.stage, undecodable.error_type, undecodable.source_partition) == (
        "classify",
        "ValidationError",
        2,
    )
    assert undecodable.source_topic == "evidence.received.v1" and undecodable.source_offset == 0
    assert unreadable.error_type == "AnalyserError:ValueError"
    assert json.loads(unreadable.payload)["source_reference"] == "hw-boom"
    assert harness.stopped == []


async def test_classify_evidence_dead_letter_headers_name_the_source(harness: Harness, classify: Any) -> None:
    await classify.put(b"\xff\xfe", key=b"bad", wait=False)
    (event,) = await harness.dlq.wait_for(1)
    headers = dict(event.headers)
    assert headers["x-source-topic"] == b"evidence.received.v1"
    assert headers["x-stage"] == b"classify"
    assert headers["ce_type"] == b"uk.caresignal.dead_letter.v1"
    assert event.key == b"bad"


async def test_classify_evidence_stops_after_too_many_consecutive_dead_letters(harness: Harness) -> None:
    agent = _agent(harness, harness.agents.classify_evidence, "evidence.received.v1")
    async with agent.test_context() as context:
        for n in range(5):
            await context.put(b"garbage %d" % n, key=b"bad", wait=False)
        await harness.dlq.wait_for(3)
        for _ in range(100):
            if harness.stopped:
                break
            await asyncio.sleep(0.01)
    assert isinstance(harness.stopped[0], TooManyDeadLettersError)
    assert harness.agents.metrics.dead_lettered["ValidationError"] == 3  # stopped before the 4th


async def test_classify_evidence_resolves_areas_from_the_location_table(
    harness: Harness, classify: Any
) -> None:
    harness.agents.locations.remember(KnownLocation.from_reference(royal_oldham()))
    by_id = received("hw-id", provider=ProviderRef(location_id=ROYAL_OLDHAM_ID))
    by_name = received("hw-name", provider=ProviderRef(name="Royal Oldham Hospital"))
    for item in (by_id, by_name):
        await classify.put(encode(item), key=b"k", wait=False)
    first, second = [_classified(event) for event in await harness.classified.wait_for(2)]
    assert (first.area_resolution, first.area.local_authority_name) == ("location_reference", "Oldham")
    assert (second.area_resolution, second.area.icb_code) == ("gazetteer", "E54000057")


async def test_classify_evidence_waits_until_the_location_table_caught_up(harness: Harness) -> None:
    harness.agents.locations.caught_up.clear()
    agent = _agent(harness, harness.agents.classify_evidence, "evidence.received.v1")
    async with agent.test_context() as context:
        await context.put(encode(received("hw-wait")), key=b"k", wait=False)
        await asyncio.sleep(0.2)
        assert harness.classified.sent == []
        harness.agents.locations.caught_up.set()
        await harness.classified.wait_for(1)


def test_create_app_wires_the_prefixed_topic_to_the_agent(tmp_path: Path) -> None:
    from services.classify.app import create_app
    from services.classify.config import ClassifySettings

    settings = ClassifySettings(topic_prefix="t1-", classify_web_enabled=False, state_dir=tmp_path)
    app = create_app(settings, analyser=FakeAnalyser())
    assert app.conf.id == "t1-caresignal-classify"
    assert app.conf.broker[0].scheme == "kafka"
    sources = {name: agent.channel.get_topic_name() for name, agent in app.agents.items()}
    assert list(sources.values()) == ["t1-evidence.received.v1"]
    assert all(name.endswith("classify_evidence") for name in sources)
    assert len(app.tables) == 0  # the location table is read from the compacted topic, not a faust table


async def test_classify_evidence_stops_unacknowledged_when_a_send_fails(harness: Harness) -> None:
    async def broken_send(**_: Any) -> Any:
        failed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        failed.set_exception(ConnectionError("broker unreachable after retries"))
        return failed

    harness.classified.send = broken_send  # type: ignore[method-assign]
    agent = _agent(harness, harness.agents.classify_evidence, "evidence.received.v1")
    async with agent.test_context() as context:
        event = await context.put(encode(received("hw-lost?")), key=b"k", wait=False)
        for _ in range(100):
            if harness.stopped:
                break
            await asyncio.sleep(0.01)
    assert isinstance(harness.stopped[0], ConnectionError)
    assert not event.message.acked  # redelivered after the restart, never lost


async def test_classify_evidence_counts_unknown_locations_in_the_summary_not_per_item_at_info(
    harness: Harness, classify: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="services.classify")
    unknown = ProviderRef(location_id="1-999999999", name="Nowhere House")
    for n in range(3):
        item = received(f"hw-unknown-{n}", provider=unknown)
        await classify.put(encode(item), key=str(item.evidence_id).encode(), wait=False)
    await harness.classified.wait_for(3)
    assert harness.agents.metrics.unresolved_location_ids == 3
    assert not [record for record in caplog.records if "not in the reference" in record.getMessage()]
    assert "unresolved_location_ids=3" in harness.agents.metrics.summary()


COPIED = (
    "My mother was left in a soiled bed for hours on the night ward and nobody came when she pressed the "
    "call bell. When we complained the manager told us they were short staffed again."
)


async def test_classify_evidence_gives_copies_the_first_items_cluster_once_the_clusters_caught_up(
    harness: Harness,
) -> None:
    from services.classify.neardup.clusters import NearDuplicates
    from services.classify.neardup.signature import MinHasher

    harness.agents.clusters = NearDuplicates(
        MinHasher(), threshold=0.5, horizon_seconds=86_400, max_items_per_area=1_000
    )
    harness.agents.clusters_ready = asyncio.Event()
    first, copy = received("dup-1", text=COPIED), received("dup-2", text=f"RT @x: {COPIED} #NHS")
    agent = _agent(harness, harness.agents.classify_evidence, "evidence.received.v1")
    async with agent.test_context() as context:
        for item in (first, copy, first):  # the first one redelivered last
            await context.put(encode(item), key=b"k", wait=False)
        await asyncio.sleep(0.2)
        assert harness.classified.sent == []
        harness.agents.clusters_ready.set()
        events = [_classified(event) for event in await harness.classified.wait_for(3)]
    assert [event.duplication.cluster_id for event in events if event.duplication] == [first.evidence_id] * 3
    assert [event.duplication.kind.value for event in events if event.duplication] == [
        "original",
        "exact",
        "original",
    ]
    assert harness.agents.metrics.duplication == {"original": 2, "exact": 1}
