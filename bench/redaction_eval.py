"""Redaction evaluation and speed: recall and over-redaction per kind and category on the hand-written set
(services/common/redaction/evaluation_cases.txt), and items/s of `redact` on real NHS feedback.

Speed: `redact` over the free-text comments of /work/shared/data (real patient feedback, mean ~70 chars),
beside a plain baseline in the same run: the structured-identifier rules alone (one regex pass each, no
names or addresses), which is the cost the redactor had before names and addresses were added.

    .venv/bin/python bench/redaction_eval.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import time
from pathlib import Path

from services.common.redaction import RULES, redact
from services.common.redaction.evaluation import by_category, load_cases, score
from services.common.redaction.word_classes import word_classes

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench-results" / "redaction_eval.json"
KINDS = ("PERSON", "ADDRESS")


def feedback_texts() -> list[str]:
    texts = []
    for name, column in (
        ("pxtextmining_v6_train.csv", "FFT answer"),
        ("pxtextmining_phase1.csv", "feedback"),
    ):
        with (DATA / name).open(encoding="utf-8") as handle:
            texts.extend(row[column] for row in csv.DictReader(handle) if row.get(column))
    return texts


def identifiers_only(text: str) -> int:
    return sum(1 for regex, _, _ in RULES for _ in regex.finditer(text))


def items_per_second(function, texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            function(text)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    words = word_classes()
    load_seconds = time.perf_counter() - started

    cases = load_cases()
    overall = score(cases, redact)
    categories = by_category(cases, redact)
    print(f"{'category':<58} {'kind':<8} {'values':>6} {'recall':>7} {'over-redaction':>15}")
    rows = []
    for name, scores in [("all cases", overall), *categories.items()]:
        for kind in [kind for kind in KINDS if kind in scores.values] or [None]:
            row = {
                "category": name,
                "kind": kind,
                "values": scores.values.get(kind, 0) if kind else 0,
                "recall": round(scores.recall(kind), 4) if kind else None,
                "ordinary_words": scores.ordinary_words,
                "over_redaction": round(scores.over_redaction(kind), 4),
            }
            rows.append(row)
            recall = f"{row['recall']:.1%}" if kind else "-"
            print(
                f"{name:<58} {kind or '-':<8} {row['values']:>6} {recall:>7} {row['over_redaction']:>15.2%}"
            )

    texts = feedback_texts()
    redact(texts[0], words)
    speed = items_per_second(lambda text: redact(text, words), texts, args.repeat)
    baseline = items_per_second(identifiers_only, texts, args.repeat)
    print(
        f"\nredact: {speed:,.0f} items/s; identifier rules alone (baseline): {baseline:,.0f} items/s "
        f"({len(texts):,} real feedback texts, best of {args.repeat}); word classes load {load_seconds:.1f} s"
    )
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "cases": len(cases),
                "rows": rows,
                "misses": [miss.__dict__ for miss in overall.misses],
                "over_redactions": [
                    {"word": word, "redacted": text} for word, text in overall.over_redactions
                ],
                "speed": {
                    "texts": len(texts),
                    "redact_items_per_s": round(speed),
                    "identifier_rules_only_items_per_s": round(baseline),
                    "word_classes_load_s": round(load_seconds, 2),
                },
                "machine": {"python": platform.python_version(), "processor": platform.processor()},
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
