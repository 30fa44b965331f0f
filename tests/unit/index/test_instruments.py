"""The index worker's per-batch series: each message counted once by topic and outcome."""

from __future__ import annotations

from prometheus_client import REGISTRY

from services.common.errors import PoisonMessageError
from services.index.batch import Message
from services.index.instruments import observe_batch
from services.index.outcomes import Outcome


def count(outcome: str) -> float:
    labels = {"service": "index-test", "topic": "t", "outcome": outcome}
    return REGISTRY.get_sample_value("caresignal_items_processed_total", labels) or 0.0


def batch_count() -> float:
    return REGISTRY.get_sample_value("caresignal_batch_seconds_count", {"service": "index-test"}) or 0.0


def test_a_batch_counts_done_superseded_and_dead_lettered_messages_and_its_duration() -> None:
    done = Message("t", 0, 1, b"a", b"{}", action_outcomes=[Outcome.DONE, Outcome.DONE])
    superseded = Message("t", 0, 2, b"b", b"{}", action_outcomes=[Outcome.DONE, Outcome.SUPERSEDED])
    rejected = Message("t", 0, 3, b"c", b"{}", action_outcomes=[Outcome.REJECTED])
    rejected.reject(PoisonMessageError("bad", "mapper_rejection"))
    before = {outcome: count(outcome) for outcome in ("done", "superseded", "dead_lettered")}
    batches = batch_count()
    observe_batch("index-test", [done, superseded, rejected], 0.2)
    assert {outcome: count(outcome) - before[outcome] for outcome in before} == {
        "done": 1,
        "superseded": 1,
        "dead_lettered": 1,
    }
    assert (
        REGISTRY.get_sample_value("caresignal_batch_seconds_count", {"service": "index-test"}) == batches + 1
    )
