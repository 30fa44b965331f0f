"""The one entry point for classifying texts: `EvidenceAnalyser.load(model_dir).analyse(texts)`.

Used by the streaming worker (which adds evidence category, area and envelope) and by `caresignal
classify`. Callers depend on the `Classifier` protocol so tests can pass fakes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import Field

from schemas.common import Frozen, KeyQuestion
from schemas.evidence import (
    QualityStatementScore,
    SegmentEvidence,
    Sentiment,
    SentimentLabel,
    Severity,
    SeverityLevel,
)
from services.classify.registry import ModelNotFoundError, model_version_of
from services.classify.rollups import cross_cutting_themes, key_questions, themes

DEFAULT_BATCH_SIZE = 256
MAX_CHARS = 100_000  # longer inputs are cut (EvidenceReceived allows 20,000)


class TextAnalysis(Frozen):
    """Everything the NLP pipeline says about one text."""

    quality_statements: list[QualityStatementScore] = Field(default_factory=list)
    key_questions: list[KeyQuestion] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    cross_cutting_themes: list[str] = Field(default_factory=list)
    sentiment: Sentiment
    severity: Severity
    segments: list[SegmentEvidence] = Field(default_factory=list)
    redacted_text: str
    redactions: dict[str, int] = Field(default_factory=dict)
    lemmas: str = ""


@runtime_checkable
class Classifier(Protocol):
    """What the streaming agent and the CLI need from an analyser."""

    model_name: str
    model_version: str

    def analyse(self, texts: Sequence[str]) -> list[TextAnalysis]: ...

    def redact(self, text: str) -> str:
        """A short free-text field with personal data replaced (names, places and references)."""
        ...


def analysis_from_doc(doc, raw: str | None = None) -> TextAnalysis:
    """`doc`: a Doc of the assembled pipeline; `raw`: its text when the caller has it (Doc.text rebuilds it
    from every token, a measurable cost on long items)."""
    statements = sorted(doc._.statements or [], key=lambda item: (-item[1], item[0]))
    scores = [
        QualityStatementScore(id=sid, score=min(max(score, 0.0), 1.0), method=method)
        for sid, score, method in statements
    ]
    ids = [s.id for s in scores]
    label, probability, polarity = doc._.sentiment or ("neutral", 0.0, None)
    reasons = list(doc._.severity_reasons or [])
    raw = doc.text if raw is None else raw
    redaction = doc._.redaction
    if redaction is None:
        raise ValueError("the pipeline has no caresignal_redactor: nothing may leave it unredacted")
    redacted = redaction.text
    return TextAnalysis(
        quality_statements=scores,
        key_questions=key_questions(ids),
        themes=themes(ids, raw),
        cross_cutting_themes=cross_cutting_themes(ids, raw),
        sentiment=Sentiment(label=SentimentLabel(label), score=probability, polarity=polarity),
        severity=Severity(
            level=SeverityLevel.HIGH if reasons else SeverityLevel.NORMAL,
            reasons=reasons,
            matches=list(doc._.severity_matches or []),
        ),
        segments=[
            SegmentEvidence(
                start=segment.start,
                end=segment.end,
                text=redacted[segment.start : segment.end],
                quality_statements=list(segment.statements),
                severity_reasons=list(segment.severity_reasons),
                sentiment=Sentiment(
                    label=SentimentLabel(segment.sentiment[0]),
                    score=segment.sentiment[1],
                    polarity=segment.sentiment[2],
                ),
            )
            for segment in doc._.segment_evidence or []
        ],
        redacted_text=redacted,
        redactions=dict(redaction.counts),
        lemmas=doc._.lemmas or "",
    )


class EvidenceAnalyser:
    """Wraps the trained spaCy pipeline; safe to share across calls (not across processes)."""

    def __init__(self, nlp, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.nlp = nlp
        self.batch_size = batch_size
        self.model_name = str(nlp.meta.get("name", "caresignal_evidence"))
        self.model_version = model_version_of(nlp.meta)

    @classmethod
    def load(cls, model_dir: Path, batch_size: int = DEFAULT_BATCH_SIZE) -> EvidenceAnalyser:
        import spacy

        import services.classify.pipeline  # noqa: F401  (registers the custom components)

        model_dir = Path(model_dir)
        if not (model_dir / "meta.json").is_file():
            raise ModelNotFoundError(
                f"no trained model at {model_dir}: run `make model` or `caresignal train`, "
                "or set CARESIGNAL_MODEL_DIR / CARESIGNAL_MODEL_VERSION"
            )
        return cls(spacy.load(model_dir), batch_size=batch_size)

    def iter_analyse(self, texts: Sequence[str]) -> Iterator[TextAnalysis]:
        clipped = [text[:MAX_CHARS] for text in texts]
        for text, doc in zip(clipped, self.nlp.pipe(clipped, batch_size=self.batch_size), strict=True):
            yield analysis_from_doc(doc, text)

    def analyse(self, texts: Sequence[str]) -> list[TextAnalysis]:
        return list(self.iter_analyse(texts))

    def redact(self, text: str) -> str:
        return self.nlp.get_pipe("redactor").redact(text).text
