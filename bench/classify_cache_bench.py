"""The exact-repeat analysis cache (`CachingAnalyser`) beside the plain analyser, same texts, same run.

    .venv/bin/python bench/classify_cache_bench.py [--items 3000] [--batch 64]

Streams of real survey comments (../shared/data) analysed in worker-sized batches:
  * `phase1 in file order` and `v6 in file order`: each corpus as it came, so the only repeats are the
    ones real feedback has ("Nothing", "Did not answer", the same sentence sent twice);
  * `sampled with replacement`: the e2e benchmark's social file draws texts at random from the phase-1
    comments, so at large N most items repeat: an upper bound that real traffic does not reach.
For each: CPU-seconds and items per CPU-second of the plain analyser (run before and after, averaged) and of
the cached one (a fresh cache),
per-batch latency percentiles, the hit rate, and that the answers are equal. Then the memory the cache
holds per entry (tracemalloc over a filled cache). Writes bench-results/classify-cache-<time>.json.
Not a test: it measures, it does not assert.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import sys
import time
import tracemalloc
from pathlib import Path

from results import machine, write_results
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.classify.analyser import EvidenceAnalyser  # noqa: E402
from services.classify.analysis_cache import CachingAnalyser  # noqa: E402
from services.classify.config import ClassifySettings  # noqa: E402
from services.classify.registry import active_model  # noqa: E402

console = Console()


def comments(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle) if len((row[column] or "").strip()) > 3]


def run(analyser, texts: list[str], batch: int) -> tuple[list, float, list[float]]:
    """All answers, CPU-seconds, per-batch wall milliseconds."""
    answers, latencies = [], []
    started = time.process_time()
    for offset in range(0, len(texts), batch):
        begun = time.perf_counter()
        answers.extend(analyser.analyse(texts[offset : offset + batch]))
        latencies.append((time.perf_counter() - begun) * 1000)
    return answers, time.process_time() - started, latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def compare(analyser: EvidenceAnalyser, texts: list[str], batch: int, entries: int) -> dict[str, object]:
    """Plain, cached, plain again: the two plain runs bracket the cached one, so their spread shows how much
    of a difference this shared machine's noise could make."""
    plain, first_cpu, first_ms = run(analyser, texts, batch)
    cached_analyser = CachingAnalyser(analyser, entries)
    cached, cached_cpu, cached_ms = run(cached_analyser, texts, batch)
    _, second_cpu, second_ms = run(analyser, texts, batch)
    plain_cpu = (first_cpu + second_cpu) / 2
    return {
        "items": len(texts),
        "distinct_share": round(len(set(texts)) / len(texts), 4),
        "hit_rate": round(cached_analyser.hits / len(texts), 4),
        "answers_equal": plain == cached,
        "plain": _side(len(texts), plain_cpu, first_ms + second_ms),
        "plain_runs_cpu_s": [round(first_cpu, 3), round(second_cpu, 3)],
        "cached": _side(len(texts), cached_cpu, cached_ms),
        "speedup": round(plain_cpu / cached_cpu, 3),
    }


def _side(items: int, cpu_s: float, batch_ms: list[float]) -> dict[str, float]:
    return {
        "cpu_s": round(cpu_s, 3),
        "items_per_cpu_s": round(items / cpu_s, 1),
        "batch_p50_ms": round(percentile(batch_ms, 0.5), 1),
        "batch_p95_ms": round(percentile(batch_ms, 0.95), 1),
    }


class Precomputed:
    """Answers with fresh copies of analyses computed beforehand, so only what the cache keeps is traced."""

    def __init__(self, analyser: EvidenceAnalyser, texts: list[str]) -> None:
        self.model_name, self.model_version = analyser.model_name, analyser.model_version
        self.analyses = dict(zip(texts, analyser.analyse(texts), strict=True))

    def analyse(self, texts: list[str]) -> list:
        return [self.analyses[text].model_copy(deep=True) for text in texts]

    def redact(self, text: str) -> str:
        raise NotImplementedError


def bytes_per_entry(analyser: EvidenceAnalyser, texts: list[str]) -> dict[str, float]:
    """Memory a filled cache holds (tracemalloc: digests, analyses, the LRU's own structure)."""
    distinct = list(dict.fromkeys(texts))
    cache = CachingAnalyser(Precomputed(analyser, distinct), len(distinct))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    cache.analyse(distinct)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return {"entries": len(cache), "bytes_per_entry": round(held / len(cache))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000, help="items per stream")
    parser.add_argument("--batch", type=int, default=64, help="items per analyse call (the worker's)")
    parser.add_argument("--entries", type=int, default=ClassifySettings().classify_analysis_cache_entries)
    args = parser.parse_args()

    settings = ClassifySettings()
    analyser = EvidenceAnalyser.load(active_model(settings).path)
    phase1 = comments(settings.data_dir / "pxtextmining_phase1.csv", "feedback")
    v6 = comments(settings.data_dir / "pxtextmining_v6_train.csv", "FFT answer")
    rng = random.Random(11)
    streams = {
        "phase1 in file order": phase1[: args.items],
        "v6 in file order": v6[: args.items],
        "sampled with replacement": [rng.choice(phase1) for _ in range(args.items)],
    }
    analyser.analyse(phase1[:256])  # warm up
    results: dict[str, object] = {"machine_at_start": machine(), "batch": args.batch, "entries": args.entries}
    for name, texts in streams.items():
        console.print(f"{name}: {len(texts)} items ...")
        results[name] = compare(analyser, texts, args.batch, args.entries)
    results["memory"] = bytes_per_entry(analyser, phase1[: min(args.items, 2000)])
    results["machine_at_end"] = machine()
    report(results, streams)
    console.print(f"wrote {write_results('classify-cache', results)}")


def report(results: dict, streams: dict) -> None:
    columns = ("stream", "hit rate", "plain items/CPU-s", "cached items/CPU-s", "speed-up", "batch p95")
    table = Table(*columns, title="analysis cache beside the plain analyser (batch p95: plain / cached)")
    for name in streams:
        row = results[name]
        first, second = row["plain_runs_cpu_s"]
        table.add_row(
            name,
            f"{row['hit_rate']:.1%}",
            f"{row['plain']['items_per_cpu_s']:,.0f}",
            f"{row['cached']['items_per_cpu_s']:,.0f}",
            f"{row['speedup']:.2f}× (plain runs {first:.1f} / {second:.1f} CPU-s)"
            + ("" if row["answers_equal"] else " (ANSWERS DIFFER)"),
            f"{row['plain']['batch_p95_ms']:,.0f} / {row['cached']['batch_p95_ms']:,.0f} ms",
        )
    console.print(table)
    memory = results["memory"]
    per_entry, entries = memory["bytes_per_entry"], memory["entries"]
    console.print(f"cache memory: {per_entry:,} bytes per entry ({entries:,} entries)")
    console.print(f"machine at start / end: {results['machine_at_start']} / {results['machine_at_end']}")


if __name__ == "__main__":
    main()
