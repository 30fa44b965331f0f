"""The area review pack: time to build and render a 12-month pack for a busy council. Not a test.

    .venv/bin/python bench/pack_bench.py [--docs 100000] [--runs 8]

Builds a synthetic year of soft intelligence (the same generator as index_bench.py: about 56% of it about
the busiest council) under its own index prefix, then builds that council's 12-month pack as
`caresignal report --output pack.pdf` does (the queries, the pure builder, the HTML, the PDF), a cold run
first and then `--runs` more, and a few other areas (a quiet council, an ICB, a region) once each. The
plain baseline in the same run: the area profile alone (`GET /v1/areas/{code}` for the same period), the
largest of the queries the pack makes. Wall time, p50/p95; packs per minute. Everything it creates is
removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from elasticsearch import Elasticsearch
from index_bench import build_corpus, percentile
from results import machine, write_results
from rich.console import Console
from rich.table import Table
from workload import END

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from services.common.indices import Names  # noqa: E402
from services.index import profiles  # noqa: E402
from services.index.templates import delete_templates  # noqa: E402
from services.report.config import ReportSettings  # noqa: E402
from services.report.pack import area_pack  # noqa: E402
from services.report.queries import pack_period, read_inputs  # noqa: E402
from services.report.render import pack_html, pack_pdf  # noqa: E402

console = Console()
PERIOD_END = END + timedelta(days=1)  # the corpus's year ends on END
OTHER_AREAS = ("E54000057", "E12000002")  # an ICB (Greater Manchester) and a region (North West)


def busiest_councils(es: Elasticsearch, names: Names) -> list[tuple[str, int]]:
    response = es.search(
        index=names.evidence_alias,
        size=0,
        aggs={"councils": {"terms": {"field": "area.local_authority_code", "size": 200}}},
    )
    return [(b["key"], b["doc_count"]) for b in response["aggregations"]["councils"]["buckets"]]


def one_pack(es: Elasticsearch, settings: ReportSettings, code: str) -> dict[str, float]:
    """Seconds per step of one pack, as the CLI makes it."""
    period = pack_period(None, PERIOD_END, PERIOD_END)
    started = time.perf_counter()
    inputs = read_inputs(
        es, Names(settings), code, date_from=period.date_from, date_to=period.date_to, now=PERIOD_END
    )
    read = time.perf_counter()
    pack = area_pack(inputs, generated_at=PERIOD_END, marking=settings.report_marking, base_url="")
    built = time.perf_counter()
    html = pack_html(pack)
    rendered = time.perf_counter()
    pdf = pack_pdf(pack)
    done = time.perf_counter()
    assert pdf.startswith(b"%PDF") and "7. Data notes" in html
    return {
        "queries_s": read - started,
        "builder_s": built - read,
        "html_s": rendered - built,
        "pdf_s": done - rendered,
        "total_s": done - started,
        "items": pack.summary.total,
        "pdf_bytes": len(pdf),
    }


def baseline(es: Elasticsearch, settings: ReportSettings, code: str) -> float:
    period = pack_period(None, PERIOD_END, PERIOD_END)
    started = time.perf_counter()
    profiles.area_profile(es, Names(settings), code, date_from=period.date_from, date_to=period.date_to)
    return time.perf_counter() - started


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(values), "p95": percentile(values, 0.95), "max": max(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    at_start = machine()
    prefix = f"bench-pack-{uuid.uuid4().hex[:8]}-"
    settings = ReportSettings(topic_prefix=prefix, es_index_prefix=prefix, environment="test")
    es = Elasticsearch(hosts=[settings.es_url], request_timeout=300)
    try:
        corpus_s = build_corpus(es, settings, args.docs, seed=19)
        console.print(f"corpus of {args.docs:,} documents built in {corpus_s:.0f} s")
        councils = busiest_councils(es, Names(settings))
        busy, quiet = councils[0][0], councils[len(councils) // 2][0]
        cold = one_pack(es, settings, busy)
        warm, profile_s = [], []
        for run in range(args.runs):  # alternate which goes first, so neither always meets warm caches
            if run % 2:
                profile_s.append(baseline(es, settings, busy))
                warm.append(one_pack(es, settings, busy))
            else:
                warm.append(one_pack(es, settings, busy))
                profile_s.append(baseline(es, settings, busy))
        others = {code: one_pack(es, settings, code) for code in (quiet, *OTHER_AREAS)}
    finally:
        with contextlib.suppress(Exception):
            es.indices.delete(index=f"{prefix}*", expand_wildcards="all", ignore_unavailable=True)
        delete_templates(es, settings)
        es.close()
    steps = ("queries_s", "builder_s", "html_s", "pdf_s", "total_s")
    warm_steps = {step: summary([run[step] for run in warm]) for step in steps}
    profile = summary(profile_s)
    table = Table(title=f"12-month review pack of the busiest council ({cold['items']:,} items), seconds")
    for column in ("step", "cold", "warm p50", "warm p95"):
        table.add_column(column)
    for step in steps:
        table.add_row(
            step, f"{cold[step]:.2f}", f"{warm_steps[step]['p50']:.2f}", f"{warm_steps[step]['p95']:.2f}"
        )
    table.add_row("baseline: area profile alone", "", f"{profile['p50']:.2f}", f"{profile['p95']:.2f}")
    console.print(table)
    console.print(
        f"{60 / warm_steps['total_s']['p50']:.1f} packs/minute (one at a time); "
        + "; ".join(
            f"{code}: {row['items']:,} items in {row['total_s']:.1f} s" for code, row in others.items()
        )
    )
    path = write_results(
        "pack",
        {
            "docs": args.docs,
            "runs": args.runs,
            "busiest_council": busy,
            "items": cold["items"],
            "councils_by_items": dict(Counter(dict(councils[:5]))),
            "corpus_build_s": corpus_s,
            "cold": cold,
            "warm": warm_steps,
            "warm_runs": warm,
            "baseline_area_profile_s": profile,
            "packs_per_minute": 60 / warm_steps["total_s"]["p50"],
            "other_areas": others,
            "machine_at_start": at_start,
            "machine_at_end": machine(),
        },
    )
    console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
