"""The near-duplicate index of one area: LSH band buckets over MinHash signatures, bounded and expiring.

Memory is numpy arrays, not Python objects: per item its signature truncated to 16 bits a value (2 bytes
a permutation; the estimate's bias from 16-bit collisions is below 1e-4), its id, cluster id, content hash
and, per band, a 32-bit bucket key and a row number in sorted runs (a small log-structured merge: new keys
collect in a buffer, are sorted into a run, and runs of similar size merge). Items are kept in
generations of `horizon / GENERATIONS`; a generation older than the horizon is dropped whole, and so is
the oldest when the area holds more than `max_items` (a hot area's horizon shrinks instead of memory
growing).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import numpy as np

from schemas.evidence import DuplicateKind
from services.classify.neardup.signature import MinHasher

GENERATIONS = 8
_BUFFER_ROWS = 64


@dataclass(frozen=True)
class Match:
    """What the index says about one item: its cluster (the first item's id) and how close it is."""

    cluster_id: UUID
    similarity: float
    kind: DuplicateKind


class _Generation:
    """The items that arrived within one slice of the horizon."""

    def __init__(self, started: float, permutations: int, bands: int) -> None:
        self.started = started
        self.bands = bands
        self.count = 0
        self.signatures = np.empty((16, permutations), dtype=np.uint16)
        self.ids = np.empty((16, 2), dtype=np.uint64)  # item id, as two 64-bit halves
        self.clusters = np.empty((16, 2), dtype=np.uint64)
        self.contents = np.empty(16, dtype=np.uint64)
        self.similarities = np.empty(16, dtype=np.float16)
        self.kinds = np.empty(16, dtype=np.uint8)
        self.pending = np.empty((_BUFFER_ROWS, bands), dtype=np.uint32)  # keys of rows not yet in a run
        self.pending_count = 0
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys, their rows)

    def nbytes(self) -> int:
        arrays = (self.signatures, self.ids, self.clusters, self.contents, self.similarities, self.kinds)
        return sum(a.nbytes for a in arrays) + sum(k.nbytes + r.nbytes for k, r in self.runs)

    def candidates(self, keys: np.ndarray, limit: int) -> np.ndarray:
        """Rows sharing at least one band key, at most `limit` per run (the newest of a crowded bucket)."""
        found: list[np.ndarray] = []
        for run_keys, run_rows in self.runs:
            highs = np.searchsorted(run_keys, keys, "right")
            lows = np.maximum(np.searchsorted(run_keys, keys, "left"), highs - limit)
            lengths = highs - lows
            total = int(lengths.sum())
            if total:  # every bucket's slice at once: each position, its bucket's start plus its offset
                ends = np.cumsum(lengths)
                found.append(run_rows[np.repeat(lows - ends + lengths, lengths) + np.arange(total)])
        if self.pending_count:
            pending = self.pending[: self.pending_count]
            hits = np.nonzero((pending == keys).any(axis=1))[0]  # same band, same key
            found.append((self.count - self.pending_count + hits).astype(np.int32))
        return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int32)

    def match(self, row: int) -> Match:
        kind = _KINDS[int(self.kinds[row])]
        return Match(_uuid(self.clusters[row]), round(float(self.similarities[row]), 3), kind)

    def add(self, signature: np.ndarray, keys: np.ndarray, item: UUID, content: int, match: Match) -> None:
        if self.count == len(self.contents):
            self._grow()
        row = self.count
        self.signatures[row] = signature
        self.ids[row] = _halves(item)
        self.clusters[row] = _halves(match.cluster_id)
        self.contents[row] = content
        self.similarities[row] = match.similarity
        self.kinds[row] = _KINDS.index(match.kind)
        self.count += 1
        self.pending[self.pending_count] = keys
        self.pending_count += 1
        if self.pending_count == _BUFFER_ROWS:
            self._flush()

    def _grow(self) -> None:
        size = 2 * len(self.contents)
        self.signatures = np.resize(self.signatures, (size, self.signatures.shape[1]))
        self.ids = np.resize(self.ids, (size, 2))
        self.clusters = np.resize(self.clusters, (size, 2))
        self.contents = np.resize(self.contents, size)
        self.similarities = np.resize(self.similarities, size)
        self.kinds = np.resize(self.kinds, size)

    def _flush(self) -> None:
        first = self.count - self.pending_count
        keys = self.pending.ravel().copy()
        rows = np.repeat(np.arange(first, self.count, dtype=np.int32), self.bands)
        order = np.argsort(keys, kind="stable")
        self.runs.append((keys[order], rows[order]))
        self.pending_count = 0
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            (keys_a, rows_a), (keys_b, rows_b) = self.runs.pop(-2), self.runs.pop()
            keys, rows = np.concatenate((keys_a, keys_b)), np.concatenate((rows_a, rows_b))
            order = np.argsort(keys, kind="stable")
            self.runs.append((keys[order], rows[order]))


class AreaIndex:
    """Near-duplicate clusters of one area's items within the horizon."""

    def __init__(
        self,
        hasher: MinHasher,
        *,
        threshold: float,
        horizon_seconds: float,
        max_items: int,
        max_candidates: int = 64,
    ) -> None:
        self.hasher = hasher
        self.threshold = threshold
        self.horizon_seconds = horizon_seconds
        self.max_items = max_items
        self.max_candidates = max_candidates
        self.generations: list[_Generation] = []
        self.newest = float("-inf")

    def __len__(self) -> int:
        return sum(generation.count for generation in self.generations)

    def nbytes(self) -> int:
        return sum(generation.nbytes() for generation in self.generations)

    def remember(self, item: UUID, signature: np.ndarray, content: int, at: float, match: Match) -> None:
        """Hold an item whose cluster was decided already (read back from the classified topic, perhaps
        decided by another worker), unless it is held: the decision is kept, not made again."""
        self._expire(at)
        keys = self.hasher.band_keys(signature)
        for generation in self.generations:
            rows = generation.candidates(keys, self.max_candidates)
            if len(rows) and (generation.ids[rows] == _halves(item)).all(axis=1).any():
                return
        self._current(at).add(signature.astype(np.uint16), keys, item, content, match)

    def add(self, item: UUID, signature: np.ndarray, content: int, at: float) -> Match:
        """The item's cluster: that of the closest earlier item at or above the threshold, else its own.

        The similarity is to the cluster's first item when that is among the candidates (it usually is:
        copies share its buckets), else to the closest copy. Idempotent: an item seen before (a
        redelivery) gets the answer it got then, and is not stored twice."""
        self._expire(at)
        keys = self.hasher.band_keys(signature)
        short = signature.astype(np.uint16)
        best: tuple[float, _Generation, int] | None = None
        halves = _halves(item)
        for generation in self.generations:
            rows = generation.candidates(keys, self.max_candidates)
            if not len(rows):
                continue
            same_item = np.nonzero((generation.ids[rows] == halves).all(axis=1))[0]
            if len(same_item):
                return generation.match(int(rows[same_item[0]]))
            scores = np.count_nonzero(generation.signatures[rows] == short, axis=1) / len(short)
            # a cluster's first item wins over a copy of it by a small margin
            firsts = (generation.ids[rows] == generation.clusters[rows]).all(axis=1)
            ranked = scores + 0.01 * firsts
            top = int(np.argmax(ranked))
            if scores[top] >= self.threshold and (best is None or ranked[top] > best[0]):
                best = (float(ranked[top]), generation, int(rows[top]))
        match = (
            Match(item, 1.0, DuplicateKind.ORIGINAL)
            if best is None
            else self._versus(*best[1:], short, content)
        )
        self._current(at).add(short, keys, item, content, match)
        return match

    @staticmethod
    def _versus(generation: _Generation, row: int, short: np.ndarray, content: int) -> Match:
        cluster = _uuid(generation.clusters[row])
        if int(generation.contents[row]) == content:
            return Match(cluster, 1.0, DuplicateKind.EXACT)
        score = float(np.count_nonzero(generation.signatures[row] == short)) / len(short)
        return Match(cluster, round(score, 3), DuplicateKind.NEAR)

    def _current(self, at: float) -> _Generation:
        span = self.horizon_seconds / GENERATIONS
        if not self.generations or at >= self.generations[-1].started + span:
            self.generations.append(_Generation(at, self.hasher.permutations, self.hasher.bands))
        return self.generations[-1]

    def _expire(self, at: float) -> None:
        self.newest = max(self.newest, at)
        span = self.horizon_seconds / GENERATIONS
        horizon = self.newest - self.horizon_seconds
        while self.generations and (
            self.generations[0].started + span < horizon or len(self) >= self.max_items
        ):
            self.generations.pop(0)


_KINDS = list(DuplicateKind)


def _halves(item: UUID) -> np.ndarray:
    return np.array([item.int >> 64, item.int & (2**64 - 1)], dtype=np.uint64)


def _uuid(halves: np.ndarray) -> UUID:
    return UUID(int=(int(halves[0]) << 64) | int(halves[1]))
