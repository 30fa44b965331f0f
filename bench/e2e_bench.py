"""End to end: ingest → classify → index → searchable. Not a test: prints a table, writes JSON.

    .venv/bin/python bench/e2e_bench.py [--items 100000] [--rate 40] [--latency-seconds 60]

Runs the real services (classify worker and index worker as subprocesses) over private uuid-prefixed
topics and indices, then:
  1. throughput: N social-media comments (real feedback texts) from a JSON Lines file through
     `caresignal ingest`, timed from the start of ingest until all N are searchable;
  2. latency: items produced at a fixed offered rate; for each, the time from send to searchable
     (polled every 100 ms), reported as p50/p95/p99;
  3. in the same run, the same final documents (a) bulk-indexed with raw `elasticsearch.helpers.bulk`
     (the ceiling) and (b) a plain kafka-python consumer → bulk loop over the classified topic;
  4. the workers' CPU-seconds during the throughput run and their peak RSS, and the analyser alone on
     the same texts (items per CPU-second): the classify worker's overhead around the model.
Everything it creates is removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk, scan
from kafka import KafkaAdminClient, KafkaConsumer
from results import machine
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas import EvidenceReceived, SourceType, Topic, evidence_id_for  # noqa: E402
from schemas.common import AreaRef  # noqa: E402
from services.classify.config import ClassifySettings  # noqa: E402
from services.common.config import CommonSettings  # noqa: E402
from services.common.kafka import create_producer, event_message  # noqa: E402
from services.common.topics import ensure_topics  # noqa: E402

DATA = ClassifySettings().data_dir / "pxtextmining_phase1.csv"
WORKERS = ("index", "classify")  # start_workers' order
PLACES = ["Oldham", "Manchester", "Leeds", "Kent", "Devon", "Birmingham", "Camden", "Cornwall"]
console = Console()


def feedback_texts() -> list[str]:
    with DATA.open(encoding="utf-8") as handle:
        return [row["feedback"] for row in csv.DictReader(handle) if len(row["feedback"].strip()) > 3]


def write_social_file(path: Path, items: int, texts: list[str], run: str) -> None:
    rng = random.Random(11)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as handle:
        for number in range(items):
            created = start + timedelta(minutes=rng.randrange(0, 180 * 24 * 60))
            post = {
                "platform": "x",
                "post_id": f"{run}-{number}",
                "created_at": created.isoformat().replace("+00:00", "Z"),
                "author_handle": f"@user{rng.randrange(10_000)}",
                "text": rng.choice(texts),
                "place": f"{rng.choice(PLACES)}, England",
            }
            handle.write(json.dumps(post) + "\n")


def start_workers(env: dict[str, str], log_dir: Path) -> list[subprocess.Popen[bytes]]:
    commands = [
        [sys.executable, "-m", "services.index"],
        [sys.executable, "-m", "services", "classify-worker", "--no-web"],
    ]
    workers = []
    for number, command in enumerate(commands):
        log = (log_dir / f"worker-{number}.log").open("wb")
        workers.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
    return workers


def wait_ready(log: Path, timeout_s: float = 600) -> None:
    """Until faust logs that the classify worker is ready: its model is loaded, so the CPU-seconds counted
    from then on are the run's, not the start's."""
    deadline = time.monotonic() + timeout_s
    while b"Worker]: Ready" not in log.read_bytes():
        if time.monotonic() > deadline:
            raise RuntimeError(f"classify worker not ready after {timeout_s:.0f}s: {log.read_text()[-2000:]}")
        time.sleep(0.5)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> dict[str, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), MiB."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {
        "rss_mib": int(status["VmRSS"].split()[0]) / 1024,
        "peak_rss_mib": int(status["VmHWM"].split()[0]) / 1024,
    }


def analyser_alone(texts: list[str], items: int) -> dict[str, float]:
    """The classify worker's model on the same texts in this process: items per CPU-second."""
    from services.classify.analyser import EvidenceAnalyser
    from services.classify.registry import active_model

    analyser = EvidenceAnalyser.load(active_model(ClassifySettings()).path)
    sample = [texts[i % len(texts)] for i in range(items)]
    analyser.analyse(sample[:256])  # warm up
    started = time.process_time()
    analyser.analyse(sample)
    return {"items": items, "items_per_cpu_s": items / (time.process_time() - started)}


def searchable(es: Elasticsearch, alias: str) -> int:
    with contextlib.suppress(Exception):
        return es.count(index=alias, ignore_unavailable=True, allow_no_indices=True)["count"]
    return 0


def wait_for_count(es: Elasticsearch, alias: str, expected: int, timeout_s: float) -> float:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if searchable(es, alias) >= expected:
            return time.monotonic()
        time.sleep(0.5)
    raise RuntimeError(f"only {searchable(es, alias)} of {expected} searchable after {timeout_s:.0f}s")


def throughput(
    settings: CommonSettings,
    es: Elasticsearch,
    env: dict[str, str],
    items: int,
    texts: list[str],
    run: str,
    work: Path,
) -> dict[str, float]:
    path = work / "social.jsonl"
    write_social_file(path, items, texts, run)
    alias = settings.index("evidence")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "services", "ingest", str(path), "--source", "social", "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    ingested = time.monotonic()
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    if summary["accepted"] != items:
        raise RuntimeError(f"ingest accepted {summary} of {items}: {result.stderr[-500:]}")
    done = wait_for_count(es, alias, items, timeout_s=max(600, items / 20))
    return {
        "items": items,
        "ingest_s": ingested - started,
        "ingest_items_per_s": items / (ingested - started),
        "end_to_end_s": done - started,
        "end_to_end_items_per_s": items / (done - started),
    }


def latency(
    settings: CommonSettings, es: Elasticsearch, rate: float, seconds: float, texts: list[str], run: str
) -> dict[str, float]:
    producer = create_producer(settings)
    topic, alias = settings.topic(Topic.EVIDENCE_RECEIVED), settings.index("evidence")
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}
    lock, finished = threading.Lock(), threading.Event()

    def poll() -> None:
        while not finished.is_set() or len(seen) < len(sent):
            with lock:
                outstanding = [key for key in sent if key not in seen][:2000]
            if outstanding:
                with contextlib.suppress(Exception):
                    hits = es.search(
                        index=alias,
                        query={"ids": {"values": outstanding}},
                        size=len(outstanding),
                        source=False,
                    )["hits"]["hits"]
                    now = time.monotonic()
                    for hit in hits:
                        seen.setdefault(hit["_id"], now)
            if finished.is_set() and time.monotonic() > finish_deadline:
                return
            time.sleep(0.1)

    finish_deadline = float("inf")
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    rng, interval = random.Random(5), 1.0 / rate
    started = time.monotonic()
    for number in range(int(rate * seconds)):
        time.sleep(max(0.0, started + number * interval - time.monotonic()))
        reference = f"latency-{run}-{number}"
        evidence_id = evidence_id_for(SourceType.SOCIAL_MEDIA_COMMENT, reference)
        now = datetime.now(UTC)
        event = EvidenceReceived(
            event_id=evidence_id,
            evidence_id=evidence_id,
            occurred_at=now,
            received_at=now,
            source="caresignal/bench",
            source_type=SourceType.SOCIAL_MEDIA_COMMENT,
            source_reference=reference,
            text=rng.choice(texts),
            area=AreaRef(place=rng.choice(PLACES)),
        )
        producer.send(topic, **event_message(event, str(evidence_id)))
        with lock:
            sent[str(evidence_id)] = time.monotonic()
    producer.flush()
    producer.close()
    finish_deadline = time.monotonic() + 120
    finished.set()
    poller.join()
    latencies = sorted((seen[key] - sent[key]) * 1000 for key in seen)
    return {
        "offered_rate_per_s": rate,
        "sent": len(sent),
        "searchable": len(latencies),
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "mean_ms": statistics.fmean(latencies) if latencies else float("nan"),
    }


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def baselines(settings: CommonSettings, es: Elasticsearch, items: int) -> dict[str, float]:
    """The same final documents: raw bulk (ceiling) and a plain consumer → bulk loop."""
    documents = [
        (hit["_index"], hit["_id"], hit["_source"])
        for hit in scan(es, index=settings.index("evidence"), query={"query": {"match_all": {}}}, size=2000)
    ]
    raw_index, plain_index = settings.index("baseline-raw"), settings.index("baseline-plain")
    for index in (raw_index, plain_index):
        es.indices.create(
            index=index, mappings=es.indices.get_mapping(index=documents[0][0])[documents[0][0]]["mappings"]
        )
    started = time.monotonic()
    bulk(
        es,
        ({"_index": raw_index, "_id": doc_id, "_source": source} for _, doc_id, source in documents),
        chunk_size=1000,
    )
    es.indices.refresh(index=raw_index)
    raw_s = time.monotonic() - started

    consumer = KafkaConsumer(
        settings.topic(Topic.EVIDENCE_CLASSIFIED),
        **settings.kafka_options(),
        group_id=f"{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=1000,
    )
    started, done = time.monotonic(), 0
    while done < len(documents):
        actions = [
            {
                "_index": plain_index,
                "_id": json.loads(record.value)["evidence_id"],
                "_source": json.loads(record.value),
            }
            for records in consumer.poll(timeout_ms=500).values()
            for record in records
        ]
        if actions:
            bulk(es, actions, chunk_size=1000)
            consumer.commit()
            done += len(actions)
    es.indices.refresh(index=plain_index)
    plain_s = time.monotonic() - started
    consumer.close()
    return {
        "documents": len(documents),
        "raw_bulk_docs_per_s": len(documents) / raw_s,
        "plain_consumer_bulk_docs_per_s": done / plain_s,
    }


def cleanup(settings: CommonSettings, es: Elasticsearch) -> None:
    with contextlib.suppress(Exception):
        es.indices.delete(
            index=f"{settings.es_index_prefix}*", expand_wildcards="all", ignore_unavailable=True
        )
    with contextlib.suppress(Exception):
        for template in es.indices.get_index_template(name=f"{settings.es_index_prefix}*")["index_templates"]:
            es.indices.delete_index_template(name=template["name"])
        for component in es.cluster.get_component_template(name=f"{settings.es_index_prefix}*")[
            "component_templates"
        ]:
            es.cluster.delete_component_template(name=component["name"])
    admin = KafkaAdminClient(**settings.kafka_options())
    with contextlib.suppress(Exception):
        admin.delete_topics([name for name in admin.list_topics() if name.startswith(settings.topic_prefix)])
    admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=40.0, help="offered items/s for the latency run")
    parser.add_argument("--latency-seconds", type=float, default=60.0)
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    prefix = f"bench-e2e-{run}-"
    settings = CommonSettings(topic_prefix=prefix, es_index_prefix=prefix, environment="test")
    env = {
        **os.environ,
        "CARESIGNAL_TOPIC_PREFIX": prefix,
        "CARESIGNAL_ES_INDEX_PREFIX": prefix,
        "CARESIGNAL_STATE_DIR": tempfile.mkdtemp(prefix="caresignal-bench-"),
    }
    ensure_topics(settings)
    es = Elasticsearch(**settings.es_options())
    texts = feedback_texts()
    results: dict[str, object] = {
        "run": run,
        "at": datetime.now(UTC).isoformat(),
        "items": args.items,
        "machine_at_start": machine(),
    }
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        workers = start_workers(env, work)
        try:
            wait_ready(work / f"worker-{WORKERS.index('classify')}.log")
            time.sleep(2)  # the index worker's start (templates, first poll) settles too
            console.print(f"throughput: {args.items} items through ingest → classify → index ...")
            cpu_before = [cpu_seconds(worker.pid) for worker in workers]
            results["throughput"] = throughput(settings, es, env, args.items, texts, run, work)
            results["workers"] = {
                name: {"cpu_s": cpu_seconds(worker.pid) - before, **rss_mib(worker.pid)}
                for name, worker, before in zip(WORKERS, workers, cpu_before, strict=True)
            }
            console.print(f"latency: {args.rate}/s for {args.latency_seconds}s ...")
            results["latency"] = latency(settings, es, args.rate, args.latency_seconds, texts, run)
            console.print("baselines on the same documents ...")
            results["baselines"] = baselines(settings, es, args.items)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    worker.wait(timeout=30)
            cleanup(settings, es)
    console.print("the analyser alone on the same texts ...")
    alone = analyser_alone(texts, min(args.items, 3000))
    classify_cpu = results["workers"]["classify"]["cpu_s"]  # type: ignore[index]
    results["classify_worker"] = {
        "items_per_cpu_s": args.items / classify_cpu,
        "analyser_items_per_cpu_s": alone["items_per_cpu_s"],
        "analyser_items": alone["items"],
    }
    results["machine_at_end"] = machine()
    report(results)
    args.output.mkdir(exist_ok=True)
    out = args.output / f"e2e-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2))
    console.print(f"wrote {out}")


def report(results: dict) -> None:
    table = Table("measure", "value", title="CareSignal end to end (this machine)")
    t, lat, base = results["throughput"], results["latency"], results["baselines"]
    table.add_row("items ingested → searchable", f"{t['items']:,}")
    table.add_row("ingest only (items/s)", f"{t['ingest_items_per_s']:,.0f}")
    table.add_row("end to end (items/s)", f"{t['end_to_end_items_per_s']:,.0f}  ({t['end_to_end_s']:.0f} s)")
    table.add_row(
        f"latency at {lat['offered_rate_per_s']:g}/s: p50 / p95 / p99",
        f"{lat['p50_ms']:,.0f} / {lat['p95_ms']:,.0f} / {lat['p99_ms']:,.0f} ms "
        f"({lat['searchable']}/{lat['sent']} searchable)",
    )
    table.add_row(
        "baseline: raw helpers.bulk of the final docs (docs/s)", f"{base['raw_bulk_docs_per_s']:,.0f}"
    )
    table.add_row(
        "baseline: plain kafka-python consumer → bulk (docs/s)",
        f"{base['plain_consumer_bulk_docs_per_s']:,.0f}",
    )
    for name, worker in results["workers"].items():
        table.add_row(
            f"{name} worker: CPU-seconds / RSS now / peak",
            f"{worker['cpu_s']:,.0f} s / {worker['rss_mib']:,.0f} / {worker['peak_rss_mib']:,.0f} MiB",
        )
    classify = results["classify_worker"]
    table.add_row(
        "classify worker vs the analyser alone (items per CPU-second)",
        f"{classify['items_per_cpu_s']:,.0f} vs {classify['analyser_items_per_cpu_s']:,.0f} "
        f"({classify['items_per_cpu_s'] / classify['analyser_items_per_cpu_s']:.0%})",
    )
    console.print(table)


if __name__ == "__main__":
    main()
