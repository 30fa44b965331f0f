"""What a benchmark records beside its numbers: the machine it ran on, and its JSON under bench-results/."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "bench-results"


def machine() -> dict[str, object]:
    """Cores this process may use (measured) and the load averages now: other work on a shared machine
    shows in the load, and a number measured under load says so."""
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "load_average_1_5_15m": [round(load, 2) for load in os.getloadavg()],
    }


def write_results(name: str, results: dict[str, object]) -> Path:
    """bench-results/<name>-<UTC time>.json; returns its path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path
