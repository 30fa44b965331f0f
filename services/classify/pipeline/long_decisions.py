"""How the segment scores of a long item become item decisions (pure functions, used by `decisions` and by
the evaluation that tunes them).

* statements: an item has a statement when its best segment reaches the statement's segment threshold;
* sentiment: segment probabilities averaged with segment lengths as weights give the shares of positive,
  neutral and negative text; `mixed` when both the positive and the negative share reach the mixed
  threshold, otherwise the weighted argmax of the shares. Polarity = positive share - negative share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SENTIMENT_LABELS: tuple[str, ...] = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class LongSentimentRule:
    mixed_threshold: float = 0.25
    weights: tuple[float, float, float] = (1.0, 1.0, 1.0)  # per SENTIMENT_LABELS


def sentiment_shares(probabilities: np.ndarray, lengths: list[int]) -> np.ndarray:
    """Length-weighted mean of segment probabilities (positive, neutral, negative)."""
    weights = np.asarray(lengths, dtype=float)
    return (np.asarray(probabilities, dtype=float) * weights[:, None]).sum(0) / max(weights.sum(), 1.0)


def polarity(positive: float, negative: float) -> float:
    return round(min(max(positive - negative, -1.0), 1.0), 4)


def weighted_label(probabilities: np.ndarray, weights: tuple[float, ...]) -> tuple[str, float, float]:
    """(label, probability, polarity): argmax of (positive, neutral, negative) probabilities times weights."""
    index = int(np.argmax(np.asarray(probabilities) * np.asarray(weights)))
    score = round(min(max(float(probabilities[index]), 0.0), 1.0), 4)
    return SENTIMENT_LABELS[index], score, polarity(float(probabilities[0]), float(probabilities[2]))


def decide_long_sentiment(shares: np.ndarray, rule: LongSentimentRule) -> tuple[str, float, float]:
    """(label, confidence, polarity) of an item from its sentiment shares."""
    positive, negative = float(shares[0]), float(shares[2])
    if positive >= rule.mixed_threshold and negative >= rule.mixed_threshold:
        return (
            "mixed",
            round(2 * min(positive, negative) / (positive + negative), 4),
            polarity(positive, negative),
        )
    return weighted_label(shares, rule.weights)


def max_over_segments(scores: np.ndarray, n_labels: int) -> np.ndarray:
    """The best segment's score for each label (zeros for an item without segments)."""
    scores = np.asarray(scores, dtype=float).reshape(-1, n_labels)
    return scores.max(axis=0) if len(scores) else np.zeros(n_labels)
