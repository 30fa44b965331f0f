"""Ingest throughput: `caresignal ingest`'s path vs a bare kafka-python producer, same payloads, same run.

    .venv/bin/python bench/ingest_bench.py [--records 200000] [--batch-size 2000]

Generates a Healthwatch CSV of N rows (text from samples/), ingests it through `ingest_file` (read →
map → dedup lookup → send → wait for acks → record seen ids), then sends the same encoded messages with
a bare idempotent acks=all producer. Uses its own uuid-prefixed topics and state, and deletes them after.
Not a test: prints a table and writes bench-results/ingest-<time>.json.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kafka import KafkaAdminClient
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from results import machine, write_results  # noqa: E402

from schemas.topics import Topic  # noqa: E402
from services.common.kafka import create_producer, event_message  # noqa: E402
from services.common.topics import ensure_topics  # noqa: E402
from services.ingest.adapters import Source, adapter_for  # noqa: E402
from services.ingest.config import IngestSettings  # noqa: E402
from services.ingest.files import ingest_file  # noqa: E402
from services.ingest.mapping import map_batch  # noqa: E402
from services.ingest.readers import InputFormat, read_records  # noqa: E402
from services.ingest.records import MappingContext  # noqa: E402

SAMPLES = ROOT / "samples"


def generate(path: Path, count: int) -> None:
    with (SAMPLES / "healthwatch_feedback.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    start = datetime.now(UTC) - timedelta(days=180)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for number in range(count):
            row = rows[number % len(rows)]
            when = start + timedelta(minutes=number % 250_000)
            writer.writerow(
                {**row, "feedback_id": f"BENCH-{number:07d}", "feedback_date": when.date().isoformat()}
            )


def run_ingest(path: Path, settings: IngestSettings) -> tuple[float, list[float], int]:
    started = time.perf_counter()
    summary = ingest_file(path, Source.HEALTHWATCH, settings)
    return time.perf_counter() - started, summary.batch_seconds, summary.accepted


def run_bare(path: Path, settings: IngestSettings) -> tuple[float, int]:
    topic = settings.topic(Topic.EVIDENCE_RECEIVED)
    context = MappingContext(received_at=datetime.now(UTC), reference="")
    with path.open("rb") as stream:
        outcomes = map_batch(
            adapter_for(Source.HEALTHWATCH), list(read_records(stream, InputFormat.CSV, "b")), context
        )
    messages = [
        event_message(event, str(event.evidence_id))
        for outcome in outcomes
        for event in outcome.mapped.evidence
    ]
    del outcomes
    producer = create_producer(settings)
    started = time.perf_counter()
    futures = [producer.send(topic, **message) for message in messages]
    producer.flush()
    failed = sum(1 for future in futures if future.failed())
    elapsed = time.perf_counter() - started
    producer.close()
    return elapsed, len(messages) - failed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args()
    console = Console(width=160)
    run_id = uuid.uuid4().hex[:8]
    at_start = machine()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench_feedback.csv"
        generate(path, args.records)
        size_mb = path.stat().st_size / 1e6
        ours = IngestSettings(
            topic_prefix=f"bench{run_id}-",
            state_dir=Path(scratch) / "state",
            ingest_batch_size=args.batch_size,
        )
        bare = ours.model_copy(update={"topic_prefix": f"benchbare{run_id}-"})
        ensure_topics(ours)
        ensure_topics(bare)
        try:
            console.print(f"{args.records} records, {size_mb:.1f} MB; batch size {args.batch_size}")
            ingest_s, batches, accepted = run_ingest(path, ours)
            reingest_s, _, _ = run_ingest(path, ours)
            bare_s, bare_sent = run_bare(path, bare)
        finally:
            admin = KafkaAdminClient(**ours.kafka_options())
            mine = [
                name
                for name in admin.list_topics()
                if name.startswith((ours.topic_prefix, bare.topic_prefix))
            ]
            admin.delete_topics(mine)
            admin.close()
    table = Table(title="ingest benchmark")
    table.add_column("path", no_wrap=True)
    for column in ("records", "seconds", "records/s", "batch p50 ms", "batch p95 ms"):
        table.add_column(column, justify="right")
    table.add_row(
        "caresignal ingest (read, map, dedup, send, acks, seen store)",
        str(accepted),
        f"{ingest_s:.1f}",
        f"{accepted / ingest_s:,.0f}",
        f"{statistics.median(batches) * 1000:.0f}",
        f"{percentile(batches, 0.95) * 1000:.0f}",
    )
    table.add_row("same file again (all already seen, nothing sent)", str(args.records), f"{reingest_s:.1f}",
                  f"{args.records / reingest_s:,.0f}", "", "")  # fmt: skip
    table.add_row("bare kafka-python producer, same payloads, acks=all", str(bare_sent), f"{bare_s:.1f}",
                  f"{bare_sent / bare_s:,.0f}", "", "")  # fmt: skip
    console.print(table)
    path = write_results(
        "ingest",
        {
            "records": args.records,
            "batch_size": args.batch_size,
            "file_mb": round(size_mb, 1),
            "machine_at_start": at_start,
            "machine_at_end": machine(),
            "caresignal_ingest": {
                "records": accepted,
                "seconds": round(ingest_s, 2),
                "records_per_s": round(accepted / ingest_s, 1),
                "batch_p50_ms": round(statistics.median(batches) * 1000, 1),
                "batch_p95_ms": round(percentile(batches, 0.95) * 1000, 1),
            },
            "reingest_all_seen": {
                "records": args.records,
                "seconds": round(reingest_s, 2),
                "records_per_s": round(args.records / reingest_s, 1),
            },
            "bare_producer_same_payloads": {
                "records": bare_sent,
                "seconds": round(bare_s, 2),
                "records_per_s": round(bare_sent / bare_s, 1),
            },
        },
    )
    console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
