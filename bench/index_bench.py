"""Index throughput and area-profile latency on this machine. Not a test: prints tables, writes JSON.

    .venv/bin/python bench/index_bench.py [--events 20000] [--query-docs 300000] [--query-areas 60]

Indexing, the same N classified events each time, into separate uuid-prefixed indices:
  (a) raw `elasticsearch.helpers.bulk` of the N final documents (the ceiling),
  (b) a plain kafka-python consumer → json → bulk loop reading the N events from a topic,
  (c) our `Indexer` reading the same topic (validation, versions, per-item checks, commits).
Queries: `area_profile` over a synthetic corpus (skewed areas, statements and sentiment) for many
distinct areas (councils of every size, ICBs, regions), each beside the same HTTP requests sent bare (no
query building, no parsing into the profile), compared like with like: cold (Elasticsearch's request
and query caches cleared before each) and warm (the same requests just answered), reported separately.
Records the cores it could use and the load average (other work on the machine shows there).
Everything it creates (topics, indices, templates) is removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk, parallel_bulk
from kafka import KafkaAdminClient, KafkaConsumer
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from results import machine, write_results  # noqa: E402
from workload import END, random_evidence  # noqa: E402

from schemas.reference import local_authorities  # noqa: E402
from schemas.topics import Topic  # noqa: E402
from services.common.areas import icb_areas, region_areas  # noqa: E402
from services.common.config import CommonSettings  # noqa: E402
from services.common.indices import Names  # noqa: E402
from services.common.kafka import create_producer, event_message  # noqa: E402
from services.common.topics import ensure_topics  # noqa: E402
from services.index.config import IndexSettings  # noqa: E402
from services.index.documents import evidence_action  # noqa: E402
from services.index.profiles import area_profile  # noqa: E402
from services.index.templates import delete_templates, install_templates  # noqa: E402
from services.index.worker import Indexer  # noqa: E402

console = Console()


# The profiles' period: the year of synthetic evidence before the workload's end.
SINCE, UNTIL = END - timedelta(days=366), END + timedelta(days=1)


def prefixed(tag: str, run: str) -> IndexSettings:
    return IndexSettings(
        topic_prefix=f"bench-{run}-", es_index_prefix=f"bench-{run}-{tag}-", environment="test"
    )


def count(es: Elasticsearch, index: str) -> int:
    es.indices.refresh(index=index, ignore_unavailable=True, allow_no_indices=True)
    return es.count(index=index, ignore_unavailable=True, allow_no_indices=True)["count"]


def raw_bulk(es: Elasticsearch, settings: IndexSettings, events: list) -> float:
    install_templates(es, settings)
    names, now = Names(settings), datetime.now(UTC)
    actions = [evidence_action(event, names, now) for event in events]
    started = time.perf_counter()
    bulk(es, actions, chunk_size=1000, max_chunk_bytes=5 * 1024 * 1024)
    elapsed = time.perf_counter() - started
    assert count(es, names.evidence_alias) == len(events)
    return elapsed


def plain_loop(es: Elasticsearch, settings: IndexSettings, topic: str, total: int) -> float:
    install_templates(es, settings)
    names = Names(settings)
    consumer = KafkaConsumer(
        topic, **settings.kafka_options(), group_id=f"{settings.es_index_prefix}plain",
        auto_offset_reset="earliest", enable_auto_commit=False, max_poll_records=1000,
    )  # fmt: skip
    started, done = time.perf_counter(), 0
    while done < total:
        polled = consumer.poll(timeout_ms=500, max_records=1000)
        actions = []
        for records in polled.values():
            for record in records:
                doc = json.loads(record.value)
                month = doc["occurred_at"][:7].replace("-", ".")
                actions.append(
                    {
                        "_index": names.settings.index(f"evidence-v1-{month}"),
                        "_id": doc["evidence_id"],
                        "_source": doc,
                    }
                )
        if actions:
            bulk(es, actions, chunk_size=1000)
            consumer.commit()
            done += len(actions)
    elapsed = time.perf_counter() - started
    consumer.close()
    return elapsed


def our_indexer(es: Elasticsearch, settings: IndexSettings, total: int) -> float:
    indexer = Indexer(settings)  # its own client, from settings, as deployed
    stop = threading.Event()
    thread = threading.Thread(target=indexer.run, args=(stop,), daemon=True)
    started = time.perf_counter()
    thread.start()
    while indexer.stats.messages < total:
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join(timeout=60)
    assert count(es, Names(settings).evidence_alias) == total
    return elapsed


def build_corpus(es: Elasticsearch, settings: IndexSettings, docs: int, seed: int) -> float:
    install_templates(es, settings)
    names, now, rng = Names(settings), datetime.now(UTC), random.Random(seed)
    codes = list(local_authorities())
    rng.shuffle(codes)
    actions = (evidence_action(random_evidence(rng, i, codes), names, now) for i in range(docs))
    for index in es.indices.get(index=f"{settings.es_index_prefix}*", expand_wildcards="all"):
        es.indices.put_settings(index=index, settings={"refresh_interval": "-1"})
    started = time.perf_counter()
    for _ in parallel_bulk(es, actions, thread_count=2, chunk_size=2000, raise_on_error=True):
        pass
    es.indices.refresh(index=names.evidence_alias)
    es.indices.forcemerge(index=names.evidence_alias, max_num_segments=1)
    assert count(es, names.evidence_alias) == docs
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class RecordingElasticsearch(Elasticsearch):
    """The same client, keeping every request it sends, so that the baseline can send exactly those."""

    requests: ClassVar[list[dict[str, Any]]] = []

    def perform_request(self, method: str, path: str, **kwargs: Any) -> Any:
        RecordingElasticsearch.requests.append({"method": method, "path": path, **kwargs})
        return super().perform_request(method, path, **kwargs)


def query_areas(count: int, seed: int) -> list[str]:
    """Distinct areas: mostly councils (busy and quiet ones in the skewed corpus), some ICBs and regions."""
    rng = random.Random(seed)
    councils = rng.sample(sorted(local_authorities()), k=min(count * 2 // 3, len(local_authorities())))
    icbs = rng.sample(sorted(icb_areas()), k=min(count * 2 // 9, len(icb_areas())))
    regions = rng.sample(
        sorted(region_areas()), k=min(count - len(councils) - len(icbs), len(region_areas()))
    )
    areas = councils + icbs + regions
    rng.shuffle(areas)
    return areas


def query_latency(es: Elasticsearch, settings: IndexSettings, areas: list[str]) -> dict[str, object]:
    """Per area: profile cold, the same requests bare cold, profile warm, the same requests bare warm."""
    names = Names(settings)
    recording = RecordingElasticsearch(hosts=[settings.es_url], request_timeout=120)
    timings: dict[str, list[float]] = {
        name: []
        for name in ("profile_cold", "bare_cold", "profile_warm", "bare_warm", "took_cold", "took_warm")
    }

    def clear_caches() -> None:
        es.indices.clear_cache(index=names.evidence_alias, request=True, query=True)

    def bare(requests: list[dict[str, Any]]) -> tuple[float, float]:
        started, took = time.perf_counter(), 0.0
        for request in requests:
            took += es.perform_request(**request).body.get("took", 0)
        return (time.perf_counter() - started) * 1000, took

    # the first use of the client and the index
    area_profile(recording, names, areas[0], date_from=SINCE, date_to=UNTIL)
    for code in areas:
        clear_caches()
        RecordingElasticsearch.requests.clear()
        started = time.perf_counter()
        area_profile(recording, names, code, date_from=SINCE, date_to=UNTIL)
        timings["profile_cold"].append((time.perf_counter() - started) * 1000)
        requests = list(RecordingElasticsearch.requests)
        clear_caches()
        wall, took = bare(requests)
        timings["bare_cold"].append(wall)
        timings["took_cold"].append(took)
        started = time.perf_counter()
        area_profile(recording, names, code, date_from=SINCE, date_to=UNTIL)
        timings["profile_warm"].append((time.perf_counter() - started) * 1000)
        wall, took = bare(requests)
        timings["bare_warm"].append(wall)
        timings["took_warm"].append(took)
    recording.close()
    latency: dict[str, object] = {"areas": len(areas)}
    for name, values in timings.items():
        latency[f"{name}_p50_ms"] = round(statistics.median(values), 1)
        latency[f"{name}_p95_ms"] = round(percentile(values, 0.95), 1)
    return latency


def cleanup(es: Elasticsearch, run: str, tags: list[str]) -> None:
    base = CommonSettings(topic_prefix=f"bench-{run}-")
    with contextlib.suppress(Exception):
        es.indices.delete(index=f"bench-{run}-*", expand_wildcards="all", ignore_unavailable=True)
    for tag in tags:
        delete_templates(es, prefixed(tag, run))
    admin = KafkaAdminClient(**base.kafka_options())
    with contextlib.suppress(Exception):
        admin.delete_topics([name for name in admin.list_topics() if name.startswith(f"bench-{run}-")])
    admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--query-docs", type=int, default=300_000, help="0: indexing only")
    parser.add_argument("--query-areas", type=int, default=60, help="distinct areas, each cold and warm")
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    tags = ["raw", "plain", "ours", "query"]
    es = Elasticsearch(hosts=[CommonSettings().es_url], request_timeout=120)
    results: dict[str, object] = {
        "events": args.events,
        "query_docs": args.query_docs,
        "machine_at_start": machine(),
    }
    try:
        rng = random.Random(1)
        codes = list(local_authorities())
        events = [random_evidence(rng, i, codes) for i in range(args.events)]
        topic_settings = prefixed("raw", run)
        ensure_topics(topic_settings)
        topic = topic_settings.topic(Topic.EVIDENCE_CLASSIFIED)
        producer = create_producer(topic_settings)
        started = time.perf_counter()
        for event in events:
            producer.send(topic, **event_message(event, str(event.evidence_id)))
        producer.flush()
        results["produce_s"] = time.perf_counter() - started
        producer.close()
        timings = {
            "raw helpers.bulk (ceiling)": raw_bulk(es, prefixed("raw", run), events),
            "plain consumer → bulk": plain_loop(es, prefixed("plain", run), topic, args.events),
            "our Indexer": our_indexer(es, prefixed("ours", run), args.events),
        }
        cpus = results["machine_at_start"]["cpus"]  # type: ignore[index]
        table = Table(title=f"Indexing {args.events} classified events ({cpus} shared cores)")
        for column in ("path", "seconds", "docs/s"):
            table.add_column(column)
        for name, seconds in timings.items():
            table.add_row(name, f"{seconds:.1f}", f"{args.events / seconds:,.0f}")
        console.print(table)
        results["indexing"] = {
            name: {"seconds": s, "docs_per_s": args.events / s} for name, s in timings.items()
        }
        if args.query_docs:
            query_bench(es, run, args, results)
    finally:
        cleanup(es, run, tags)
        es.close()
    results["machine_at_end"] = machine()
    console.print(f"wrote {write_results('index', results)}")


def query_bench(es: Elasticsearch, run: str, args: argparse.Namespace, results: dict[str, object]) -> None:
    """Area profiles over a synthetic corpus, cold and warm, beside the same requests bare."""
    corpus_s = build_corpus(es, prefixed("query", run), args.query_docs, seed=2)
    latency = query_latency(es, prefixed("query", run), query_areas(args.query_areas, seed=3))
    results["query_corpus_build_s"] = corpus_s
    results["query_latency"] = latency
    table = Table(title=f"Area profile over {args.query_docs:,} documents, {latency['areas']} distinct areas")
    for column in ("caches", "profile p50 / p95 ms", "same requests bare p50 / p95 ms", "took p50 ms"):
        table.add_column(column)
    for state in ("cold", "warm"):
        table.add_row(
            state,
            f"{latency[f'profile_{state}_p50_ms']:.0f} / {latency[f'profile_{state}_p95_ms']:.0f}",
            f"{latency[f'bare_{state}_p50_ms']:.0f} / {latency[f'bare_{state}_p95_ms']:.0f}",
            f"{latency[f'took_{state}_p50_ms']:.0f}",
        )
    console.print(table)


if __name__ == "__main__":
    main()
