"""The provider-name gazetteer: known provider and location names mapped to the areas they operate in.

Pure domain code. A match is accepted only when every candidate area agrees (one nests inside the
other); conflicting candidates mean the name is ambiguous and nothing is returned. Names are
normalised, and places matched, by the shared reference lookups in `services/common/areas.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from schemas.common import AreaRef
from services.common.areas import distinctive_words, most_specific, provider_key


def _padded(text: str) -> str:
    return f" {text} "


@dataclass(frozen=True)
class NamedArea:
    """A provider or location name and the area it operates in."""

    name: str
    area: AreaRef


class ProviderGazetteer:
    """Known provider and location names; a name resolves when all its matches share one area."""

    def __init__(self, entries: Iterable[NamedArea]) -> None:
        self._areas: dict[str, set[AreaRef]] = defaultdict(set)
        self._by_word: dict[str, set[str]] = defaultdict(set)
        for entry in entries:
            key = provider_key(entry.name)
            if not distinctive_words(key):
                continue
            self._areas[key].add(entry.area)
            for word in distinctive_words(key):
                self._by_word[word].add(key)

    def __len__(self) -> int:
        return len(self._areas)

    def match(self, name: str) -> AreaRef | None:
        """Exact match on a distinctive name, else whole-word containment either way (two or more words)."""
        key = provider_key(name)
        words = distinctive_words(key)
        if not words:
            return None
        if key in self._areas:
            return most_specific(self._areas[key])
        candidates: list[AreaRef] = []
        for known in set().union(*(self._by_word.get(word, set()) for word in words)):
            shorter = min(key, known, key=len)
            if len(shorter.split()) >= 2 and _padded(shorter) in _padded(max(key, known, key=len)):
                candidates.extend(self._areas[known])
        return most_specific(candidates)
