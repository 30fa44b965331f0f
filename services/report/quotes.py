"""Representative quotes: typical items of a statement, not its most extreme, near-duplicates collapsed.

Pure. From a statement's recent items the quotes are those whose sentiment is the statement's most common
one, that carry no high-severity flag (a pack quotes what is usual; serious items are counted in the
providers and alerts sections), and whose length is closest to the candidates' median length; an item of
a chosen one's near-duplicate cluster (`cluster_id`, what search collapses on), or whose words overlap a
chosen one by 70% or more (Jaccard: for documents indexed before clusters existed), is skipped.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from schemas import SentimentLabel, SourceType

METHOD = (
    "Quotes are chosen from the statement's most recent items: those with its most common sentiment and no "
    "high-severity flag, closest to the median length, near-duplicates (the same near-duplicate cluster, or "
    "70% of words shared) collapsed. "
    "The text is the redacted text as indexed."
)
MIN_CHARS, MAX_CHARS = 40, 600
NEAR_DUPLICATE = 0.7
WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Candidate:
    """One indexed item that may be quoted (its text is the redacted text)."""

    evidence_id: str
    occurred_at: datetime
    source_type: SourceType
    sentiment: SentimentLabel
    high_severity: bool
    text: str
    cluster: str | None = None  # the near-duplicate cluster's id, when the item was clustered


def _words(text: str) -> frozenset[str]:
    return frozenset(WORD.findall(text.lower()))


def near_duplicate(one: str, other: str) -> bool:
    a, b = _words(one), _words(other)
    return bool(a | b) and len(a & b) / len(a | b) >= NEAR_DUPLICATE


def _same_concern(one: Candidate, other: Candidate) -> bool:
    return (one.cluster is not None and one.cluster == other.cluster) or near_duplicate(one.text, other.text)


def typical_sentiment(counts: dict[str, int]) -> SentimentLabel | None:
    """The most common sentiment (ties: negative, then mixed, neutral, positive: the pack is for review)."""
    order = [SentimentLabel.NEGATIVE, SentimentLabel.MIXED, SentimentLabel.NEUTRAL, SentimentLabel.POSITIVE]
    present = [label for label in order if counts.get(label.value, 0) > 0]
    return max(present, key=lambda label: counts[label.value]) if present else None


def representative(
    candidates: Sequence[Candidate], sentiment: SentimentLabel | None, n: int
) -> list[Candidate]:
    """Up to n typical candidates, most typical first."""
    pool = [
        c
        for c in candidates
        if c.sentiment == sentiment and not c.high_severity and MIN_CHARS <= len(c.text) <= MAX_CHARS
    ]
    if not pool:
        return []
    median = statistics.median(len(c.text) for c in pool)
    chosen: list[Candidate] = []
    for candidate in sorted(pool, key=lambda c: (abs(len(c.text) - median), c.evidence_id)):
        if len(chosen) == n:
            break
        if not any(_same_concern(candidate, kept) for kept in chosen):
            chosen.append(candidate)
    return chosen
