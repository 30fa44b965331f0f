"""Classify throughput with and without near-duplicate clustering, in the same run.

    .venv/bin/python bench/neardup_classify_bench.py [--items 1280] [--batch 64] [--held 20000]

Items are real comments of ../shared/data (a quarter of them replaced by edited copies of earlier ones:
typos, tags and URLs, reordered sentences, quoting), social comments with author handles, spread over
five local authorities. Each batch goes through the classify worker's per-batch work twice, in
alternating order so that load on the shared machine falls on both alike, each mode with an analysis
cache of its own (as one worker has: a shared cache would hand the second mode of every batch all its
analyses): the baseline (analyse the batch with the trained model, resolve, build the classified event,
serialise it) and the same with near-duplicates (plus the cluster and the author token of each item, and
the read-back every worker does of every classified event: its own output is recognised by its key and
skipped before parsing). Each further worker reads every item back too, and signs those it did not
decide: measured apart, as µs per item. The clusters start warm (`--held` items already held).
Kafka is not involved (its cost is the same in both modes). Writes
bench-results/neardup-classify-<time>.json. Not a test: it measures, it does not assert.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from results import machine, write_results  # noqa: E402

from schemas.cloudevents import encode  # noqa: E402
from schemas.common import AreaRef  # noqa: E402
from schemas.evidence import EvidenceReceived, SourceType, evidence_id_for  # noqa: E402
from services.classify.analysis_cache import CachingAnalyser  # noqa: E402
from services.classify.app import load_analyser  # noqa: E402
from services.classify.cluster_follower import ClassifiedText  # noqa: E402
from services.classify.config import ClassifySettings  # noqa: E402
from services.classify.domain import build_classified  # noqa: E402
from services.classify.gazetteer import ProviderGazetteer  # noqa: E402
from services.classify.neardup.authors import author_token  # noqa: E402
from services.classify.neardup.clusters import NearDuplicates  # noqa: E402
from services.classify.neardup.evaluation import quoted, reordered, tagged, typos  # noqa: E402
from services.classify.neardup.signature import MinHasher  # noqa: E402
from services.classify.resolve import resolve  # noqa: E402
from services.classify.training.data import load_corpus  # noqa: E402

AREAS = ("E08000004", "E08000035", "E08000003", "E09000033", "E06000023")
EDITS = (typos, tagged, reordered, quoted)
KEY = b"bench-author-key-of-enough-length"


def workload(texts: list[str], count: int, seed: int = 5) -> list[EvidenceReceived]:
    rng = random.Random(seed)
    items = []
    for n in range(count):
        text = rng.choice(texts)
        if items and rng.random() < 0.25:
            text = EDITS[n % 4](rng.choice(items).text, rng)
        reference = f"bench-{n}"
        items.append(
            EvidenceReceived(
                event_id=evidence_id_for(SourceType.SOCIAL_MEDIA_COMMENT, reference),
                occurred_at=datetime(2026, 11, 23, tzinfo=UTC),
                source="caresignal/ingest/social",
                evidence_id=evidence_id_for(SourceType.SOCIAL_MEDIA_COMMENT, reference),
                source_type=SourceType.SOCIAL_MEDIA_COMMENT,
                source_reference=reference,
                received_at=datetime(2026, 11, 23, tzinfo=UTC),
                text=text,
                area=AreaRef(local_authority_code=AREAS[n % len(AREAS)]),
                metadata={"author_handle": f"@user{rng.randrange(count // 3)}"},
            )
        )
    return items


def classify_batch(
    analyser, batch: list[EvidenceReceived], clusters: NearDuplicates | None, published: list[bytes]
) -> tuple[float, float]:
    """Seconds for the worker's work on one batch, and of that the near-duplicate work (with clusters:
    assign, token, read-back of its own output, which `remember` skips as decided here)."""
    started = time.perf_counter()
    own = 0.0
    analyses = analyser.analyse([item.text for item in batch])
    now = datetime.now(UTC)
    for received, analysis in zip(batch, analyses, strict=True):
        resolution = resolve(received, None, NO_PROVIDERS)
        classified = build_classified(
            received, analysis, resolution, analyser.model_name, analyser.model_version, now, analyser.redact
        )
        if clusters is not None:
            mark = time.perf_counter()
            duplication = clusters.assign(classified)
            if duplication is not None:
                duplication = duplication.model_copy(update={"author": author_token(KEY, received)})
            classified = classified.model_copy(update={"duplication": duplication})
            own += time.perf_counter() - mark
        payload = encode(classified)
        if clusters is not None:  # every worker reads every classified event back; its own, by key, no
            mark = time.perf_counter()
            published.append(payload)
            if not clusters.decided_here(UUID(str(classified.evidence_id))):
                seen = ClassifiedText.model_validate_json(payload)
                clusters.remember(seen, seen.duplication)
            own += time.perf_counter() - mark
    return time.perf_counter() - started, own


def read_back_us(payloads: list[bytes], other: NearDuplicates) -> float:
    """µs per item another worker spends reading these classified events back (parse, sign, hold)."""
    started = time.perf_counter()
    for payload in payloads:
        seen = ClassifiedText.model_validate_json(payload)
        other.remember(seen, seen.duplication)
    return (time.perf_counter() - started) * 1e6 / len(payloads)


NO_PROVIDERS = ProviderGazetteer(())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1280)
    parser.add_argument("--batch", type=int, default=64, help="The worker's batch size.")
    parser.add_argument("--held", type=int, default=20_000, help="Items already in the clusters.")
    args = parser.parse_args()

    settings = ClassifySettings()
    first, second = load_corpus(settings.data_dir)
    texts = [record.text for record in first + second]
    model = load_analyser(settings.model_copy(update={"classify_analysis_cache_entries": 0}))
    entries = settings.classify_analysis_cache_entries
    analysers = {mode: CachingAnalyser(model, entries) for mode in ("baseline", "neardup")}
    clusters, other = (
        NearDuplicates(MinHasher(), threshold=0.5, horizon_seconds=90 * 86_400, max_items_per_area=500_000)
        for _ in range(2)
    )
    warm = workload(texts, args.held, seed=11)
    for item in warm:  # as read back from the topic at start: redacted text stands in for the raw here
        clusters.assign(item)
        other.assign(item)
    published: list[bytes] = []
    items = workload(texts, args.items)
    model.analyse([item.text for item in items[:32]])  # warm-up (not cached)
    seconds: dict[str, list[float]] = {"baseline": [], "neardup": []}
    neardup_work = 0.0  # seconds inside the near-duplicate steps themselves (timed directly)
    for number, start in enumerate(range(0, len(items), args.batch)):
        batch = items[start : start + args.batch]
        order = ("baseline", "neardup") if number % 2 == 0 else ("neardup", "baseline")
        for mode in order:
            held = clusters if mode == "neardup" else None
            spent, own = classify_batch(analysers[mode], batch, held, published)
            seconds[mode].append(spent)
            neardup_work += own
    rows = {}
    for mode, values in seconds.items():
        per_item_ms = [1000 * value / args.batch for value in values]
        rows[mode] = {
            "items_per_second": round(len(items) / sum(values), 1),
            "batch_ms_p50": round(1000 * statistics.median(values), 1),
            "batch_ms_p95": round(1000 * percentile(values, 0.95), 1),
            "batch_ms_p99": round(1000 * percentile(values, 0.99), 1),
            "per_item_ms_mean": round(statistics.fmean(per_item_ms), 3),
        }
    overhead = 100 * (rows["baseline"]["items_per_second"] / rows["neardup"]["items_per_second"] - 1)
    # each batch's two modes ran back to back: the median of their ratios shrugs off a load spike that
    # falls on one batch (the totals above do not)
    paired = 100 * (
        statistics.median(n / b for n, b in zip(seconds["neardup"], seconds["baseline"], strict=True)) - 1
    )
    foreign = read_back_us(published, other)
    work_us = 1e6 * neardup_work / len(items)
    work_pct = 100 * work_us * rows["baseline"]["items_per_second"] / 1e6
    per_item_us = 1e6 / rows["baseline"]["items_per_second"]
    table = Table(title=f"classify, {len(items)} items in batches of {args.batch}, {args.held} held")
    for column in ("mode", "items/s", "batch p50 ms", "p95", "p99"):
        table.add_column(column, justify="right")
    for mode, row in rows.items():
        table.add_row(
            mode,
            *(str(row[key]) for key in ("items_per_second", "batch_ms_p50", "batch_ms_p95", "batch_ms_p99")),
        )
    console = Console()
    console.print(table)
    console.print(
        f"near-duplicates cost {overhead:.1f}% of throughput (target <= 15%); "
        f"median of the batches' paired ratios {paired:.1f}%; the near-duplicate steps timed directly "
        f"{work_us:.0f} µs an item, {work_pct:.1f}% of the baseline's per-item time"
    )
    console.print(
        f"each other worker reads every item back: {foreign:.0f} µs an item "
        f"({100 * foreign / per_item_us:.1f}% of the baseline's per-item time)"
    )
    path = write_results(
        "neardup-classify",
        {
            "machine": machine(),
            "items": len(items),
            "batch": args.batch,
            "held_before": args.held,
            "held_after": len(clusters),
            "clusters_bytes": clusters.nbytes(),
            "model_version": model.model_version,
            "analysis_cache_hit_rate": {
                mode: round(cached.hits / max(cached.hits + cached.misses, 1), 3)
                for mode, cached in analysers.items()
            },
            "baseline": rows["baseline"],
            "neardup": rows["neardup"],
            "overhead_pct": round(overhead, 1),
            "overhead_pct_paired_median": round(paired, 1),
            "neardup_steps_us_per_item": round(work_us, 1),
            "neardup_steps_pct_of_baseline": round(work_pct, 1),
            "read_back_us_per_item_per_other_worker": round(foreign, 1),
            "read_back_pct_of_baseline_per_other_worker": round(100 * foreign / per_item_us, 1),
            "target_overhead_pct": 15,
            "met": overhead <= 15,
        },
    )
    console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
