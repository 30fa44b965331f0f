"""Lemmatise a search query the way classify fills the `lemmas` field (the node has no language analysers)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

Lemmatiser = Callable[[str], str]


@cache
def _lookup_pipeline() -> Language:
    import spacy  # imported lazily: only queries with text need it

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def lookup_lemmas(text: str) -> str:
    """Lower-cased lookup lemmas (spaCy + spacy-lookups-data); the text itself if spaCy cannot load."""
    try:
        nlp = _lookup_pipeline()
    except (ImportError, OSError, ValueError) as error:
        log.warning("query lemmatiser unavailable, searching lemmas with the plain query: %s", error)
        return text.lower()
    return " ".join(token.lemma_ for token in nlp(text.lower()) if not token.is_space)
