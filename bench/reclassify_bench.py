"""Re-classification throughput on this machine, with searches running. Not a test: prints a table,
writes JSON under bench-results/.

    .venv/bin/python bench/reclassify_bench.py [--docs 20000] [--batch-size 256]

The same N indexed documents (synthetic, skewed over a year of monthly indices), in the same run:
  (a) `caresignal reclassify`'s job: read, classify with the current model, write the next generation,
      catch up, block, check counts, switch the alias; a thread searches the alias all along (latency
      percentiles, and how many answers did not hold exactly N documents: should be none);
  (b) the model alone over the same texts (`EvidenceAnalyser.analyse`, the classification ceiling);
  (c) a plain copy of the same documents into one index: `search_after` pages and `helpers.bulk`, no
      classification, no checkpoints (the copy ceiling; this node has no `_reindex` module).
Everything it creates (indices, templates) is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from workload import random_evidence  # noqa: E402

from schemas.reference import local_authorities  # noqa: E402
from services.classify.analyser import EvidenceAnalyser  # noqa: E402
from services.classify.config import ClassifySettings  # noqa: E402
from services.classify.registry import active_model  # noqa: E402
from services.common.indices import Names  # noqa: E402
from services.index.documents import evidence_action  # noqa: E402
from services.index.templates import delete_templates, install_templates  # noqa: E402
from services.reclassify.job import Reclassifier  # noqa: E402

console = Console()


class Searcher(threading.Thread):
    """Searches the alias as fast as it answers; records latency and any answer without all N documents."""

    def __init__(self, es: Elasticsearch, alias: str, expected: int) -> None:
        super().__init__(daemon=True)
        self.es, self.alias, self.expected = es, alias, expected
        self.latencies: list[float] = []
        self.wrong: list[int] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                response = self.es.search(
                    index=self.alias, size=10, query={"match": {"text": "staff"}}, track_total_hits=True
                )
                total = self.es.count(index=self.alias)["count"]
            except Exception as error:  # noqa: BLE001 - every failure is a finding
                self.errors.append(repr(error))
                continue
            self.latencies.append((time.perf_counter() - started) * 1000)
            if total != self.expected or not response["hits"]["hits"]:
                self.wrong.append(total)
            time.sleep(0.05)


def plain_copy(es: Elasticsearch, source: str, target: str, page_size: int) -> None:
    """Every document of `source` into `target`, page by page in id order."""
    after = None
    while True:
        hits = es.search(index=source, size=page_size, sort=[{"evidence_id": "asc"}], search_after=after)[
            "hits"
        ]["hits"]
        if not hits:
            return
        bulk(es, ({"_index": target, "_id": hit["_id"], "_source": hit["_source"]} for hit in hits))
        after = hits[-1]["sort"]


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else (values or [0.0])[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()

    run_id = uuid.uuid4().hex[:8]
    settings = ClassifySettings(es_index_prefix=f"bench-{run_id}-", environment="test")
    names = Names(settings)
    es = Elasticsearch(**{**settings.es_options(), "request_timeout": 120})
    rng = random.Random(11)
    codes = sorted(local_authorities())[:60]
    events = [random_evidence(rng, i, codes) for i in range(args.docs)]
    model = active_model(settings)
    analyser = EvidenceAnalyser.load(model.path, batch_size=args.batch_size)
    try:
        install_templates(es, settings)
        now = datetime.now(UTC)
        bulk(es, (evidence_action(e, names, now) for e in events), chunk_size=1000, refresh=True)
        assert es.count(index=names.evidence_alias)["count"] == args.docs

        searcher = Searcher(es, names.evidence_alias, args.docs)
        searcher.start()
        job = Reclassifier(es, names, analyser, args.batch_size)
        started = time.perf_counter()
        summary = job.run(job.start_or_resume())
        reclassify_seconds = time.perf_counter() - started
        time.sleep(0.5)
        searcher.stop.set()
        searcher.join(timeout=30)

        texts = [e.text for e in events]
        started = time.perf_counter()
        analyser.analyse(texts)
        model_seconds = time.perf_counter() - started

        started = time.perf_counter()
        plain_copy(es, names.evidence_alias, settings.index("plain-copy"), args.batch_size)
        copy_seconds = time.perf_counter() - started
    finally:
        es.options(ignore_status=404).indices.delete(index=settings.index("*"))
        delete_templates(es, settings)
        es.close()

    results = {
        "docs": args.docs,
        "batch_size": args.batch_size,
        "model_version": summary.model_version,
        "reclassify": {
            "seconds": round(reclassify_seconds, 1),
            "docs_per_second": round(args.docs / reclassify_seconds, 1),
            "copy_docs_per_second": round(summary.documents_per_second, 1),
            "months": summary.months,
            "caught_up": summary.caught_up,
            "drain_seconds": job.drain_seconds,
        },
        "searches_during": {
            "answers": len(searcher.latencies),
            "wrong_totals": len(searcher.wrong),
            "errors": len(searcher.errors),
            "p50_ms": round(percentile(searcher.latencies, 50), 1),
            "p95_ms": round(percentile(searcher.latencies, 95), 1),
        },
        "model_alone": {
            "seconds": round(model_seconds, 1),
            "docs_per_second": round(args.docs / model_seconds, 1),
        },
        "plain_copy": {
            "seconds": round(copy_seconds, 1),
            "docs_per_second": round(args.docs / copy_seconds, 1),
        },
    }
    table = Table(title=f"Re-classification of {args.docs:,} indexed documents ({summary.months} months)")
    for column in ("what", "seconds", "docs/s"):
        table.add_column(column)
    table.add_row(
        "reclassify (read, classify, write, switch)",
        f"{reclassify_seconds:.1f}",
        f"{args.docs / reclassify_seconds:,.0f}",
    )
    table.add_row("model alone, same texts", f"{model_seconds:.1f}", f"{args.docs / model_seconds:,.0f}")
    table.add_row("plain copy, same documents", f"{copy_seconds:.1f}", f"{args.docs / copy_seconds:,.0f}")
    console.print(table)
    during = results["searches_during"]
    console.print(
        f"searches during the run: {during['answers']} answers, p50 {during['p50_ms']} ms, "
        f"p95 {during['p95_ms']} ms, {during['wrong_totals']} without all {args.docs:,} documents, "
        f"{during['errors']} errors"
    )
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    path = out / f"reclassify-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2))
    console.print(f"written {path}")


if __name__ == "__main__":
    main()
