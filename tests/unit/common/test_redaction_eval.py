"""The hand-written redaction evaluation set: recall and over-redaction per kind and category."""

from __future__ import annotations

import pytest

from services.common.redaction import redact
from services.common.redaction.evaluation import by_category, load_cases, score

CASES = load_cases()
RECALL_TARGET = 0.95
OVER_REDACTION_LIMIT = 0.01


@pytest.mark.parametrize("kind", ["PERSON", "ADDRESS"])
def test_redaction_recall_on_the_evaluation_set(kind: str) -> None:
    scores = score(CASES, redact)
    assert scores.values[kind] >= 40
    misses = [miss for miss in scores.misses if miss.kind == kind]
    assert scores.recall(kind) >= RECALL_TARGET, misses[:10]


@pytest.mark.parametrize("category", sorted({case.category for case in CASES}))
def test_redaction_recall_per_category(category: str) -> None:
    scores = by_category(CASES, redact)[category]
    for kind in scores.values:
        assert scores.recall(kind) >= 0.9, [miss for miss in scores.misses][:10]


def test_redaction_over_redacts_under_one_percent_of_ordinary_words() -> None:
    scores = score(CASES, redact)
    assert scores.ordinary_words > 2000
    for kind in (None, "PERSON", "ADDRESS"):
        assert scores.over_redaction(kind) <= OVER_REDACTION_LIMIT, scores.over_redactions[:10]
    ordinary = by_category(CASES, redact)["ordinary text that must stay"]
    assert ordinary.over_redaction() <= OVER_REDACTION_LIMIT, ordinary.over_redactions
