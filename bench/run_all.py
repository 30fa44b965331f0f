"""`make bench`: every benchmark in turn; each prints its table and writes JSON under bench-results/.

Set BENCH_QUICK=1 for smaller sizes (a smoke run of the scripts, not numbers to quote).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
QUICK = os.environ.get("BENCH_QUICK") == "1"

RUNS: list[list[str]] = [
    ["ingest_bench.py", "--records", "20000" if QUICK else "200000"],
    [
        "index_bench.py",
        "--events",
        "5000" if QUICK else "20000",
        "--query-docs",
        "20000" if QUICK else "1000000",
    ],
    ["e2e_bench.py", "--items", "2000" if QUICK else "100000", "--latency-seconds", "20" if QUICK else "60"],
    ["alerts_eval.py", *(["--weeks", "10", "--areas", "16", "--controls", "2"] if QUICK else [])],
    ["classify_bench.py", "--short", "1000" if QUICK else "4000", "--long", "60" if QUICK else "300"],
    ["classify_cache_bench.py", "--items", "500" if QUICK else "3000"],
    ["web_bench.py", "--docs", "20000" if QUICK else "1000000", "--runs", "10" if QUICK else "40"],
    ["reclassify_bench.py", "--docs", "2000" if QUICK else "10000"],
    ["redaction_eval.py"],
    ["pack_bench.py", "--docs", "10000" if QUICK else "100000", "--runs", "3" if QUICK else "8"],
    ["dedupe_eval.py", *(["--bases", "200", "--items", "20000"] if QUICK else [])],
]


def main() -> int:
    failed = []
    for script, *args in RUNS:
        print(f"\n=== {script} {' '.join(args)}", flush=True)
        if subprocess.run([sys.executable, str(BENCH / script), *args], check=False).returncode != 0:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
