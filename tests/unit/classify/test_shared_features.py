"""One count of each text for several linear textcats gives each textcat's own scores."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from spacy.training import Example

import services.classify.pipeline  # noqa: F401
from services.classify.pipeline.shared_features import SharedFeatures

TEXTS = [
    ("the wait for the ambulance was far too long", {"access": 1.0, "kind": 0.0}, "negative"),
    ("could not get an appointment for weeks", {"access": 1.0, "kind": 0.0}, "negative"),
    ("waiting list is months long", {"access": 1.0, "kind": 0.0}, "neutral"),
    ("staff were kind and caring", {"access": 0.0, "kind": 1.0}, "positive"),
    ("lovely friendly nurse who listened", {"access": 0.0, "kind": 1.0}, "positive"),
    ("the crew were polite, kind and quick", {"access": 0.0, "kind": 1.0}, "positive"),
    ("phone lines busy all morning", {"access": 1.0, "kind": 0.0}, "negative"),
    ("a very compassionate doctor", {"access": 0.0, "kind": 1.0}, "neutral"),
]
SENTIMENT = ("positive", "neutral", "negative")


@pytest.fixture(scope="module")
def textcats():
    """A multi-label and an exclusive textcat fitted on different texts (so different vocabularies)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("caresignal_linear_textcat", name="topics", config={"min_positives": 1, "C": 1.0})
    nlp.add_pipe(
        "caresignal_linear_textcat", name="mood", config={"exclusive": True, "min_positives": 1, "C": 1.0}
    )
    topics = [Example.from_dict(nlp.make_doc(t), {"cats": c}) for t, c, _ in TEXTS]
    mood = [
        Example.from_dict(nlp.make_doc(t + " today"), {"cats": {s: float(s == label) for s in SENTIMENT}})
        for t, _, label in TEXTS[2:]
    ]
    nlp.get_pipe("topics").initialize(lambda: topics)
    nlp.get_pipe("mood").initialize(lambda: mood)
    return nlp, [nlp.get_pipe("topics"), nlp.get_pipe("mood")]


def test_shared_features_scores_equal_each_textcats_own(textcats) -> None:
    nlp, components = textcats
    texts = ["The nurse was kind but the wait was long.", "", "!!", "Ambulance today, friendly crew", "zzz"]
    shared = SharedFeatures(components).scores(texts)
    for component, scores in zip(components, shared, strict=True):
        own = component.predict([nlp.make_doc(text) for text in texts])
        np.testing.assert_allclose(scores, own, atol=1e-5)


def test_shared_features_need_the_same_analysers(textcats) -> None:
    nlp, components = textcats
    other = spacy.blank("en").add_pipe(
        "caresignal_linear_textcat", name="words", config={"char_ngrams": [], "min_positives": 1}
    )
    other.initialize(lambda: [Example.from_dict(nlp.make_doc(t), {"cats": c}) for t, c, _ in TEXTS])
    with pytest.raises(ValueError):
        SharedFeatures([components[0], other])
