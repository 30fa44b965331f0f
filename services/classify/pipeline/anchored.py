"""Token patterns that run only where they can match: one spaCy Matcher per pattern, indexed by anchor word.

Shared by the severity triggers and the statement rules: on long items one Matcher with hundreds of
patterns is the slowest part of the pipeline (set predicates are evaluated in Python for every token).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher
from spacy.tokens import Span


def required_words(pattern: list[dict[str, Any]]) -> list[list[str]]:
    """The word lists of `pattern`'s required tokens: every match contains a word of each."""
    return [
        t["LOWER"]["IN"]
        for t in pattern
        if "OP" not in t and isinstance(t.get("LOWER"), dict) and "IN" in t["LOWER"]
    ]


def anchor_words(pattern: list[dict[str, Any]]) -> frozenset[str] | None:
    """Words one of which every match of `pattern` contains: its required token whose word list has the
    fewest stop words (then the fewest words); None when it has no required word list."""
    required = required_words(pattern)
    if not required:
        return None
    return frozenset(min(required, key=lambda forms: (len(STOP_WORDS.intersection(forms)), len(forms))))


class AnchoredMatcher:
    """spaCy Matchers, one per pattern, each run only on docs that contain one of its anchor words.

    Set predicates (IN lists) are evaluated in Python for every token a Matcher sees, so one Matcher with
    hundreds of patterns is slow; most patterns cannot match most sentences, and an index from anchor words
    to patterns skips them. A pattern so selected runs only when the sentence holds a word of each of its
    required word lists too (a set test, far cheaper than the Matcher). Patterns never span sentences.
    """

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self.matchers: list[Matcher] = []
        self.required: list[list[frozenset[int]]] = []  # per pattern: LOWER ids of each required token
        self.by_word: dict[int, list[int]] = {}  # LOWER string id of an anchor word -> patterns
        self.always: list[int] = []

    def add(self, label: str, patterns: list[list[dict[str, Any]]]) -> None:
        for pattern in patterns:
            matcher = Matcher(self.vocab)
            matcher.add(label, [pattern])
            index = len(self.matchers)
            self.matchers.append(matcher)
            self.required.append(
                [frozenset(self.vocab.strings.add(w) for w in forms) for forms in required_words(pattern)]
            )
            anchors = anchor_words(pattern)
            if anchors is None:
                self.always.append(index)
            for word in anchors or ():
                self.by_word.setdefault(self.vocab.strings.add(word), []).append(index)

    def __call__(self, span: Span, lowers: np.ndarray) -> list[tuple[int, int, int]]:
        """Matches in `span` (a sentence), with token offsets in its doc; `lowers`: the doc's LOWER ids."""
        present = set(lowers[span.start : span.end].tolist())
        selected = set(self.always)
        for word in present:
            selected.update(self.by_word.get(word, ()))
        return [
            (match_id, start + span.start, end + span.start)
            for index in sorted(selected)
            if all(not present.isdisjoint(forms) for forms in self.required[index])
            for match_id, start, end in self.matchers[index](span)
        ]
