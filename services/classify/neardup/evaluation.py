"""A labelled near-duplicate evaluation set built from real comments, and pair detection scored on it.

Positives: a real comment and a copy of it with one realistic edit (typos, added hashtags/handles/URLs,
sentences reordered, a sentence added or removed, quoted as a retweet or a reply, or copied exactly).
Negatives: the same comment and a *different* real comment about the same quality statement, chosen as
the one sharing the most words out of a sample (hard: same topic, different concern), plus random pairs.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from services.classify.neardup.signature import MinHasher

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w+")
HANDLES = ("@NHSEngland", "@CQCProf", "@healthwatch", "@localnews", "@jo_smith77")
HASHTAGS = ("#NHS", "#care", "#patientsafety", "#disgraceful", "#thankyou", "#carehome")


@dataclass(frozen=True)
class Pair:
    left: str
    right: str
    duplicate: bool
    kind: str  # the edit for positives; "same_topic" or "random" for negatives


def _sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE.split(text.strip()) if part]


def typos(text: str, rng: random.Random) -> str:
    """Two to four misspelt words: a letter dropped, doubled or swapped with its neighbour."""
    words = text.split(" ")
    for index in rng.sample(range(len(words)), k=min(len(words), rng.randint(2, 4))):
        word = words[index]
        if len(word) < 3:
            continue
        at = rng.randrange(1, len(word) - 1)
        edit = rng.choice(("drop", "double", "swap"))
        if edit == "drop":
            word = word[:at] + word[at + 1 :]
        elif edit == "double":
            word = word[:at] + word[at] + word[at:]
        else:
            word = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
        words[index] = word
    return " ".join(words)


def tagged(text: str, rng: random.Random) -> str:
    tags = rng.sample(HASHTAGS, k=2)
    return f"{rng.choice(HANDLES)} {text} {' '.join(tags)} https://t.co/{rng.getrandbits(40):x}"


def reordered(text: str, rng: random.Random) -> str:
    parts = _sentences(text)
    if len(parts) < 2:
        parts = [part.strip() for part in text.split(",") if part.strip()]
        return ", ".join(parts[1:] + parts[:1]) if len(parts) > 1 else text
    rng.shuffle(parts)
    return " ".join(parts)


def removed(text: str, rng: random.Random) -> str:
    parts = _sentences(text)
    if len(parts) < 3:
        return text
    del parts[rng.randrange(len(parts))]
    return " ".join(parts)


def quoted(text: str, rng: random.Random) -> str:
    return rng.choice(
        (f"RT {rng.choice(HANDLES)}: {text}", f'"{text}" This happened to us too.', f"Same here. {text}")
    )


def exact(text: str, rng: random.Random) -> str:
    return text


EDITS: dict[str, Callable[[str, random.Random], str]] = {
    "typos": typos,
    "tags_handles_urls": tagged,
    "reordered": reordered,
    "sentence_removed": removed,
    "quoted": quoted,
    "exact": exact,
}


def build_pairs(records: Sequence, count: int, seed: int = 17) -> list[Pair]:
    """`count` real comments of 15+ words, each with one copy per edit and two negatives.

    `records` need `text` and `statements` (the classify training records)."""
    rng = random.Random(seed)
    long_enough = [record for record in records if len(_WORD.findall(record.text)) >= 15]
    by_statement: dict[str, list] = {}
    for record in long_enough:
        for statement in record.statements:
            by_statement.setdefault(statement, []).append(record)
    pairs: list[Pair] = []
    for base in rng.sample(long_enough, k=min(count, len(long_enough))):
        for kind, edit in EDITS.items():
            pairs.append(Pair(base.text, edit(base.text, rng), True, kind))
        added = f"{base.text} {_sentences(rng.choice(long_enough).text)[0]}"
        pairs.append(Pair(base.text, added, True, "sentence_added"))
        topic = by_statement.get(min(base.statements), []) if base.statements else []
        pool = [other for other in rng.sample(topic, k=min(200, len(topic))) if other.text != base.text]
        if pool:
            pairs.append(Pair(base.text, _most_alike(base.text, pool).text, False, "same_topic"))
        other = rng.choice(long_enough)
        if other.text != base.text:
            pairs.append(Pair(base.text, other.text, False, "random"))
    return pairs


def _most_alike(text: str, pool: Sequence):
    words = set(_WORD.findall(text.lower()))
    return max(pool, key=lambda other: len(words & set(_WORD.findall(other.text.lower()))))


@dataclass(frozen=True)
class PairScores:
    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int
    recall_by_kind: dict[str, float]
    false_positives_by_kind: dict[str, int]

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


def detected(hasher: MinHasher, pairs: Sequence[Pair], threshold: float) -> list[bool]:
    """Whether the index would put each pair together: an LSH candidate (a band key in common) whose
    estimated similarity reaches the threshold; a text too short to sign is never a duplicate."""
    results = []
    for pair in pairs:
        left, right = hasher.signature(pair.left), hasher.signature(pair.right)
        if left is None or right is None:
            results.append(False)
            continue
        candidate = bool(np.intersect1d(hasher.band_keys(left), hasher.band_keys(right)).size)
        short_left, short_right = left.astype(np.uint16), right.astype(np.uint16)
        results.append(candidate and float(np.mean(short_left == short_right)) >= threshold)
    return results


def score(pairs: Sequence[Pair], found: Sequence[bool], threshold: float) -> PairScores:
    kinds = Counter(pair.kind for pair in pairs if pair.duplicate)
    hits = Counter(pair.kind for pair, hit in zip(pairs, found, strict=True) if pair.duplicate and hit)
    false = Counter(pair.kind for pair, hit in zip(pairs, found, strict=True) if not pair.duplicate and hit)
    return PairScores(
        threshold=threshold,
        true_positives=sum(hits.values()),
        false_positives=sum(false.values()),
        false_negatives=sum(kinds.values()) - sum(hits.values()),
        recall_by_kind={kind: round(hits[kind] / total, 4) for kind, total in sorted(kinds.items())},
        false_positives_by_kind=dict(false),
    )
