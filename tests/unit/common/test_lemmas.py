"""One lemma rule (services/common/lemmas.py) for indexing and for querying."""

from __future__ import annotations

import pytest
import spacy

import services.classify.pipeline  # noqa: F401  (registers caresignal_redactor)
from services.common.lemmas import lemma_string, query_lemmas, rule_lemma

TEXTS = [
    "waiting times",
    "Staff weren't listening and the nurses didn't come",
    "She was discharged too early; falls went unreported",
    "children's services, carers' assessments",
    "Worse than before!",
]


@pytest.fixture(scope="module")
def indexing_pipeline() -> spacy.language.Language:
    """The component classify runs to fill the `lemmas` field of every indexed item."""
    nlp = spacy.blank("en")
    nlp.add_pipe("caresignal_redactor")
    nlp.initialize()
    return nlp


@pytest.mark.parametrize("text", TEXTS)
def test_a_query_is_lemmatised_as_classify_lemmatised_the_indexed_text(indexing_pipeline, text: str) -> None:
    assert query_lemmas(text) == indexing_pipeline(text)._.lemmas


def test_lemma_string_keeps_placeholders_and_drops_punctuation() -> None:
    assert lemma_string("[PERSON] said: nurses!", {"said": "say", "nurses": "nurse"}) == "[PERSON] say nurse"
    assert lemma_string("nurses were caring") == "nurse be care"


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("stopping", "stop"),
        ("stopped", "stop"),
        ("running", "run"),
        ("planned", "plan"),
        ("calling", "call"),
        ("called", "call"),
        ("missing", "miss"),
        ("buzzed", "buzz"),
        ("caring", "care"),
        ("discharged", "discharge"),
        ("waiting", "wait"),
        ("waited", "wait"),
    ],
)
def test_rule_lemma_undoubles_or_restores_the_e_of_ing_and_ed_stems(word: str, lemma: str) -> None:
    assert rule_lemma(word) == lemma
