"""Exact-repeat cache in front of the analyser: a text seen before, byte for byte, gets its earlier analysis
instead of another pass through spaCy.

The analysis is a pure function of the text and the model, and a worker keeps one model for its life, so a
cached analysis is the one spaCy would give again. Keys are BLAKE2b digests of the text, so the cache holds
no unredacted text; values are `TextAnalysis` (already redacted). A bounded LRU: at most `max_entries`
analyses, the least recently used dropped first. Repeats within one batch are analysed once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from hashlib import blake2b

from services.classify.analyser import Classifier, TextAnalysis
from services.classify.metrics import ANALYSIS_CACHE


def text_key(text: str) -> bytes:
    """16-byte digest of the text (collisions are beyond reach at any realistic volume)."""
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class CachingAnalyser:
    """A `Classifier` that answers repeated texts from memory and passes the rest to `inner` in one call."""

    def __init__(self, inner: Classifier, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.inner = inner
        self.max_entries = max_entries
        self.model_name = inner.model_name
        self.model_version = inner.model_version
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[bytes, TextAnalysis] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def analyse(self, texts: Sequence[str]) -> list[TextAnalysis]:
        keys = [text_key(text) for text in texts]
        found: dict[bytes, TextAnalysis] = {}
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key in found or key in missing:
                continue
            cached = self._entries.get(key)
            if cached is None:
                missing[key] = text
            else:
                self._entries.move_to_end(key)
                found[key] = cached
        if missing:
            fresh = self.inner.analyse(list(missing.values()))
            if len(fresh) != len(missing):
                raise RuntimeError(f"analyser returned {len(fresh)} results for {len(missing)} texts")
            found.update(zip(missing, fresh, strict=True))
            self._remember(zip(missing, fresh, strict=True))
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        ANALYSIS_CACHE.labels("miss").inc(len(missing))
        ANALYSIS_CACHE.labels("hit").inc(len(texts) - len(missing))
        return [found[key] for key in keys]

    def redact(self, text: str) -> str:
        return self.inner.redact(text)

    def _remember(self, entries: Iterable[tuple[bytes, TextAnalysis]]) -> None:
        for key, analysis in entries:
            self._entries[key] = analysis
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
