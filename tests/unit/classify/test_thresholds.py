"""Threshold tuning and the F1 metrics of the evaluation report."""

from __future__ import annotations

import numpy as np

from services.classify.training.thresholds import (
    macro_f1_multiclass,
    multilabel_report,
    tune_class_weights,
    tune_thresholds,
)


def test_thresholds_report_macro_over_supported_labels_only() -> None:
    gold = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0]], dtype=bool)
    pred = np.array([[1, 0, 1], [0, 0, 0], [1, 0, 0]], dtype=bool)
    report = multilabel_report(gold, pred, ["a", "b", "c"])
    assert [row.f1 for row in report.per_label] == [1.0, 0.0, 0.0]
    assert report.macro_f1 == 0.5  # label c has no support: not averaged
    assert report.micro_f1 == 2 * 2 / (2 * 2 + 1 + 1)


def test_thresholds_tuning_beats_default_on_shifted_scores() -> None:
    rng = np.random.default_rng(0)
    gold = rng.random((400, 3)) < 0.2
    scores = np.clip(0.1 + 0.25 * gold + rng.normal(0, 0.05, gold.shape), 0, 1)  # positives around 0.35
    tuned = tune_thresholds(scores, gold)
    assert np.all(tuned < 0.5)
    default = multilabel_report(gold, scores >= 0.5, ["a", "b", "c"])
    better = multilabel_report(gold, scores >= tuned, ["a", "b", "c"])
    assert better.micro_f1 > default.micro_f1 + 0.5


def test_thresholds_rare_labels_keep_default() -> None:
    gold = np.zeros((50, 1), dtype=bool)
    gold[0] = True
    assert tune_thresholds(np.full((50, 1), 0.3), gold, min_support=3).tolist() == [0.5]


def test_thresholds_class_weights_raise_rare_class_recall() -> None:
    probabilities = np.array([[0.6, 0.4, 0.0]] * 30 + [[0.7, 0.3, 0.0]] * 70)
    gold = [1] * 30 + [0] * 70
    weights = tune_class_weights(probabilities, gold)
    assert weights[0] == 1.0 and weights[1] > 1.0
    assert macro_f1_multiclass(gold, (probabilities * weights).argmax(1), 3)[0] == 1.0
