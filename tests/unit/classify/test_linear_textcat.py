"""The linear TF-IDF text classifier component: training from examples, partial labels, save and load."""

from __future__ import annotations

import numpy as np
import spacy
from spacy.training import Example

import services.classify.pipeline  # noqa: F401

TEXTS = {
    "access": [
        "waited hours for the ambulance",
        "long wait for an appointment",
        "could not get through on the phone",
        "the wait was far too long",
        "appointment delayed again",
        "waiting list is months long",
    ],
    "kind": [
        "staff were kind and caring",
        "lovely friendly nurse",
        "the crew were polite and kind",
        "kind caring staff",
        "very compassionate doctor",
        "friendly and caring carers",
    ],
}


def _examples(nlp, exclusive: bool) -> list[Example]:
    examples = []
    for label, texts in TEXTS.items():
        other = "kind" if label == "access" else "access"
        for text in texts:
            cats = {label: 1.0, other: 0.0}
            examples.append(Example.from_dict(nlp.make_doc(text), {"cats": cats}))
    if not exclusive:  # a partially labelled example: positive for "kind", "access" unknown
        examples.append(Example.from_dict(nlp.make_doc("kind staff but slow"), {"cats": {"kind": 1.0}}))
    return examples


def _pipeline(exclusive: bool):
    nlp = spacy.blank("en")
    nlp.add_pipe("caresignal_linear_textcat", name="cats", config={"exclusive": exclusive, "C": 1.0})
    examples = _examples(nlp, exclusive)
    nlp.initialize(lambda: examples)
    return nlp


def test_linear_textcat_multilabel_learns_and_scores_in_unit_interval() -> None:
    nlp = _pipeline(exclusive=False)
    assert nlp.get_pipe("cats").labels == ["access", "kind"]
    doc = nlp("the wait for the ambulance was long")
    assert doc.cats["access"] > 0.5 > doc.cats["kind"]
    assert all(0.0 <= value <= 1.0 for value in doc.cats.values())


def test_linear_textcat_exclusive_gives_probabilities() -> None:
    nlp = _pipeline(exclusive=True)
    doc = nlp("kind and caring staff")
    assert abs(sum(doc.cats.values()) - 1.0) < 1e-6
    assert doc.cats["kind"] > doc.cats["access"]


def test_linear_textcat_round_trips_through_disk(tmp_path) -> None:
    nlp = _pipeline(exclusive=False)
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    texts = ["a long wait", "friendly crew", "nothing to add"]
    before = [nlp(t).cats for t in texts]
    after = [d.cats for d in loaded.pipe(texts)]
    for a, b in zip(before, after, strict=True):
        assert a.keys() == b.keys()
        assert np.allclose([a[k] for k in a], [b[k] for k in a], atol=1e-5)


def test_cached_char_ngrams_equal_the_vectorizer() -> None:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from services.classify.pipeline.char_ngrams import CachedCharNgrams

    train = ["The staff were kind", "Waited hours for the ambulance", "kind kind staff", "a b c de"]
    vectorizer = TfidfVectorizer(
        lowercase=True, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, dtype=np.float32
    ).fit(train)
    texts = ["The STAFF were\\tkind,  kind!", "", "unseen words only zzz", "a", "Waited   for the kind staff"]
    cached = CachedCharNgrams(vectorizer)
    for _ in range(2):  # cold and warm cache
        assert abs(cached.transform(texts) - vectorizer.transform(texts)).max() < 1e-7
