"""Classification throughput: `caresignal classify`'s path on short comments and on long items.

    .venv/bin/python bench/classify_bench.py [--short 4000] [--long 300] [--single 200] [--model-dir DIR]

Short comments are real v6 + phase-1 comments (../shared/data); long items are the synthetic stories of
1,000-3,000 characters the model card evaluates (`evaluation/long_items.py`). For each set, in the same
run: the JSON-lines path of `caresignal classify` (`classify_stream`: parse, analyse in batches, serialise),
the analyser alone, and two plain baselines doing part of the same work: spaCy's tokenizer alone, and the
two trained text classifiers on the whole text (the core of the pipeline before segments and the harm
model). Single-item latency percentiles come from analysing items one at a time. Writes
bench-results/classify.json. Not a test: it measures, it does not assert.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from services.classify.analyser import EvidenceAnalyser
from services.classify.cli import classify_stream
from services.classify.config import ClassifySettings
from services.classify.evaluation.long_items import build_long_items
from services.classify.registry import active_model  # noqa: E402
from services.classify.training.data import load_corpus

RESULTS = Path(__file__).resolve().parents[1] / "bench-results"


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def measure(analyser: EvidenceAnalyser, texts: list[str], single: int) -> dict[str, float]:
    nlp = analyser.nlp
    lines = [json.dumps({"id": i, "text": text}) for i, text in enumerate(texts)]
    analyser.analyse(texts[:20])  # warm up
    cli = timed(lambda: classify_stream(analyser, lines, io.StringIO(), analyser.batch_size))
    analyse = timed(lambda: analyser.analyse(texts))
    tokenizer = timed(lambda: [nlp.make_doc(text) for text in texts])
    textcats = [
        nlp.get_pipe(name) for name in ("statements", "sentiment", "harm") if name in nlp.component_names
    ]
    core = timed(lambda: [list(c.pipe(nlp.make_doc(t) for t in texts)) for c in textcats])
    latencies = []
    for text in texts[:single]:
        started = time.perf_counter()
        analyser.analyse([text])
        latencies.append((time.perf_counter() - started) * 1000)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    return {
        "items": len(texts),
        "mean_chars": round(sum(map(len, texts)) / max(len(texts), 1)),
        "classify_cli_items_per_s": rate(len(texts), cli),
        "analyser_items_per_s": rate(len(texts), analyse),
        "baseline_tokenizer_items_per_s": rate(len(texts), tokenizer),
        "baseline_textcats_whole_text_items_per_s": rate(len(texts), core),
        "single_item_latency_ms_p50": round(quantiles[49], 2),
        "single_item_latency_ms_p95": round(quantiles[94], 2),
        "single_item_latency_ms_p99": round(quantiles[98], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", type=int, default=4000)
    parser.add_argument("--long", type=int, default=300)
    parser.add_argument("--single", type=int, default=200)
    parser.add_argument("--model-dir", type=Path, default=None)
    args = parser.parse_args()
    settings = ClassifySettings()
    analyser = EvidenceAnalyser.load(args.model_dir or active_model(settings).path)
    v6, phase1 = load_corpus(settings.data_dir)
    short = [record.text for record in v6 + phase1]
    random.Random(13).shuffle(short)
    long = [item.text for item in build_long_items(v6, 4)][: args.long]
    results = {
        "model_version": analyser.model_version,
        "short_comments": measure(analyser, short[: args.short], args.single),
        "long_items": measure(analyser, long, args.single),
    }
    table = Table(title="caresignal classify (items/s; latency of one item alone, ms)")
    for column in (
        "set",
        "items",
        "chars",
        "classify",
        "analyser",
        "tokenizer only",
        "textcats only",
        "p50",
        "p95",
        "p99",
    ):
        table.add_column(column)
    for name in ("short_comments", "long_items"):
        r = results[name]
        table.add_row(
            name,
            str(r["items"]),
            str(r["mean_chars"]),
            str(r["classify_cli_items_per_s"]),
            str(r["analyser_items_per_s"]),
            str(r["baseline_tokenizer_items_per_s"]),
            str(r["baseline_textcats_whole_text_items_per_s"]),
            str(r["single_item_latency_ms_p50"]),
            str(r["single_item_latency_ms_p95"]),
            str(r["single_item_latency_ms_p99"]),
        )
    Console().print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "classify.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS / 'classify.json'}")


if __name__ == "__main__":
    main()
