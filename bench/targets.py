"""The throughput targets of issue 14, each measured against its baseline: a table from the latest results.

    .venv/bin/python bench/targets.py

`make bench` runs it last, so every ratio comes from that run's JSON under bench-results/ (each
benchmark measures its baseline side by side with what it compares). A target nothing measured says so.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import RESULTS, write_results  # noqa: E402

# The ingest measurement the issue was filed against ("today's records/s").
INGEST_BEFORE = RESULTS / "ingest-20261201T064842Z.json"

console = Console(width=200)


def latest(pattern: str) -> tuple[str, dict[str, Any]] | None:
    """The newest result file matching `pattern` (names carry their UTC time), with its contents."""
    paths = sorted(RESULTS.glob(pattern), key=lambda path: path.stat().st_mtime)
    return (paths[-1].name, json.loads(paths[-1].read_text())) if paths else None


@dataclass(frozen=True)
class Target:
    """What is compared with what, the share required, and where both numbers come from."""

    name: str
    pattern: str
    required: float
    read: Callable[[dict[str, Any]], tuple[float, float, str]]  # (measured, baseline, what they are)
    at_most: bool = False  # latency: the ratio must stay under `required`


def _index(field: str) -> Callable[[dict[str, Any]], tuple[float, float, str]]:
    def read(results: dict[str, Any]) -> tuple[float, float, str]:
        indexing = results["indexing"]
        ours = indexing["our Indexer"]["docs_per_s"]
        base = indexing[field]["docs_per_s"]
        return ours, base, f"our Indexer {ours:,.0f} docs/s; {field} {base:,.0f} docs/s"

    return read


def _e2e(results: dict[str, Any]) -> tuple[float, float, str]:
    ours = results["throughput"]["end_to_end_items_per_s"]
    base = results["baselines"]["raw_bulk_docs_per_s"]
    return ours, base, f"{results['items']:,} items {ours:,.0f}/s; raw bulk {base:,.0f} docs/s"


def _latency(results: dict[str, Any]) -> tuple[float, float, str]:
    latency = results["latency"]
    p95 = latency["p95_ms"] / 1000
    return p95, 1.5, f"p95 {p95:.2f} s at an offered {latency['offered_rate_per_s']:.0f} items/s; limit 1.5 s"


def _analyser(results: dict[str, Any]) -> tuple[float, float, str]:
    short, long = results["short_comments"], results["long_items"]
    rate = short["analyser_items_per_s"]
    return (
        rate,
        3000.0,
        f"{rate:,.0f} docs/s (long texts {long['analyser_items_per_s']:,.0f}/s); 3,000 required",
    )


def _classify_worker(results: dict[str, Any]) -> tuple[float, float, str]:
    worker = results["classify_worker"]
    ours, base = worker["items_per_cpu_s"], worker["analyser_items_per_cpu_s"]
    return ours, base, f"worker {ours:,.0f} items per CPU-second; analyser alone {base:,.0f}"


def _ingest(results: dict[str, Any]) -> tuple[float, float, str]:
    ours = results["caresignal_ingest"]["records_per_s"]
    before = json.loads(INGEST_BEFORE.read_text())["caresignal_ingest"]["records_per_s"]
    bare = results["bare_producer_same_payloads"]["records_per_s"]
    return ours, before, f"{ours:,.0f} records/s; before {before:,.0f}; bare producer {bare:,.0f} (same run)"


TARGETS = [
    Target("end to end ≥ 20% of raw bulk", "e2e-*.json", 0.20, _e2e),
    Target("p95 send → searchable ≤ 1.5 s", "e2e-*.json", 1.0, _latency, at_most=True),
    Target("analyser ≥ 3,000 docs/s per core", "classify*.json", 1.0, _analyser),
    Target("classify worker ≥ 80% of the analyser", "e2e-*.json", 0.80, _classify_worker),
    Target("indexer ≥ 2× the plain consumer → bulk", "index-*.json", 2.0, _index("plain consumer → bulk")),
    Target("indexer ≥ 50% of raw bulk", "index-*.json", 0.50, _index("raw helpers.bulk (ceiling)")),
    Target("ingest ≥ 3× before", "ingest-*.json", 3.0, _ingest),
]


def main() -> None:
    table = Table(title="Issue 14 targets: each ratio measured against its baseline")
    for column in ("target", "measured (same run)", "ratio", "required", "met", "from"):
        table.add_column(column)
    rows = []
    for target in TARGETS:
        found = latest(target.pattern)
        try:
            measured, baseline, what = target.read(found[1]) if found else (0.0, 0.0, "")
        except KeyError:
            found = None
        if not found:
            table.add_row(target.name, "not measured", "–", f"{target.required:g}", "–", "–")
            rows.append({"target": target.name, "measured": None})
            continue
        ratio = measured / baseline if baseline else 0.0
        met = ratio <= target.required if target.at_most else ratio >= target.required
        table.add_row(
            target.name, what, f"{ratio:.2f}", f"{target.required:g}", "yes" if met else "no", found[0]
        )
        rows.append(
            {"target": target.name, "ratio": ratio, "required": target.required, "met": met, "from": found[0]}
        )
    table.add_row("memory bounded while draining 1,000,000 items", "not measured", "–", "± 10%", "–", "–")
    console.print(table)
    console.print(f"wrote {write_results('targets', {'targets': rows})}")


if __name__ == "__main__":
    main()
