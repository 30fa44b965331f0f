"""A fake analyser: deterministic analyses without spaCy but with the real redactor; fails on 'EXPLODE'."""

from __future__ import annotations

from collections.abc import Sequence

from schemas.common import KeyQuestion
from schemas.evidence import QualityStatementScore, Sentiment, SentimentLabel, Severity, SeverityLevel
from services.classify.analyser import TextAnalysis
from services.common.redaction import redact


class FakeAnalyser:
    """Fixed statements and sentiment, real redaction; raises on any batch holding a text with 'EXPLODE'."""

    model_name = "fake_evidence"
    model_version = "0.0.1"

    def __init__(self) -> None:
        self.batches: list[int] = []

    def analyse(self, texts: Sequence[str]) -> list[TextAnalysis]:
        self.batches.append(len(texts))
        if any("EXPLODE" in text for text in texts):
            raise ValueError("the model cannot read this text")
        return [self._one(text) for text in texts]

    def redact(self, text: str) -> str:
        return redact(text).text

    @staticmethod
    def _one(text: str) -> TextAnalysis:
        redaction = redact(text)
        return TextAnalysis(
            quality_statements=[QualityStatementScore(id="safe.safeguarding", score=0.9)],
            key_questions=[KeyQuestion.SAFE],
            sentiment=Sentiment(label=SentimentLabel.NEGATIVE, score=0.8),
            severity=Severity(level=SeverityLevel.NORMAL),
            redacted_text=redaction.text,
            redactions=redaction.counts,
            lemmas=redaction.text.lower(),
        )
