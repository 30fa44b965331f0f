"""The terms of an item a new-term rule watches: distinct content lemmas, in order of first use."""

from __future__ import annotations

from collections.abc import Collection

from spacy.lang.en.stop_words import STOP_WORDS

MAX_TERMS_PER_ITEM = 40


def item_terms(lemmas: str, *, min_length: int, ignore: Collection[str] = ()) -> list[str]:
    """Alphabetic lemmas of at least `min_length` letters, no stop words or redaction placeholders."""
    terms: dict[str, None] = {}
    for lemma in lemmas.split():
        if len(lemma) >= min_length and lemma.isalpha() and lemma not in STOP_WORDS and lemma not in ignore:
            terms[lemma] = None
            if len(terms) == MAX_TERMS_PER_ITEM:
                break
    return list(terms)
