"""What the fault suite (tests/cluster) and the scaling benchmark drive on the local cluster: worker
processes, a steady stream through the real ingest path, and the checks that nothing is lost or doubled."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import ApiError, Elasticsearch, TransportError
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from deploy.stack import LocalStack
from schemas.topics import Topic
from services.common.config import CommonSettings
from services.common.errors import TransientError
from services.ingest.config import IngestSettings
from services.ingest.files import ingest_file

ROOT = Path(__file__).resolve().parents[1]
SOCIAL_SAMPLES = ROOT / "samples" / "social_comments.jsonl"
HIGH_SEVERITY = "My mum was hit by a carer and left with bruises, this is abuse and neglect. #{place}"
PLACES = ["Camden", "Oldham", "Leeds", "Bristol", "Manchester", "Liverpool", "Norfolk", "Kent"]
WORKER_COMMANDS = {
    "classify": [sys.executable, "-m", "services", "classify-worker", "--no-web"],
    "index": [sys.executable, "-m", "services", "index-worker"],
    "alerts": [sys.executable, "-m", "services", "alerts-worker", "--no-web"],
}


def cluster_settings(stack: LocalStack, prefix: str) -> CommonSettings:
    """Settings on the cluster's three brokers and nodes, replicated topics, private prefixes."""
    env = stack.topology.client_env()
    return CommonSettings(
        kafka_bootstrap=env["CARESIGNAL_KAFKA_BOOTSTRAP"],
        es_url=env["CARESIGNAL_ES_URL"],
        kafka_replication_factor=int(env["CARESIGNAL_KAFKA_REPLICATION_FACTOR"]),
        kafka_min_insync_replicas=int(env["CARESIGNAL_KAFKA_MIN_INSYNC_REPLICAS"]),
        topic_prefix=prefix,
        es_index_prefix=prefix,
        environment="test",
    )


class Workers:
    """Worker processes of one test, each with its own log; all stopped by `stop_all`."""

    def __init__(self, settings: CommonSettings, stack: LocalStack, logs: Path) -> None:
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.env = {
            **os.environ,
            **stack.topology.client_env(),
            "CARESIGNAL_TOPIC_PREFIX": settings.topic_prefix,
            "CARESIGNAL_ES_INDEX_PREFIX": settings.es_index_prefix,
            "CARESIGNAL_ENVIRONMENT": "test",
            "CARESIGNAL_LOG_LEVEL": "WARNING",
            "CARESIGNAL_CLASSIFY_SESSION_TIMEOUT_SECONDS": "10",
            "CARESIGNAL_INDEX_SESSION_TIMEOUT_SECONDS": "10",
            "CARESIGNAL_ALERTS_SESSION_TIMEOUT_SECONDS": "10",
            "CARESIGNAL_STATE_DIR": str(logs / "state"),
        }

    def start(self, name: str, kind: str, **extra_env: str) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            WORKER_COMMANDS[kind],
            env={**self.env, **extra_env},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill(self, name: str) -> None:
        process = self.processes[name]
        process.kill()
        process.wait()

    def pid(self, name: str) -> int:
        return self.processes[name].pid

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class SteadyStream:
    """Ingests `rate` social comments a second through `ingest_file`, one small file per tick, until
    stopped; every item has its own post id and the current time, the places take turns, and every tenth
    item is a high-severity one (it raises an alert for its place)."""

    settings: CommonSettings
    work_dir: Path
    rate: float = 10.0
    tick_s: float = 0.5
    sent: dict[str, float] = field(default_factory=dict)  # source reference → when the broker acked it
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._texts = [json.loads(line)["text"] for line in SOCIAL_SAMPLES.read_text().splitlines() if line]
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.ingest_settings = IngestSettings(
            **self.settings.model_dump(exclude={"state_dir"}), state_dir=self.work_dir / "state"
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=300)

    def _run(self) -> None:
        per_tick, number, tick = max(1, round(self.rate * self.tick_s)), 0, 0
        while not self._stop.is_set():
            started = time.monotonic()
            lines, refs = [], []
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            for _ in range(per_tick):
                place = PLACES[number % len(PLACES)]
                text = self._texts[number % len(self._texts)]
                if number % 10 == 9:
                    text = HIGH_SEVERITY.format(place=place)
                post_id = f"{self.settings.topic_prefix}{number}"
                lines.append(
                    json.dumps(
                        {
                            "platform": "x",
                            "post_id": post_id,
                            "created_at": now,
                            "author_handle": "@steady",
                            "text": text,
                            "place": f"{place}, England",
                        }
                    )
                )
                refs.append(f"x:{post_id}")
                number += 1
            batch = self.work_dir / f"batch-{tick % 2}.jsonl"
            batch.write_text("\n".join(lines) + "\n")
            try:
                summary = ingest_file(batch, "social", self.ingest_settings)
                if summary.rejected:
                    self.errors.append(f"rejected {summary.rejected}")
            except (TransientError, KafkaError) as error:  # outlive a failover: note it, resend the batch
                self.errors.append(repr(error))
                number -= per_tick
                continue
            acked = time.monotonic()
            for ref in refs:
                self.sent[ref] = acked
            tick += 1
            self._stop.wait(max(0.0, self.tick_s - (time.monotonic() - started)))


def searchable_refs(es: Elasticsearch, settings: CommonSettings) -> list[str]:
    """source_reference of every evidence document (a duplicate shows twice), paged over a point in time:
    one consistent view, so a page boundary never repeats or skips a document when copies differ."""
    index = settings.index("evidence")
    es.indices.refresh(index=index, ignore_unavailable=True, allow_no_indices=True)
    pit = es.open_point_in_time(index=index, keep_alive="1m", ignore_unavailable=True)["id"]
    refs, after = [], None
    try:
        while True:
            page = es.search(
                pit={"id": pit, "keep_alive": "1m"},
                size=2000,
                sort=[{"source_reference": "asc"}, {"_shard_doc": "asc"}],
                source=["source_reference"],
                search_after=after,
            )
            hits = page["hits"]["hits"]
            if not hits:
                return refs
            refs.extend(hit["_source"]["source_reference"] for hit in hits)
            after = hits[-1]["sort"]
    finally:
        es.close_point_in_time(id=pit)


def wait_all_searchable(
    es: Elasticsearch, settings: CommonSettings, expected: set[str], timeout_s: float = 420
) -> list[str]:
    deadline, refs = time.monotonic() + timeout_s, []
    while time.monotonic() < deadline:
        try:
            refs = searchable_refs(es, settings)
        except (ApiError, TransportError):  # shards still recovering, a node gone
            refs = []
        if expected <= set(refs):
            return refs
        time.sleep(2)
    return refs


def first_searchable_after(
    es: Elasticsearch, settings: CommonSettings, stream: SteadyStream, since: float, timeout_s: float = 300
) -> float | None:
    """Seconds from `since` until an item the broker acked after `since` is searchable."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        later = [ref for ref, acked in list(stream.sent.items()) if acked > since]
        if later:
            try:
                es.indices.refresh(index=settings.index("evidence"), ignore_unavailable=True)
                found = es.count(
                    index=settings.index("evidence"),
                    query={"terms": {"source_reference": later[:500]}},
                    ignore_unavailable=True,
                )["count"]
            except (ApiError, TransportError):
                found = 0
            if found:
                return time.monotonic() - since
        time.sleep(0.5)
    return None


def alert_copies(settings: CommonSettings) -> dict[str, set[bytes]]:
    """Every alert version on alerts.raised (its event id: one per alert and version) with the distinct bodies
    published under it."""
    topic = settings.topic(Topic.ALERTS_RAISED)
    consumer = KafkaConsumer(**settings.kafka_options(), enable_auto_commit=False, consumer_timeout_ms=5000)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    consumer.assign(partitions)
    consumer.seek_to_beginning()
    ends = consumer.end_offsets(partitions)
    copies: dict[str, set[bytes]] = defaultdict(set)
    while any(consumer.position(tp) < ends[tp] for tp in partitions):
        for message in consumer:
            copies[json.loads(message.value)["event_id"]].add(message.value)
            if all(consumer.position(tp) >= ends[tp] for tp in partitions):
                break
    consumer.close()
    return copies


def wait_in_sync(settings: CommonSettings, replicas: int, timeout_s: float = 300) -> float:
    """Seconds until every partition of this test's topics has all its replicas in sync again."""
    started = time.monotonic()
    admin = KafkaAdminClient(**settings.kafka_options())
    try:
        while time.monotonic() - started < timeout_s:
            names = [name for name in admin.list_topics() if name.startswith(settings.topic_prefix)]
            described = admin.describe_topics(names)
            if all(len(p["isr_nodes"]) >= replicas for topic in described for p in topic["partitions"]):
                return time.monotonic() - started
            time.sleep(1)
    finally:
        admin.close()
    raise AssertionError(f"partitions not back in sync within {timeout_s}s")


def quorum_leader(stack: LocalStack) -> int:
    """The node id of the active KRaft controller: the leader of the latest epoch the live nodes record."""
    latest: tuple[int, int] = (-1, -1)
    for broker in stack.brokers:
        if broker.running_pid() is None:
            continue
        state = broker.data_dir / "__cluster_metadata-0" / "quorum-state"
        with contextlib.suppress(OSError, ValueError):
            record = json.loads(state.read_text())
            latest = max(latest, (record.get("leaderEpoch", -1), record.get("leaderId", -1)))
    assert latest[1] > 0, "no KRaft leader recorded"
    return latest[1]


def primary_holder(es: Elasticsearch, settings: CommonSettings) -> str:
    """The node holding the primary of the evidence index's shard."""
    shards = es.cat.shards(index=settings.index("evidence*"), format="json")
    primaries = [shard["node"] for shard in shards if shard["prirep"] == "p" and shard["state"] == "STARTED"]
    assert primaries, shards
    return primaries[0]
