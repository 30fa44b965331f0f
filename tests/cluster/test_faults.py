"""Faults on the local cluster (3 KRaft brokers, 3 Elasticsearch nodes) while evidence flows through
ingest → classify → index (and alerts): after each, every produced item is searchable exactly once, no alert
is raised twice, and the time to recover is measured (bench-results/cluster_faults.json).

Run with `make test-cluster` (starts the cluster, runs this, stops the cluster)."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaAdminClient

from deploy.cluster_harness import (
    SteadyStream,
    Workers,
    alert_copies,
    cluster_settings,
    first_searchable_after,
    primary_holder,
    quorum_leader,
    wait_all_searchable,
    wait_in_sync,
)
from deploy.settings import StackSettings
from deploy.stack import LocalStack
from services.common.config import CommonSettings
from services.common.topics import ensure_topics

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

RESULTS = Path(__file__).resolve().parents[2] / "bench-results" / "cluster_faults.json"
WARM_UP_S = 20  # stream flowing and searchable before the fault
STREAM_AFTER_RESTART_S = 10  # the stream flows on this long once the node is back
RATE = 10.0
measured: dict[str, dict[str, Any]] = {}
Fault = Callable[[], dict[str, Any]]


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    stack = LocalStack(StackSettings(), cluster=True)
    stack.up()
    yield stack
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"rate_items_per_s": RATE, "scenarios": measured}, indent=2) + "\n")
    stack.up()  # leave every node running for whatever runs next


@dataclass
class Run:
    settings: CommonSettings
    es: Elasticsearch
    workers: Workers
    stream: SteadyStream


@pytest.fixture
def run(stack: LocalStack, tmp_path: Path) -> Iterator[Run]:
    """A private prefix on the cluster, the three workers, and a steady stream (started by the test)."""
    prefix = f"c{uuid.uuid4().hex[:8]}-"
    settings = cluster_settings(stack, prefix)
    ensure_topics(settings)
    es = Elasticsearch(**settings.es_options())
    workers = Workers(settings, stack, tmp_path)
    for kind in ("classify", "index", "alerts"):
        workers.start(kind, kind)
    stream = SteadyStream(settings, tmp_path, rate=RATE)
    try:
        yield Run(settings, es, workers, stream)
    finally:
        stream.stop()
        workers.stop_all()
        stack.up()
        admin = KafkaAdminClient(**settings.kafka_options())
        with contextlib.suppress(Exception):
            admin.delete_topics([name for name in admin.list_topics() if name.startswith(prefix)])
        admin.close()
        with contextlib.suppress(Exception):
            es.indices.delete(index=f"{prefix}*", expand_wildcards="all", ignore_unavailable=True)
        es.close()


def stream_through_fault(run: Run, kill: Fault, restart: Fault) -> dict[str, Any]:
    """Warm up; `kill()`; measure until items flow again; `restart()` (it measures its catch-up); stream on
    a while; stop; then every produced item must be searchable exactly once and no alert raised twice."""
    run.stream.start()
    assert first_searchable_after(run.es, run.settings, run.stream, since=time.monotonic() - 60) is not None
    time.sleep(WARM_UP_S)
    fault_at = time.monotonic()
    detail = kill()
    recovered_s = first_searchable_after(run.es, run.settings, run.stream, since=fault_at)
    detail |= restart()
    time.sleep(STREAM_AFTER_RESTART_S)
    run.stream.stop()
    stopped_at = time.monotonic()
    expected = set(run.stream.sent)
    refs = wait_all_searchable(run.es, run.settings, expected)
    caught_up_s = time.monotonic() - stopped_at
    missing = expected - set(refs)
    duplicates = len(refs) - len(set(refs))
    assert not missing, f"{len(missing)} of {len(expected)} produced items never became searchable"
    assert duplicates == 0, f"{duplicates} items searchable more than once: {copies_of(run, refs)}"
    assert set(refs) == expected, f"{len(set(refs) - expected)} documents nobody produced"
    assert run.es.count(index=run.settings.index("evidence"))["count"] == len(expected)
    copies = alert_copies(run.settings)
    assert copies, "no alert was raised: the no-duplicate check would prove nothing"
    twice = {event_id for event_id, bodies in copies.items() if len(bodies) > 1}
    assert not twice, f"alert versions published twice with different bodies: {sorted(twice)[:5]}"
    return {
        **detail,
        "items": len(expected),
        "searchable_exactly_once": len(set(refs)),
        "alerts": len(copies),
        "flowing_again_after_fault_s": round(recovered_s, 1) if recovered_s is not None else None,
        "caught_up_after_stream_end_s": round(caught_up_s, 1),
        "ingest_batches_retried": len(run.stream.errors),
    }


def copies_of(run: Run, refs: list[str]) -> list[dict[str, Any]]:
    """Where each document of a source reference seen twice lives (index, id, time), to tell why."""
    twice = sorted({ref for ref in refs if refs.count(ref) > 1})[:5]
    hits = run.es.search(
        index=run.settings.index("evidence"),
        query={"terms": {"source_reference": twice}},
        source=["source_reference", "occurred_at", "evidence_id"],
        size=20,
    )["hits"]["hits"]
    return [{"index": hit["_index"], "id": hit["_id"], **hit["_source"]} for hit in hits]


def test_cluster_kill_9_the_controller_broker_then_restart_it(stack: LocalStack, run: Run) -> None:
    killed: list[int] = []

    def kill() -> dict[str, Any]:
        leader = quorum_leader(stack)
        stack.brokers[leader - 1].kill()
        killed.append(leader)
        return {"killed": f"Kafka {leader} (active controller)"}

    def restart() -> dict[str, Any]:
        new_leader = quorum_leader(stack)
        assert new_leader != killed[0], "the quorum did not elect a new controller"
        started = time.monotonic()
        stack.up()
        healthy_s = time.monotonic() - started
        in_sync_s = wait_in_sync(run.settings, replicas=3)
        return {
            "new_controller": new_leader,
            "restart_healthy_s": round(healthy_s, 1),
            "replicas_in_sync_after_healthy_s": round(in_sync_s, 1),
        }

    measured["kill_controller_broker"] = stream_through_fault(run, kill, restart)


def test_cluster_kill_9_the_elasticsearch_node_holding_primaries_then_restart_it(
    stack: LocalStack, run: Run
) -> None:
    def kill() -> dict[str, Any]:
        holder = primary_holder(run.es, run.settings)
        next(node for node in stack.es_nodes if node.node.node_name == holder).kill()
        return {"killed": f"Elasticsearch {holder} (holding the primary)"}

    def restart() -> dict[str, Any]:
        started = time.monotonic()
        stack.up()
        healthy_s = time.monotonic() - started
        run.es.cluster.health(wait_for_status="green", timeout="300s")
        return {
            "restart_healthy_s": round(healthy_s, 1),
            "green_after_healthy_s": round(time.monotonic() - started - healthy_s, 1),
        }

    measured["kill_primary_es_node"] = stream_through_fault(run, kill, restart)


def test_cluster_kill_classify_and_index_workers_with_a_broker_then_restart_all(
    stack: LocalStack, run: Run
) -> None:
    victim = stack.brokers[1]

    def kill() -> dict[str, Any]:
        run.workers.kill("classify")
        run.workers.kill("index")
        victim.kill()
        run.workers.start("classify", "classify")  # as a supervisor would
        run.workers.start("index", "index")
        return {"killed": f"classify worker, index worker and {victim.name}; workers restarted at once"}

    def restart() -> dict[str, Any]:
        started = time.monotonic()
        stack.up()
        healthy_s = time.monotonic() - started
        in_sync_s = wait_in_sync(run.settings, replicas=3)
        return {
            "restart_healthy_s": round(healthy_s, 1),
            "replicas_in_sync_after_healthy_s": round(in_sync_s, 1),
        }

    measured["kill_workers_and_broker"] = stream_through_fault(run, kill, restart)
