"""Issue 13 measurements, before and after in one run: severity and sentiment on the hand-written set, and
`caresignal classify` throughput on long items.

    .venv/bin/python bench/nlp_eval.py [--baseline-tree /work/main] [--baseline-model DIR] [--long 150]

For this tree's code and model (and, with `--baseline-tree`, another checkout's code and model, run in a
subprocess with that tree first on the path), per split of `evaluation/written_items.jsonl`: precision and
recall of the high-severity flag, sentiment macro-F1, and the share of the incidents (incident-style texts,
all negative or mixed by our labels) whose sentiment comes out negative. Throughput: the synthetic long
items of 1,000-3,000 characters (`evaluation/long_items.py`) through `classify_stream` and the analyser,
beside a plain baseline (spaCy's tokenizer alone), per second of wall time and per second of the process's
CPU time (the shared machine's load moves the first a lot more), and single-item latency percentiles (50
items alone); best of `--repeats` runs, the two trees alternating so that load hits both alike. Writes
bench-results/nlp-eval-<time>.json. Not a test: it measures, it does not assert.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench")]
sys.path.append(str(ROOT))  # last: a baseline run's PYTHONPATH tree comes first

from results import machine, write_results  # noqa: E402


def quality(model_dir: Path) -> dict[str, object]:
    from services.classify.analyser import EvidenceAnalyser
    from services.classify.evaluation.written import WRITTEN_SPLITS, load_written_items, written_report

    analyser = EvidenceAnalyser.load(model_dir)
    items = load_written_items()
    analyses = analyser.analyse([item.text for item in items])
    splits: dict[str, object] = {}
    for split in WRITTEN_SPLITS:
        report = written_report(items, analyses, split)
        incidents = [
            (item.sentiment, analysis.sentiment.label.value)
            for item, analysis in zip(items, analyses, strict=True)
            if split in ("all", item.split) and item.severity == "high"
        ]
        splits[split] = {
            "items": report.n_items,
            "severity_precision": round(report.flag.precision, 3),
            "severity_recall": round(report.flag.recall, 3),
            "sentiment_macro_f1": round(report.sentiment_macro_f1, 3),
            "incidents": len(incidents),
            "incident_sentiment_negative_share": round(
                sum(p == "negative" for _, p in incidents) / max(len(incidents), 1), 3
            ),
        }
    return {"model_version": analyser.model_version, "splits": splits}


def throughput(model_dir: Path, long: int, single: int = 50) -> dict[str, float]:
    from services.classify.analyser import EvidenceAnalyser
    from services.classify.cli import classify_stream
    from services.classify.config import ClassifySettings
    from services.classify.evaluation.long_items import build_long_items
    from services.classify.training.data import load_corpus

    analyser = EvidenceAnalyser.load(model_dir)
    v6, _ = load_corpus(ClassifySettings().data_dir)
    texts = [item.text for item in build_long_items(v6, 4)][:long]
    lines = [json.dumps({"id": i, "text": text}) for i, text in enumerate(texts)]
    analyser.analyse(texts[:20])  # warm up

    def rates(name: str, work) -> dict[str, float]:
        """Items per second of wall time, and per second of this process's CPU time (what the work
        costs, whatever else the shared machine is running)."""
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return {
            f"{name}_items_per_s": round(len(texts) / wall, 1),
            f"{name}_items_per_cpu_s": round(len(texts) / cpu, 1),
        }

    latencies = []
    for text in texts[:single]:
        started = time.perf_counter()
        analyser.analyse([text])
        latencies.append((time.perf_counter() - started) * 1000)
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "items": len(texts),
        "mean_chars": round(sum(map(len, texts)) / max(len(texts), 1)),
        **rates("classify_cli", lambda: classify_stream(analyser, lines, io.StringIO(), 256)),
        **rates("analyser", lambda: analyser.analyse(texts)),
        **rates("baseline_tokenizer", lambda: [analyser.nlp.make_doc(t) for t in texts]),
        "single_item_latency_ms_p50": round(quantiles[49], 1),
        "single_item_latency_ms_p95": round(quantiles[94], 1),
        "single_item_latency_ms_p99": round(quantiles[98], 1),
    }


def run_tree(tree: Path, model_dir: Path, what: str, long: int) -> dict:
    """This script's `--only` mode in a subprocess with `tree`'s code first on the path."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, __file__, "--only", what, "--model-dir", str(model_dir), "--long", str(long)]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def best(runs: list[dict]) -> dict:
    """Best of the runs: highest rates, lowest latencies."""
    pick = {key: max if "_per_" in key else min if "latency" in key else None for key in runs[0]}
    return {key: f(run[key] for run in runs) if f else runs[0][key] for key, f in pick.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=ROOT / "models" / "caresignal_evidence")
    parser.add_argument("--baseline-tree", type=Path, default=None)
    parser.add_argument("--baseline-model", type=Path, default=None)
    parser.add_argument("--long", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=("quality", "throughput"), default=None)
    args = parser.parse_args()
    if args.only:  # subprocess mode: one JSON line
        work = quality(args.model_dir) if args.only == "quality" else throughput(args.model_dir, args.long)
        print(json.dumps(work))
        return
    trees = {"after": (ROOT, args.model_dir)}
    if args.baseline_tree:
        model = args.baseline_model or args.baseline_tree / "models" / "caresignal_evidence"
        trees = {"before": (args.baseline_tree, model), **trees}
    results: dict[str, object] = {"machine_before": machine()}
    speed: dict[str, list[dict]] = {name: [] for name in trees}
    for _ in range(args.repeats):
        for name, (tree, model) in trees.items():
            speed[name].append(run_tree(tree, model, "throughput", args.long))
    for name, (tree, model) in trees.items():
        results[name] = {
            "tree": str(tree),
            "model_dir": str(model),
            **run_tree(tree, model, "quality", args.long),
            "long_items": best(speed[name]),
        }
    results["machine_after"] = machine()
    for name in trees:
        entry = results[name]
        print(f"== {name}: {entry['model_version']} ({entry['tree']})")
        for split, r in entry["splits"].items():
            print(
                f"  {split:8s} n={r['items']:4d} severity P {r['severity_precision']:.3f} "
                f"R {r['severity_recall']:.3f}  sentiment macro-F1 {r['sentiment_macro_f1']:.3f}  "
                f"incidents negative {r['incident_sentiment_negative_share']:.3f}"
            )
        print(f"  long items: {entry['long_items']}")
    print(f"wrote {write_results('nlp-eval', results)}")


if __name__ == "__main__":
    main()
