"""Scaling on the local cluster (3 brokers, 3 Elasticsearch nodes): classify workers 1 → 2 → 3 and index
workers 1 → 2. Not a test: prints a table, writes bench-results/cluster_scaling.json.

    .venv/bin/python bench/cluster_scaling.py [--items 3000] [--index-items 15000]

For each step the workers start on fresh topics and wait idle in their consumer group; then the items are
sent at once and the run lasts until all are out (classified on evidence.classified.v1, or searchable).
Reported per step: items/s, the peak and mean consumer lag sampled every second, the CPU seconds the
workers and the engines used (so items per worker CPU-second: the per-core rate the chart's requests come
from), and the workers' peak memory. Beside it, in the same run: `caresignal classify` (one process, no
Kafka) on the same texts, and a raw `helpers.bulk` of the same documents. The cluster's start cost and
memory are measured too (if this script had to start it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from deploy.cluster_harness import SOCIAL_SAMPLES, Workers, cluster_settings  # noqa: E402
from deploy.settings import StackSettings  # noqa: E402
from deploy.stack import LocalStack  # noqa: E402
from schemas.topics import Topic  # noqa: E402
from services.common.config import CommonSettings  # noqa: E402
from services.common.topics import ensure_topics  # noqa: E402
from services.ingest.config import IngestSettings  # noqa: E402
from services.ingest.files import ingest_file  # noqa: E402

console = Console()
TICK = os.sysconf("SC_CLK_TCK")


def process_group_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of every live process in `pid`'s process group."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pid:  # pgrp
                total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def process_cpu_s(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    return 0.0


def rss_mib(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def group_rss_mib(pid: int) -> float:
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == pid:
                total += rss_mib(int(stat.parent.name))
    return total


def engine_cpu_s(stack: LocalStack) -> float:
    return sum(process_group_cpu_s(pid) for engine in stack.engines if (pid := engine.running_pid()))


def group_lag(admin: KafkaAdminClient, consumer: KafkaConsumer, group: str, topic: str) -> int:
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    ends = consumer.end_offsets(partitions)
    committed = admin.list_group_offsets(group).get(group, {})
    return sum(ends[tp] - (committed[tp].offset if tp in committed else 0) for tp in partitions)


def wait_members(admin: KafkaAdminClient, group: str, members: int, timeout_s: float = 240) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(KafkaError):
            description = admin.describe_groups([group]).get(group, {})
            if description.get("group_state") == "Stable" and len(description.get("members", [])) == members:
                return
        time.sleep(1)
    raise RuntimeError(f"group {group} did not reach {members} stable members")


def social_file(path: Path, items: int, run: str) -> Path:
    texts = [json.loads(line)["text"] for line in SOCIAL_SAMPLES.read_text().splitlines() if line]
    with path.open("w") as out:
        for number in range(items):
            record = {
                "platform": "x",
                "post_id": f"{run}-{number}",
                "created_at": f"2026-05-{1 + number % 28:02d}T12:00:00Z",
                "text": texts[number % len(texts)],
                "place": "Camden, England",
            }
            out.write(json.dumps(record) + "\n")
    return path


def end_total(consumer: KafkaConsumer, topic: str) -> int:
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    return sum(consumer.end_offsets(partitions).values())


def measure(stack: LocalStack, workers: Workers, names: list[str], done, lag) -> dict[str, float]:
    """From now until `done()`: wall time, lag samples, worker and engine CPU, peak worker memory."""
    pids = [workers.pid(name) for name in names]
    cpu0, engines0 = sum(process_cpu_s(pid) for pid in pids), engine_cpu_s(stack)
    started, lags, peak_rss = time.monotonic(), [], 0.0
    while not done():
        lags.append(lag())
        peak_rss = max(peak_rss, max(rss_mib(pid) for pid in pids))
        time.sleep(1)
    wall = time.monotonic() - started
    return {
        "seconds": round(wall, 1),
        "worker_cpu_s": round(sum(process_cpu_s(pid) for pid in pids) - cpu0, 1),
        "engine_cpu_s": round(engine_cpu_s(stack) - engines0, 1),
        "lag_peak": max(lags, default=0),
        "lag_mean": round(sum(lags) / len(lags), 1) if lags else 0,
        "worker_peak_rss_mib": round(peak_rss),
        "load_average_1m": round(os.getloadavg()[0], 1),  # other work on the machine shows here
    }


def classify_step(stack: LocalStack, count: int, items: int, work: Path) -> tuple[dict, CommonSettings]:
    run = uuid.uuid4().hex[:6]
    settings = cluster_settings(stack, f"scale-{run}-")
    ensure_topics(settings)
    workers = Workers(settings, stack, work)
    names = [f"classify-{run}-{n}" for n in range(count)]
    for name in names:
        workers.start(name, "classify")
    admin = KafkaAdminClient(**settings.kafka_options())
    consumer = KafkaConsumer(**settings.kafka_options())
    group, source = settings.group_id("classify"), settings.topic(Topic.EVIDENCE_RECEIVED)
    try:
        wait_members(admin, group, count)
        path = social_file(work / f"items-{run}.jsonl", items, run)
        ingest = IngestSettings(**settings.model_dump(exclude={"state_dir"}), state_dir=work / f"state-{run}")
        sender = threading.Thread(target=ingest_file, args=(path, "social", ingest))
        sender.start()  # the clock runs from the first item sent
        output = settings.topic(Topic.EVIDENCE_CLASSIFIED)
        result = measure(
            stack,
            workers,
            names,
            done=lambda: end_total(consumer, output) >= items,
            lag=lambda: group_lag(admin, consumer, group, source),
        )
        sender.join()
    finally:
        workers.stop_all()
        consumer.close()
        admin.close()
    result["workers"] = count
    result["items"] = items
    result["items_per_s"] = round(items / result["seconds"], 1)
    result["items_per_worker_cpu_s"] = round(items / max(result["worker_cpu_s"], 0.1), 1)
    return result, settings


def classified_documents(settings: CommonSettings, copies: int) -> list[bytes]:
    """The classify step's output, repeated `copies` times with fresh evidence ids."""
    consumer = KafkaConsumer(
        settings.topic(Topic.EVIDENCE_CLASSIFIED),
        **settings.kafka_options(),
        group_id=None,
        auto_offset_reset="earliest",
        consumer_timeout_ms=5000,
    )
    originals = [json.loads(message.value) for message in consumer]
    consumer.close()
    fresh = {"evidence_id": lambda: str(uuid.uuid4()), "event_id": lambda: str(uuid.uuid4())}
    return [
        json.dumps({**body, **{key: make() for key, make in fresh.items()}}).encode()
        for _ in range(copies)
        for body in originals
    ]


def index_step(stack: LocalStack, count: int, bodies: list[bytes], work: Path) -> dict:
    run = uuid.uuid4().hex[:6]
    settings = cluster_settings(stack, f"scale-{run}-")
    ensure_topics(settings)
    workers = Workers(settings, stack, work)
    names = [f"index-{run}-{n}" for n in range(count)]
    for name in names:
        workers.start(name, "index")
    admin = KafkaAdminClient(**settings.kafka_options())
    consumer = KafkaConsumer(**settings.kafka_options())
    es = Elasticsearch(**settings.es_options())
    group, topic = settings.group_id("index"), settings.topic(Topic.EVIDENCE_CLASSIFIED)
    try:
        wait_members(admin, group, count)

        def produce() -> None:
            producer = KafkaProducer(
                **settings.kafka_options(), acks="all", linger_ms=20, batch_size=512 * 1024
            )
            for body in bodies:
                producer.send(topic, key=json.loads(body)["evidence_id"].encode(), value=body)
            producer.flush()
            producer.close()

        sender = threading.Thread(target=produce)
        sender.start()  # the clock runs from the first document sent

        def searchable() -> int:
            with contextlib.suppress(Exception):
                return es.count(index=settings.index("evidence"), ignore_unavailable=True)["count"]
            return 0

        result = measure(
            stack,
            workers,
            names,
            done=lambda: searchable() >= len(bodies),
            lag=lambda: group_lag(admin, consumer, group, topic),
        )
        sender.join()
        es.indices.refresh(index=settings.index("evidence"))
        stats = es.indices.stats(index=settings.index("evidence"), metric="store,docs")["_all"]["primaries"]
        result["primary_store_bytes_per_doc"] = round(
            stats["store"]["size_in_bytes"] / stats["docs"]["count"]
        )
    finally:
        workers.stop_all()
        consumer.close()
        admin.close()
        with contextlib.suppress(Exception):
            es.indices.delete(index=f"{settings.es_index_prefix}*", expand_wildcards="all")
        es.close()
    result["workers"] = count
    result["items"] = len(bodies)
    result["items_per_s"] = round(len(bodies) / result["seconds"], 1)
    result["items_per_worker_cpu_s"] = round(len(bodies) / max(result["worker_cpu_s"], 0.1), 1)
    return result


def classify_baseline(items: int, work: Path) -> dict:
    texts = [json.loads(line)["text"] for line in SOCIAL_SAMPLES.read_text().splitlines() if line]
    path = work / "baseline.jsonl"
    path.write_text(
        "".join(json.dumps({"id": str(n), "text": texts[n % len(texts)]}) + "\n" for n in range(items))
    )
    started = time.monotonic()
    with path.open() as stdin:
        subprocess.run(
            [sys.executable, "-m", "services", "classify"], stdin=stdin, stdout=subprocess.DEVNULL, check=True
        )
    seconds = time.monotonic() - started
    return {
        "what": "caresignal classify, one process, no Kafka",
        "items": items,
        "seconds": round(seconds, 1),
        "items_per_s": round(items / seconds, 1),
    }


def bulk_baseline(stack: LocalStack, bodies: list[bytes]) -> dict:
    es = Elasticsearch(**{**cluster_settings(stack, "").es_options(), "request_timeout": 120})
    index = f"scale-raw-{uuid.uuid4().hex[:6]}"
    es.indices.create(index=index, settings={"number_of_shards": 1, "number_of_replicas": 1})
    actions = (
        {"_index": index, "_id": json.loads(b)["evidence_id"], "_source": json.loads(b)} for b in bodies
    )
    started = time.monotonic()
    bulk(es, actions, chunk_size=1000)
    seconds = time.monotonic() - started
    es.indices.delete(index=index)
    es.close()
    return {
        "what": "raw helpers.bulk of the same documents (1 replica)",
        "items": len(bodies),
        "seconds": round(seconds, 1),
        "items_per_s": round(len(bodies) / seconds, 1),
    }


def cluster_footprint(stack: LocalStack, started_s: float | None) -> dict:
    memory = {
        engine.name: round(group_rss_mib(pid)) for engine in stack.engines if (pid := engine.running_pid())
    }
    return {
        "start_seconds": started_s,
        "rss_mib": memory,
        "rss_total_mib": sum(memory.values()),
        "heaps": {
            "kafka": stack.settings.cluster_kafka_heap,
            "elasticsearch": stack.settings.cluster_es_heap,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--index-copies", type=int, default=5, help="Index steps use items × this many docs.")
    args = parser.parse_args()
    work = ROOT / ".local" / "bench-cluster"
    work.mkdir(parents=True, exist_ok=True)
    stack = LocalStack(StackSettings(), cluster=True)
    started_s = None
    if any(engine.running_pid() is None for engine in stack.engines):
        began = time.monotonic()
        stack.up()
        started_s = round(time.monotonic() - began, 1)
    footprint = cluster_footprint(stack, started_s)
    classify_rows, last = [], None
    for count in (1, 2, 3):
        row, last = classify_step(stack, count, args.items, work)
        classify_rows.append(row)
        console.print(f"classify ×{count}: {row}")
    bodies = classified_documents(last, args.index_copies)
    footprint["classified_message_bytes_mean"] = round(sum(map(len, bodies)) / len(bodies))
    index_rows = []
    for count in (1, 2):
        row = index_step(stack, count, bodies, work)
        index_rows.append(row)
        console.print(f"index ×{count}: {row}")
    baselines = [classify_baseline(args.items, work), bulk_baseline(stack, bodies)]
    admin = KafkaAdminClient(**cluster_settings(stack, "").kafka_options())
    with contextlib.suppress(Exception):
        admin.delete_topics([name for name in admin.list_topics() if name.startswith("scale-")])
    admin.close()

    table = Table(
        "step",
        "workers",
        "items",
        "items/s",
        "lag peak",
        "lag mean",
        "worker CPU s",
        "items/worker CPU s",
        "engine CPU s",
        "worker RSS MiB",
        title="Scaling on the local cluster (2 cores)",
    )
    for kind, rows in (("classify", classify_rows), ("index", index_rows)):
        for row in rows:
            table.add_row(
                kind,
                *(
                    str(row[k])
                    for k in (
                        "workers",
                        "items",
                        "items_per_s",
                        "lag_peak",
                        "lag_mean",
                        "worker_cpu_s",
                        "items_per_worker_cpu_s",
                        "engine_cpu_s",
                        "worker_peak_rss_mib",
                    )
                ),
            )
    for baseline in baselines:
        table.add_row(baseline["what"], "-", str(baseline["items"]), str(baseline["items_per_s"]), *["-"] * 6)
    console.print(table)
    console.print(f"cluster: {footprint}")
    out = ROOT / "bench-results" / "cluster_scaling.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "cores": os.cpu_count(),
                "cluster": footprint,
                "classify": classify_rows,
                "index": index_rows,
                "baselines": baselines,
            },
            indent=2,
        )
        + "\n"
    )
    console.print(f"wrote {out}")


if __name__ == "__main__":
    main()
