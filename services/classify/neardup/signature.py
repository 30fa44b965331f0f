"""MinHash signatures of redacted, normalised text, vectorised with numpy.

Normalisation removes what copies add or change without changing the concern: case, URLs, @handles,
#hashtags, "RT"/"via" markers, punctuation and spacing; the redacted text's `[HANDLE]` and `[URL]`
placeholders go too (the worker signs redacted text, where handles and URLs are placeholders already).
Shingles are overlapping runs of `k` characters of what is left, hashed with a polynomial rolling hash
over the UTF-8 bytes (deterministic in every process, unlike Python's salted `hash`). Each of the
`permutations` hash functions is a multiply-shift over 64-bit integers; the signature is the minimum of
each over the shingles. Texts with fewer than `min_chars` normalised characters ("Nothing.", "Very good")
get no signature: short stock phrases are common to unrelated people and are never clustered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from hashlib import blake2b

import numpy as np

_NOISE = re.compile(
    r"(?:https?://|www\.)\S+|(?<!\w)[@#]\w+|(?<!\w)(?:rt|via)(?!\w)|\[(?:HANDLE|URL)\]", re.IGNORECASE
)
_NON_WORD = re.compile(r"[^\w\[\]]+")
_BASE = np.uint64(1_000_003)
_SEED = 20_261_201


def normalise(text: str) -> str:
    """Lower case words separated by single spaces, without URLs, handles, hashtags or retweet markers."""
    return " ".join(_NON_WORD.sub(" ", _NOISE.sub(" ", text).lower()).split())


@dataclass(frozen=True)
class MinHasher:
    """Signatures with `permutations` hash functions grouped into `bands` of `rows` for LSH."""

    permutations: int = 64
    rows: int = 2
    shingle_chars: int = 5
    min_chars: int = 25
    seed: int = _SEED

    def __post_init__(self) -> None:
        if self.permutations % self.rows:
            raise ValueError(f"{self.permutations} permutations do not split into bands of {self.rows} rows")

    @property
    def bands(self) -> int:
        return self.permutations // self.rows

    @cached_property
    def _multipliers(self) -> tuple[np.ndarray, np.ndarray]:
        random = np.random.default_rng(self.seed)
        odd = random.integers(1, 2**63, size=self.permutations, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        offsets = random.integers(0, 2**63, size=self.permutations, dtype=np.uint64)
        return odd, offsets

    def shingles(self, normalised: str) -> np.ndarray:
        """64-bit hashes of the overlapping `shingle_chars`-byte runs of normalised text (repeats kept:
        they do not change a minimum)."""
        data = np.frombuffer(normalised.encode(), dtype=np.uint8).astype(np.uint64)
        count = max(len(data) - self.shingle_chars + 1, 1)
        hashes = data[:count].copy()
        for offset in range(1, min(self.shingle_chars, len(data))):
            hashes *= _BASE
            hashes += data[offset : offset + count]
        return hashes

    def signature(self, text: str) -> np.ndarray | None:
        """The uint32 MinHash signature of a text, or None when it is too short to compare."""
        return self.signature_of_normalised(normalise(text))

    def signature_of_normalised(self, normalised: str) -> np.ndarray | None:
        """`signature` of a text `normalise` has already normalised."""
        if len(normalised) < self.min_chars:
            return None
        odd, offsets = self._multipliers
        hashed = (self.shingles(normalised)[:, None] * odd[None, :] + offsets[None, :]) >> np.uint64(32)
        return hashed.min(axis=0).astype(np.uint32)

    def band_keys(self, signature: np.ndarray) -> np.ndarray:
        """One uint32 key per band: its rows hashed together with the band's number."""
        rows = signature.astype(np.uint64).reshape(self.bands, self.rows)
        mixed = np.arange(1, self.bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        for column in range(self.rows):
            mixed = (mixed ^ rows[:, column]) * np.uint64(0xBF58476D1CE4E5B9)
        return (mixed >> np.uint64(32)).astype(np.uint32)


def similarity(left: np.ndarray, right: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal minimums."""
    return float(np.count_nonzero(left == right)) / len(left)


def content_hash(text: str) -> int:
    """A 64-bit hash of the normalised text: equal for exact copies (up to case, spacing, tags and URLs)."""
    return normalised_hash(normalise(text))


def normalised_hash(normalised: str) -> int:
    """`content_hash` of a text `normalise` has already normalised."""
    return int.from_bytes(blake2b(normalised.encode(), digest_size=8).digest(), "big")
