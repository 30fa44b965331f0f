"""Near-duplicate detection: precision/recall of pair detection on the evaluation set, and its cost.

    .venv/bin/python bench/dedupe_eval.py [--bases 1000] [--items 200000] [--analyser 1000]

Quality: the set of `services/classify/neardup/evaluation.py` (real comments of ../shared/data, copies with
realistic edits, hard same-topic negatives), scored for several signature shapes and thresholds. Cost, in
the same run: microseconds per item of signing and adding to an area's index over real comments, beside a
plain baseline (exact duplicates only: a hash of the normalised text in a set) and beside the analyser the
classify worker runs on the same texts (the share dedupe adds to the worker's per-item work); the index's
memory per million items (its arrays, and tracemalloc's peak while filling it). Writes
bench-results/dedupe-eval-<time>.json. Not a test: it measures, it does not assert.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from uuid import UUID

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from results import machine, write_results  # noqa: E402

from services.classify.config import ClassifySettings  # noqa: E402
from services.classify.neardup.evaluation import build_pairs, detected, score  # noqa: E402
from services.classify.neardup.index import AreaIndex  # noqa: E402
from services.classify.neardup.signature import MinHasher, content_hash, normalise  # noqa: E402
from services.classify.training.data import load_corpus  # noqa: E402

SHAPES = ((128, 4), (64, 2), (64, 4), (32, 2))
THRESHOLDS = (0.4, 0.5, 0.6)
CHOSEN = MinHasher()  # the worker's default shape
CHOSEN_THRESHOLD = 0.5
DAY = 86_400.0


def quality(pairs) -> list[dict[str, object]]:
    rows = []
    for permutations, rows_per_band in SHAPES:
        hasher = MinHasher(permutations, rows_per_band)
        for threshold in THRESHOLDS:
            scores = score(pairs, detected(hasher, pairs, threshold), threshold)
            rows.append(
                {
                    "permutations": permutations,
                    "rows_per_band": rows_per_band,
                    "threshold": threshold,
                    "precision": round(scores.precision, 4),
                    "recall": round(scores.recall, 4),
                    "recall_by_edit": scores.recall_by_kind,
                    "false_positives_by_kind": scores.false_positives_by_kind,
                }
            )
    return rows


def per_item_us(texts: list[str]) -> dict[str, float]:
    """Signing + index add per item (percentiles), and the exact-duplicate baseline, on the same texts."""
    index = AreaIndex(CHOSEN, threshold=CHOSEN_THRESHOLD, horizon_seconds=90 * DAY, max_items=10**7)
    latencies = []
    for number, text in enumerate(texts):
        started = time.perf_counter()
        signature = CHOSEN.signature(text)
        if signature is not None:
            index.add(UUID(int=number + 1), signature, content_hash(text), number * 10.0)
        latencies.append((time.perf_counter() - started) * 1e6)
    seen: set[int] = set()
    started = time.perf_counter()
    for text in texts:
        seen.add(hash(normalise(text)))
    baseline = (time.perf_counter() - started) * 1e6 / len(texts)
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "items": len(texts),
        "dedupe_us_per_item_mean": round(statistics.fmean(latencies), 1),
        "dedupe_us_p50": round(quantiles[49], 1),
        "dedupe_us_p95": round(quantiles[94], 1),
        "dedupe_us_p99": round(quantiles[98], 1),
        "dedupe_items_per_s": round(1e6 / statistics.fmean(latencies), 1),
        "baseline_exact_only_us_per_item": round(baseline, 1),
    }


def analyser_us(texts: list[str]) -> float | None:
    """The classify worker's analyser on the same texts, µs per item in batches (None without a model)."""
    try:
        from services.classify.app import load_analyser

        analyser = load_analyser(ClassifySettings())
    except Exception as error:  # noqa: BLE001 - the model is optional here; say why it is missing
        print(f"no analyser: {error!r}")
        return None
    analyser.analyse(texts[:20])
    started = time.perf_counter()
    analyser.analyse(texts)
    return (time.perf_counter() - started) * 1e6 / len(texts)


def memory(texts: list[str], items: int) -> dict[str, float]:
    """Fill one area's index with `items` items (real comments with a distinct tail each, over 60 days)."""
    signatures = [CHOSEN.signature(text) for text in texts]
    usable = [(text, sig) for text, sig in zip(texts, signatures, strict=True) if sig is not None]
    index = AreaIndex(CHOSEN, threshold=CHOSEN_THRESHOLD, horizon_seconds=90 * DAY, max_items=10**7)
    tracemalloc.start()
    rng = random.Random(5)
    for number in range(items):
        text, _ = usable[number % len(usable)]
        text = f"{text} {rng.getrandbits(64):x}" if number >= len(usable) else text
        signature = CHOSEN.signature(text)
        index.add(UUID(int=number + 1), signature, content_hash(text), number * 60 * DAY / items)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    scale = 1_000_000 / items
    return {
        "items": items,
        "index_arrays_mib_per_million": round(index.nbytes() * scale / 2**20, 1),
        "tracemalloc_peak_mib_per_million": round(peak * scale / 2**20, 1),
        "bytes_per_item": round(index.nbytes() / items, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bases", type=int, default=1000, help="Real comments copied with each edit.")
    parser.add_argument("--items", type=int, default=200_000, help="Items put in one index for memory.")
    parser.add_argument("--analyser", type=int, default=1000, help="Comments for the per-item cost.")
    args = parser.parse_args()

    settings = ClassifySettings()
    first, second = load_corpus(settings.data_dir)
    records = first + second
    pairs = build_pairs(records, args.bases)
    rows = quality(pairs)
    table = Table(title=f"pair detection: {len(pairs)} pairs, {sum(p.duplicate for p in pairs)} duplicates")
    for column in ("permutations", "rows/band", "threshold", "precision", "recall", "weakest edit"):
        table.add_column(column, justify="right")
    for row in rows:
        weakest = min(row["recall_by_edit"].items(), key=lambda item: item[1])
        table.add_row(
            *(str(row[key]) for key in ("permutations", "rows_per_band", "threshold", "precision", "recall")),
            f"{weakest[0]} {weakest[1]}",
        )
    console = Console()
    console.print(table)

    texts = [record.text for record in random.Random(3).sample(records, k=min(args.analyser, len(records)))]
    cost = per_item_us(texts)
    analyse = analyser_us(texts)
    if analyse is not None:
        cost["analyser_us_per_item"] = round(analyse, 1)
        cost["dedupe_share_of_analyser_pct"] = round(100 * cost["dedupe_us_per_item_mean"] / analyse, 1)
    console.print(cost)
    held = memory([record.text for record in records], args.items)
    console.print(held)
    chosen = next(
        row
        for row in rows
        if (row["permutations"], row["rows_per_band"], row["threshold"])
        == (CHOSEN.permutations, CHOSEN.rows, CHOSEN_THRESHOLD)
    )
    path = write_results(
        "dedupe-eval",
        {
            "machine": machine(),
            "pairs": len(pairs),
            "duplicates": sum(pair.duplicate for pair in pairs),
            "chosen": chosen,
            "quality": rows,
            "cost": cost,
            "memory": held,
        },
    )
    console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
