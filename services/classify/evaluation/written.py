"""The hand-written evaluation set: realistic incidents told in everyday words, and benign texts that use the
same words (gratitude, idioms, fears, news, training and policy talk, negation), labelled by us.

`written_items.jsonl` holds one item per line: `id`, `split`, `severity` (`high` or `normal`), `reasons` (the
reason codes an incident must carry), `sentiment` and `text`. Splits: `dev` items were looked at while the
severity rules were written; `test` items were written at the same time but only scored. A second round
(ids `r...`, written after model 1.1.0 without looking at the rules' misses) was split by alternation into
`dev2` (looked at) and `holdout` (only ever scored): the check that the severity model generalises to
wording nobody tuned it on. `dev3` (ids `s...`) is training data for the harm classifier only, written
after the second round without looking at `holdout`. A fourth round (ids `u...`, written for issue 13
without looking at any model's results on them or at `holdout`, and not modelled on the examples the issue
quotes from the independent check) was split by alternation into `dev4` (kept for the harm classifier's
next training; not trained on yet) and `holdout2` (only ever scored).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from services.classify.evaluation.metrics import BinaryScore, binary_score, sentiment_macro_f1

WRITTEN_ITEMS = Path(__file__).with_name("written_items.jsonl")
WRITTEN_SPLITS = ("dev", "test", "dev2", "holdout", "dev3", "dev4", "holdout2", "all")


@dataclass(frozen=True)
class WrittenItem:
    id: str
    split: str
    severity: str
    reasons: tuple[str, ...]
    sentiment: str
    text: str


@dataclass(frozen=True)
class WrittenReport:
    """Severity flag and reason recall, and sentiment, on one split of the written set."""

    split: str
    n_items: int
    flag: BinaryScore
    reason_recall: dict[str, tuple[int, int]]  # reason -> (found, expected)
    sentiment_macro_f1: float
    misses: tuple[str, ...]  # incidents not flagged
    false_alarms: tuple[str, ...]  # benign items flagged


def load_written_items(path: Path = WRITTEN_ITEMS) -> list[WrittenItem]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            items.append(
                WrittenItem(
                    data["id"],
                    data["split"],
                    data["severity"],
                    tuple(data["reasons"]),
                    data["sentiment"],
                    data["text"],
                )
            )
    return items


def written_report(items: Sequence[WrittenItem], analyses: Sequence, split: str = "all") -> WrittenReport:
    """Score analyses (TextAnalysis, one per item, same order) against the labels."""
    pairs = [(item, a) for item, a in zip(items, analyses, strict=True) if split in ("all", item.split)]
    gold = [item.severity == "high" for item, _ in pairs]
    flagged = [a.severity.level.value == "high" for _, a in pairs]
    recall: dict[str, tuple[int, int]] = {}
    for item, analysis in pairs:
        for reason in item.reasons:
            found, expected = recall.get(reason, (0, 0))
            recall[reason] = (found + (reason in analysis.severity.reasons), expected + 1)
    return WrittenReport(
        split=split,
        n_items=len(pairs),
        flag=binary_score(gold, flagged),
        reason_recall=dict(sorted(recall.items())),
        sentiment_macro_f1=sentiment_macro_f1(
            [item.sentiment for item, _ in pairs], [a.sentiment.label.value for _, a in pairs]
        ),
        misses=tuple(item.id for (item, _), g, f in zip(pairs, gold, flagged, strict=True) if g and not f),
        false_alarms=tuple(
            item.id for (item, _), g, f in zip(pairs, gold, flagged, strict=True) if f and not g
        ),
    )
