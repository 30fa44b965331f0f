"""The `harm` classifier's decision threshold, tuned on out-of-fold scores.

The classifier adds a high-severity flag to what the rules find, so its threshold is the lowest score at
which its own out-of-fold flags on the hand-written development items are precise enough
(`HARM_PRECISION`) while it flags at most `MAX_CORPUS_RATE` of the held-out survey comments (weak
negatives: almost none is an incident). Lower thresholds find more incidents; this keeps the additions
trustworthy. The out-of-fold precision, recall and corpus flags go into the model card.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from services.classify.training.harm_data import INCIDENT, WRITTEN_CORPUS, harm_records

HARM_PRECISION = 0.85
MAX_CORPUS_RATE = 0.005
CANDIDATES = np.round(np.arange(0.30, 0.951, 0.01), 2)


def harm_oof(oof: dict[str, Any], data_dir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(incident scores, gold, is a written item) over every fold's held-out records."""
    records = {r.uid: r for r in harm_records(Path(data_dir))}
    index = oof["harm"]["labels"].index(INCIDENT)
    scores, gold, written = [], [], []
    for entry in oof["harm"]["folds"]:
        for uid, row in zip(entry["uids"], entry["scores"], strict=True):
            scores.append(row[index])
            gold.append(INCIDENT in records[uid].statements)
            written.append(records[uid].corpus == WRITTEN_CORPUS)
    return np.asarray(scores, dtype=float), np.asarray(gold, dtype=bool), np.asarray(written, dtype=bool)


def flag_metrics(scores: np.ndarray, gold: np.ndarray, written: np.ndarray, threshold: float) -> dict:
    flagged = scores >= threshold
    on_written = flagged & written
    true = int((on_written & gold).sum())
    return {
        "threshold": float(threshold),
        "precision": round(true / max(int(on_written.sum()), 1), 4),
        "recall": round(true / max(int((gold & written).sum()), 1), 4),
        "corpus_flagged": int((flagged & ~written).sum()),
        "corpus_items": int((~written).sum()),
    }


def tune_harm_threshold(oof: dict[str, Any], data_dir: Path) -> dict[str, Any]:
    """The decision for the `harm` component: threshold and its out-of-fold metrics."""
    scores, gold, written = harm_oof(oof, data_dir)
    if not (gold & written).any():
        return flag_metrics(scores, gold, written, 1.0)
    for threshold in CANDIDATES:
        metrics = flag_metrics(scores, gold, written, threshold)
        if (
            metrics["precision"] >= HARM_PRECISION
            and metrics["corpus_flagged"] <= MAX_CORPUS_RATE * metrics["corpus_items"]
        ):
            return metrics
    return flag_metrics(scores, gold, written, float(CANDIDATES[-1]))
