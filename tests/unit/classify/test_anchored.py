"""The anchored matchers find exactly what one plain spaCy Matcher of the same patterns finds."""

from __future__ import annotations

from spacy.attrs import LOWER
from spacy.matcher import Matcher

from services.classify.evaluation.written import load_written_items
from services.classify.pipeline.anchored import AnchoredMatcher
from services.classify.pipeline.redacted_doc import sentences, sentencizer
from services.classify.pipeline.severity_cues import CUES
from services.classify.pipeline.severity_patterns import harm_patterns


def test_anchored_matcher_finds_what_a_plain_matcher_finds(rules_nlp) -> None:
    groups = {**CUES}
    for reason, spec in harm_patterns().items():
        groups[f"{reason}_acts"] = spec.get("acts", [])
        groups[f"{reason}_outcomes"] = spec.get("outcomes", [])
    anchored, plain = AnchoredMatcher(rules_nlp.vocab), Matcher(rules_nlp.vocab)
    for label, patterns in groups.items():
        if patterns:
            anchored.add(label, patterns)
            plain.add(label, patterns)
    split = sentencizer()
    found = 0
    for item in load_written_items()[::3]:
        doc = split(rules_nlp.make_doc(item.text))
        lowers = doc.to_array(LOWER)
        for span in sentences(doc):
            expected = {(m, s + span.start, e + span.start) for m, s, e in plain(span)}
            assert set(anchored(span, lowers)) == expected, span.text
            found += len(expected)
    assert found > 300  # the comparison saw matches, not only sentences without any
