"""Server time of the web pages beside the bare API call for the same data. Not a test: prints, writes JSON.

    .venv/bin/python bench/web_bench.py [--docs 1000000] [--runs 40]

Builds a synthetic corpus (the same generator as index_bench.py) under its own index prefix, serves
the app with uvicorn as `caresignal api` does, then for each kind of page (search, area, provider)
requests the page and the JSON API call that returns the same data, alternately, over rotating areas
and providers; wall time on loopback, p50/p95. A page does more than its API call (the area page also
reads open alerts and the region's councils, the provider page the rating history; every page renders
HTML and, for new numbers, SVG charts), and that difference is what this measures. Everything it
creates is removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from elasticsearch import Elasticsearch
from index_bench import build_corpus, percentile
from results import machine, write_results
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from services.index.config import IndexSettings  # noqa: E402
from services.index.templates import delete_templates  # noqa: E402

console = Console()
AREAS = ["E08000004", "E10000016", "E09000033", "E54000057", "E12000007", "E06000023"]
PROVIDERS = ["1-17", "1-1200", "1-P40", "1-3001", "1-P900", "1-2500"]
SEARCHES = [
    {"q": "waiting weeks", "sentiment": "negative"},
    {"local_authority": "E08000004", "key_question": "safe"},
    {"q": "staff rude", "region": "E12000007", "sort": "date"},
    {"severity": "high"},
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pairs(run: int) -> dict[str, tuple[str, str, dict[str, str]]]:
    """(page path, API path, params) per kind, rotating through the areas, providers and searches."""
    area, provider, search = AREAS[run % len(AREAS)], PROVIDERS[run % len(PROVIDERS)], SEARCHES[run % 4]
    return {
        "search": ("/search", "/v1/search", search),
        "area": (f"/areas/{area}", f"/v1/areas/{area}", {}),
        "provider": (f"/providers/{provider}", f"/v1/providers/{provider}", {}),
    }


def timed(client: httpx.Client, path: str, params: dict[str, str]) -> float:
    started = time.perf_counter()
    response = client.get(path, params=params)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return elapsed


def measure(url: str, runs: int) -> dict[str, dict[str, float]]:
    samples: dict[str, dict[str, list[float]]] = {kind: {"page": [], "api": []} for kind in pairs(0)}
    with httpx.Client(base_url=url, headers={"X-API-Key": "dev-key"}, timeout=120) as client:
        for run in range(len(AREAS)):  # warm-up: first charts, first queries of each area
            for page, api, params in pairs(run).values():
                timed(client, page, params), timed(client, api, params)
        for run in range(runs):
            for kind, (page, api, params) in pairs(run).items():
                first, second = ("page", "api") if run % 2 == 0 else ("api", "page")
                for which in (first, second):
                    samples[kind][which].append(timed(client, page if which == "page" else api, params))
    results = {}
    for kind, by in samples.items():
        results[kind] = {
            "page_p50_ms": statistics.median(by["page"]),
            "page_p95_ms": percentile(by["page"], 0.95),
            "api_p50_ms": statistics.median(by["api"]),
            "api_p95_ms": percentile(by["api"], 0.95),
        }
        results[kind]["p95_ratio"] = results[kind]["page_p95_ms"] / results[kind]["api_p95_ms"]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    at_start = machine()
    prefix = f"bench-web-{uuid.uuid4().hex[:8]}-"
    settings = IndexSettings(topic_prefix=prefix, es_index_prefix=prefix, environment="test")
    es = Elasticsearch(hosts=[settings.es_url], request_timeout=300)
    server = None
    try:
        corpus_s = build_corpus(es, settings, args.docs, seed=3)
        console.print(f"corpus of {args.docs:,} documents built in {corpus_s:.0f} s")
        port = free_port()
        env = {
            **os.environ,
            "CARESIGNAL_TOPIC_PREFIX": prefix,
            "CARESIGNAL_ES_INDEX_PREFIX": prefix,
            "CARESIGNAL_RATE_LIMIT_SEARCH_PER_MINUTE": "0",  # latency, not the per-caller limit, is measured
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "services", "api", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            time.sleep(0.5)
        results = measure(url, args.runs)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with contextlib.suppress(Exception):
            es.indices.delete(index=f"{prefix}*", expand_wildcards="all", ignore_unavailable=True)
        delete_templates(es, settings)
        es.close()
    table = Table(title=f"Web pages vs the API call, {args.docs:,} documents, {args.runs} runs each (ms)")
    for column in ("page", "page p50", "page p95", "API p50", "API p95", "p95 ratio"):
        table.add_column(column)
    for kind, row in results.items():
        table.add_row(
            kind,
            *(f"{row[key]:.0f}" for key in ("page_p50_ms", "page_p95_ms", "api_p50_ms", "api_p95_ms")),
            f"{row['p95_ratio']:.2f}",
        )
    console.print(table)
    path = write_results(
        "web",
        {
            "docs": args.docs,
            "runs": args.runs,
            "machine_at_start": at_start,
            "machine_at_end": machine(),
            "pages": results,
        },
    )
    console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
