"""Inspection results are structured facts: their meaning comes from the rating, never from template words."""

from __future__ import annotations

import pytest
from factories.classify import NOW, received

from schemas.common import KeyQuestion, ProviderRef, Rating
from schemas.evidence import (
    InspectionFinding,
    QualityStatementScore,
    Sentiment,
    SentimentLabel,
    Severity,
    SeverityLevel,
    SourceType,
    evidence_id_for,
)
from services.classify.analyser import TextAnalysis
from services.classify.domain import build_classified
from services.classify.gazetteer import ProviderGazetteer
from services.classify.resolve import resolve
from services.common.redaction import redact

EXPECTED_SENTIMENT = {
    Rating.OUTSTANDING: SentimentLabel.POSITIVE,
    Rating.GOOD: SentimentLabel.POSITIVE,
    Rating.REQUIRES_IMPROVEMENT: SentimentLabel.NEGATIVE,
    Rating.INADEQUATE: SentimentLabel.NEGATIVE,
    Rating.INSPECTED_NOT_RATED: SentimentLabel.NONE,
    Rating.NO_PUBLISHED_RATING: SentimentLabel.NONE,
}


def _template_reading(text: str) -> TextAnalysis:
    """What the text model makes of a rating sentence: the opposite sentiment, statements, severity."""
    redacted = text.replace("Dr Jones", "[PERSON]")
    return TextAnalysis(
        quality_statements=[
            QualityStatementScore(id="well_led.capable_leaders", score=0.95, method="rules"),
            QualityStatementScore(id="safe.safeguarding", score=0.9, method="rules"),
        ],
        key_questions=[KeyQuestion.WELL_LED, KeyQuestion.SAFE],
        themes=["leadership"],
        cross_cutting_themes=["workforce"],
        sentiment=Sentiment(label=SentimentLabel.POSITIVE, score=0.7),
        severity=Severity(level=SeverityLevel.HIGH, reasons=["safeguarding"], matches=["Safe"]),
        redacted_text=redacted,
        redactions={"PERSON": 1} if redacted != text else {},
        lemmas=redacted.lower(),
    )


def redact_text(text: str) -> str:
    return redact(text).text


def _inspection(rating: Rating, key_question: KeyQuestion | None, text: str):  # type: ignore[no-untyped-def]
    reference = f"1-55:{key_question or 'overall'}:2024-05-01"
    item = received(
        reference,
        text=text,
        provider=ProviderRef(location_id="1-55", name="Dr Jones Surgery"),
        inspection=InspectionFinding(
            key_question=key_question, rating=rating, previous_rating=Rating.GOOD, report_date=NOW
        ),
    ).model_copy(
        update={
            "source_type": SourceType.INSPECTION_RESULT,
            "evidence_id": evidence_id_for(SourceType.INSPECTION_RESULT, reference),
        }
    )
    resolution = resolve(item, None, ProviderGazetteer(()))
    return build_classified(
        item, _template_reading(text), resolution, "caresignal_evidence", "1.2.0", NOW, redact_text
    )


@pytest.mark.parametrize("rating", list(Rating))
def test_inspection_result_sentiment_comes_from_its_rating(rating: Rating) -> None:
    classified = _inspection(rating, KeyQuestion.WELL_LED, f"Well-led rating for X: {rating.value}.")
    assert classified.sentiment.label is EXPECTED_SENTIMENT[rating]
    assert (classified.sentiment.score, classified.sentiment.method) == (1.0, "rating")
    assert classified.inspection is not None and classified.inspection.rating is rating
    assert classified.inspection.previous_rating is Rating.GOOD
    assert classified.inspection.report_date == NOW


def test_inspection_result_asserts_no_statement_theme_or_severity_from_template_words() -> None:
    classified = _inspection(
        Rating.INADEQUATE,
        KeyQuestion.SAFE,
        "Overall rating for Y: Inadequate; Safe: Inadequate; Well-led: Good.",
    )
    assert classified.quality_statements == []
    assert (classified.themes, classified.cross_cutting_themes) == ([], [])
    assert classified.severity == Severity(level=SeverityLevel.NORMAL)
    assert classified.key_questions == [KeyQuestion.SAFE]
    assert classified.evidence_category.value == "observation"


def test_overall_rating_names_no_key_question() -> None:
    classified = _inspection(Rating.GOOD, None, "Overall rating for Y: Good.")
    assert classified.key_questions == []
    assert classified.sentiment.label is SentimentLabel.POSITIVE


def test_inspection_result_text_is_still_redacted() -> None:
    classified = _inspection(Rating.GOOD, None, "Overall rating for Dr Jones Surgery: Good.")
    assert classified.text == "Overall rating for [PERSON] Surgery: Good."
    assert classified.redactions == {"PERSON": 1}
    assert "jones" not in classified.lemmas


def test_soft_intelligence_keeps_the_model_reading() -> None:
    item = received(text="Staff at Dr Jones Surgery ignored a safeguarding concern.")
    resolution = resolve(item, None, ProviderGazetteer(()))
    analysis = _template_reading(item.text)
    classified = build_classified(
        item, analysis, resolution, "caresignal_evidence", "1.2.0", NOW, redact_text
    )
    assert classified.sentiment == analysis.sentiment and classified.sentiment.method == "model"
    assert [score.id for score in classified.quality_statements] == [
        "well_led.capable_leaders",
        "safe.safeguarding",
    ]
    assert classified.severity.level is SeverityLevel.HIGH
