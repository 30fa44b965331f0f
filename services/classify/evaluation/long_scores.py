"""Out-of-fold scores of the synthetic long items, and tuning of the long-item decisions on them.

`caresignal train` scores each fold's long items with that fold's models (which never saw their comments):
once as a whole text (what the pipeline did before segments) and segment by segment. The decisions made
from segment scores are in `pipeline/long_decisions.py`; this module tunes their thresholds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from services.classify.evaluation.long_items import LongItem, build_long_items
from services.classify.pipeline.long_decisions import (
    SENTIMENT_LABELS,
    LongSentimentRule,
    decide_long_sentiment,
    max_over_segments,
)
from services.classify.training.data import load_corpus
from services.classify.training.thresholds import macro_f1_multiclass

LONG_SENTIMENT_LABELS: tuple[str, ...] = (*SENTIMENT_LABELS, "mixed")
MIXED_GRID: np.ndarray = np.round(np.arange(0.05, 0.505, 0.025), 3)
WEIGHT_GRID: np.ndarray = np.round(np.exp(np.linspace(np.log(0.5), np.log(4.0), 13)), 3)


def long_items_for(data_dir: Path | str, n_folds: int) -> list[LongItem]:
    v6, _ = load_corpus(Path(data_dir))
    return build_long_items(v6, n_folds)


def score_long_items(nlp, component: str, items: list[LongItem], min_segment_chars: int) -> dict[str, Any]:
    """Whole-text and per-segment scores of `items` with the pipeline's `component` (a fitted textcat)."""
    from services.classify.pipeline.redacted_doc import sentencizer
    from services.classify.pipeline.segments import segment_spans

    pipe = nlp.get_pipe(component)
    split = sentencizer()
    docs = [split(nlp.make_doc(item.text)) for item in items]
    segments = [segment_spans(doc, min_segment_chars) for doc in docs]
    flat = [span for spans in segments for span in spans]
    rows = np.round(np.asarray(pipe.predict(flat), dtype=float), 5) if flat else np.zeros((0, 0))
    whole = np.round(np.asarray(pipe.predict(docs), dtype=float), 5) if docs else np.zeros((0, 0))
    per_item, row = [], 0
    for spans in segments:
        per_item.append(
            {"lengths": [len(span.text) for span in spans], "scores": rows[row : row + len(spans)].tolist()}
        )
        row += len(spans)
    return {"uids": [item.uid for item in items], "whole": whole.tolist(), "segments": per_item}


def _labels(shares: np.ndarray, rule: LongSentimentRule) -> np.ndarray:
    return np.asarray([LONG_SENTIMENT_LABELS.index(decide_long_sentiment(s, rule)[0]) for s in shares])


def tune_long_sentiment(shares: np.ndarray, gold: np.ndarray) -> LongSentimentRule:
    """Mixed threshold and class weights maximising 4-class macro-F1 (coordinate ascent on grids)."""
    rule = LongSentimentRule(0.25, (1.0, 1.0, 1.0))
    best = macro_f1_multiclass(gold, _labels(shares, rule), len(LONG_SENTIMENT_LABELS))[0]
    for _ in range(2):
        for threshold in MIXED_GRID:
            trial = LongSentimentRule(float(threshold), rule.weights)
            value = macro_f1_multiclass(gold, _labels(shares, trial), len(LONG_SENTIMENT_LABELS))[0]
            if value > best + 1e-9:
                best, rule = value, trial
        for c in (1, 2):
            for w in WEIGHT_GRID:
                weights = list(rule.weights)
                weights[c] = float(w)
                trial = LongSentimentRule(rule.mixed_threshold, tuple(weights))
                value = macro_f1_multiclass(gold, _labels(shares, trial), len(LONG_SENTIMENT_LABELS))[0]
                if value > best + 1e-9:
                    best, rule = value, trial
    return rule


def max_segment_scores(entry: dict[str, Any], n_labels: int) -> np.ndarray:
    """Per item, the best segment's score for each label."""
    return np.asarray([max_over_segments(s["scores"], n_labels) for s in entry["segments"]]).reshape(
        -1, n_labels
    )
