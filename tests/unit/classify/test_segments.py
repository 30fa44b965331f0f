"""Segments of long items: splitting, what each one carries, and that it comes from the redacted text."""

from __future__ import annotations

import numpy as np
import pytest

from schemas.evidence import SentimentLabel
from services.classify.pipeline.long_decisions import (
    LongSentimentRule,
    decide_long_sentiment,
    max_over_segments,
    sentiment_shares,
)
from services.classify.pipeline.redacted_doc import sentencizer
from services.classify.pipeline.segments import MIN_ITEM_CHARS, segment_spans

STORY = (
    "My mum Jane Smith moved into the home in March and the staff were welcoming from the first day. "
    "The activities coordinator, Mr Brown, plans outings every week and she loves the garden. "
    "The food is varied and the kitchen staff know exactly what she likes to eat. "
    "Visiting is easy and we can come whenever we want, which matters a lot to us. "
    "In June a carer slapped my mother across the face when she refused her tablets. "
    "We reported it and the manager took it seriously; call me on 07700 900123 if you need details. "
    "Since then things have improved and the new night team are kind and patient with her."
)


def test_segment_spans_are_sentences_with_short_fragments_joined(rules_nlp) -> None:
    doc = sentencizer()(
        rules_nlp.make_doc("Thanks. The nurse was kind and listened to us. Great! The food was cold.")
    )
    assert [span.text for span in segment_spans(doc, 20)] == [
        "Thanks. The nurse was kind and listened to us.",
        "Great! The food was cold.",
    ]


def test_short_items_are_not_segmented(rules_analyser) -> None:
    (analysis,) = rules_analyser.analyse(["A carer slapped my mother."])
    assert analysis.segments == []
    assert analysis.severity.reasons == ["abuse"]


def test_long_item_segments_carry_their_own_evidence_from_the_redacted_text(rules_analyser) -> None:
    assert len(STORY) >= MIN_ITEM_CHARS
    (analysis,) = rules_analyser.analyse([STORY])
    redacted = analysis.redacted_text
    assert "Jane" not in redacted and "Brown" not in redacted and "07700" not in redacted
    assert len(analysis.segments) == 7
    assert " ".join(segment.text for segment in analysis.segments) == redacted  # the sentences, in order
    for segment in analysis.segments:
        assert segment.text == redacted[segment.start : segment.end]
        assert "Jane" not in segment.text and "Brown" not in segment.text and "07700" not in segment.text
    flagged = [segment for segment in analysis.segments if segment.severity_reasons]
    assert [segment.severity_reasons for segment in flagged] == [["abuse"]]
    assert "slapped my mother" in flagged[0].text
    assert analysis.severity.reasons == ["abuse"]


def test_sentiment_shares_weight_segments_by_length() -> None:
    shares = sentiment_shares(np.asarray([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), [300, 100])
    assert shares == pytest.approx([0.75, 0.0, 0.25])


@pytest.mark.parametrize(
    ("shares", "label"),
    [
        ([0.55, 0.05, 0.40], "mixed"),
        ([0.90, 0.05, 0.05], "positive"),
        ([0.10, 0.15, 0.75], "negative"),
        ([0.20, 0.70, 0.10], "neutral"),
    ],
)
def test_long_sentiment_is_mixed_only_when_both_sides_are_strong(shares: list[float], label: str) -> None:
    decided, score, polarity = decide_long_sentiment(
        np.asarray(shares), LongSentimentRule(0.3, (1.0, 1.0, 1.0))
    )
    assert decided == label
    assert SentimentLabel(decided)
    assert 0.0 <= score <= 1.0
    assert polarity == pytest.approx(shares[0] - shares[2])


def test_best_segment_decides_each_statement() -> None:
    scores = np.asarray([[0.1, 0.9], [0.7, 0.2]])
    assert max_over_segments(scores, 2).tolist() == [0.7, 0.9]
    assert max_over_segments(np.zeros((0, 2)), 2).tolist() == [0.0, 0.0]
