"""EvidenceAnalyser on a rule-only pipeline (no trained model): contract of TextAnalysis and loading."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.evidence import SentimentLabel, SeverityLevel
from services.classify.analyser import Classifier, EvidenceAnalyser, ModelNotFoundError, TextAnalysis


def test_analyser_satisfies_classifier_protocol(rules_analyser) -> None:
    assert isinstance(rules_analyser, Classifier)
    assert rules_analyser.model_name and rules_analyser.model_version


def test_analyser_returns_one_analysis_per_text_in_order(rules_analyser) -> None:
    texts = [f"Comment {i}: my mum Jane was seen by Dr Patel, call 07700 900123." for i in range(300)]
    analyses = rules_analyser.analyse(texts)
    assert len(analyses) == 300
    assert all(isinstance(a, TextAnalysis) for a in analyses)
    assert analyses[7].redacted_text == "Comment 7: my mum [PERSON] was seen by Dr [PERSON], call [PHONE]."
    assert analyses[7].redactions == {"PERSON": 2, "PHONE": 1}
    assert analyses[7].lemmas.startswith("comment 7 my mum [PERSON] be see by dr [PERSON] call [PHONE]")


def test_analyser_without_sentiment_model_is_neutral(rules_analyser) -> None:
    (analysis,) = rules_analyser.analyse(["Fine."])
    assert analysis.sentiment.label is SentimentLabel.NEUTRAL
    assert analysis.severity.level is SeverityLevel.NORMAL
    assert analysis.quality_statements == []


def test_analyser_empty_batch(rules_analyser) -> None:
    assert rules_analyser.analyse([]) == []


def test_analyser_load_missing_model_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="caresignal train"):
        EvidenceAnalyser.load(tmp_path / "nowhere")


def test_analyser_severity_matches_come_from_the_redacted_text(rules_analyser) -> None:
    (analysis,) = rules_analyser.analyse(
        ["Carer Bogdan slapped Margaret Brown across the face. Call 07700 900123."]
    )
    assert analysis.severity.reasons == ["abuse"]
    assert analysis.severity.matches == ["slapped [PERSON]"]
    assert "Margaret" not in analysis.model_dump_json() and "Bogdan" not in analysis.model_dump_json()
