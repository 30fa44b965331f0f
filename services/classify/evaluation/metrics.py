"""Scores shared by the evaluation sets: a binary flag's precision/recall and sentiment macro-F1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.classify.training.thresholds import f1, macro_f1_multiclass

SENTIMENT_CLASSES: tuple[str, ...] = ("positive", "neutral", "negative", "mixed")


@dataclass(frozen=True)
class BinaryScore:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


def binary_score(gold: Sequence[bool], predicted: Sequence[bool]) -> BinaryScore:
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    return BinaryScore(
        tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0, f1(tp, fp, fn), tp, fp, fn
    )


def sentiment_macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Macro-F1 over the sentiment classes present in `gold`."""
    index = {label: i for i, label in enumerate(SENTIMENT_CLASSES)}
    return macro_f1_multiclass(
        [index[g] for g in gold], [index[p] for p in predicted], len(SENTIMENT_CLASSES)
    )[0]
