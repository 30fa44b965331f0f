"""Analysts' corrections of an item's labels (corrections.v1), and what an item looks like once corrected."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field, model_validator

from schemas.common import KEY_QUESTIONS, Event, Frozen, KeyQuestion
from schemas.evidence import (
    SEVERITY_REASONS,
    EvidenceClassified,
    QualityStatementScore,
    Sentiment,
    SentimentLabel,
    Severity,
    SeverityLevel,
)
from schemas.reference import quality_statements

ANALYST_METHOD = "analyst"


class CorrectionChange(Frozen):
    """What one analyst changed: statements added or removed, sentiment set, severity set or cleared."""

    add_quality_statements: list[str] = Field(default_factory=list)
    remove_quality_statements: list[str] = Field(default_factory=list)
    sentiment: SentimentLabel | None = Field(default=None, description="Set the sentiment to this.")
    severity: SeverityLevel | None = Field(
        default=None, description="'high' sets a high severity (with `severity_reasons`); 'normal' clears it."
    )
    severity_reasons: list[str] = Field(default_factory=list, description="Reasons for a high severity.")

    @model_validator(mode="after")
    def _coherent(self) -> CorrectionChange:
        known = {statement.id for statement in quality_statements()}
        unknown = (set(self.add_quality_statements) | set(self.remove_quality_statements)) - known
        if unknown:
            raise ValueError(f"unknown quality statements: {sorted(unknown)}")
        if set(self.add_quality_statements) & set(self.remove_quality_statements):
            raise ValueError("a quality statement cannot be both added and removed")
        if self.severity_reasons and self.severity is not SeverityLevel.HIGH:
            raise ValueError("severity reasons go with severity 'high'")
        if set(self.severity_reasons) - set(SEVERITY_REASONS):
            raise ValueError(
                f"unknown severity reasons: {sorted(set(self.severity_reasons) - set(SEVERITY_REASONS))}"
            )
        if not (
            self.add_quality_statements or self.remove_quality_statements or self.sentiment or self.severity
        ):
            raise ValueError("a correction must change something")
        return self


class CorrectedFields(Frozen):
    """Every label analysts have corrected on an item so far; None where the model's label stands."""

    quality_statements: list[str] | None = Field(
        default=None, description="The item's quality statements as analysts left them."
    )
    removed_quality_statements: list[str] = Field(
        default_factory=list, description="Statements analysts removed: known not to apply (training)."
    )
    sentiment: SentimentLabel | None = None
    severity: SeverityLevel | None = None
    severity_reasons: list[str] = Field(default_factory=list)

    def then(self, change: CorrectionChange, item: EvidenceClassified) -> CorrectedFields:
        """These corrections followed by `change`, made on `item` (the model's labels) as it is shown."""
        statements = self.quality_statements
        if change.add_quality_statements or change.remove_quality_statements:
            shown = [score.id for score in self.apply_to(item).quality_statements]
            kept = [sid for sid in shown if sid not in change.remove_quality_statements]
            statements = kept + [sid for sid in change.add_quality_statements if sid not in kept]
        removed = [sid for sid in self.removed_quality_statements if sid not in change.add_quality_statements]
        removed += [sid for sid in change.remove_quality_statements if sid not in removed]
        severity, reasons = self.severity, self.severity_reasons
        if change.severity is not None:
            severity, reasons = change.severity, list(change.severity_reasons)
        return CorrectedFields(
            quality_statements=statements,
            removed_quality_statements=removed,
            sentiment=change.sentiment or self.sentiment,
            severity=severity,
            severity_reasons=reasons,
        )

    def apply_to(self, item: EvidenceClassified) -> EvidenceClassified:
        """The item with these corrections over the model's labels (what search, profiles and alerts use).

        Statements the model also found keep its score and method; added ones are `method="analyst"`.
        Key questions follow the statements; themes keep the model's.
        """
        update: dict[str, object] = {}
        if self.quality_statements is not None:
            model_scores = {score.id: score for score in item.quality_statements}
            scores = [
                model_scores.get(sid) or QualityStatementScore(id=sid, score=1.0, method=ANALYST_METHOD)
                for sid in self.quality_statements
            ]
            update["quality_statements"] = scores
            update["key_questions"] = key_questions_of(sid for sid in self.quality_statements)
        if self.sentiment is not None and self.sentiment != item.sentiment.label:
            update["sentiment"] = Sentiment(label=self.sentiment, score=1.0)
        if self.severity is not None:
            high = self.severity is SeverityLevel.HIGH
            update["severity"] = Severity(
                level=self.severity,
                reasons=list(self.severity_reasons) if high else [],
                matches=list(item.severity.matches) if high else [],
            )
        return item.model_copy(update=update)


def key_questions_of(statement_ids) -> list[KeyQuestion]:
    """The key questions of these statements, in framework order."""
    by_statement = {statement.id: statement.key_question for statement in quality_statements()}
    found = {by_statement[sid] for sid in statement_ids if sid in by_statement}
    return [question for question in KEY_QUESTIONS if question.value in found]


class EvidenceCorrected(Event):
    """An analyst corrected an item's labels. `corrected` holds every correction of the item so far, so the
    latest event of an item is its whole corrected state; `item` is the item as the model classified it."""

    event_type: ClassVar[str] = "uk.caresignal.evidence.corrected.v1"
    # 1.1: `item` may carry `duplication` (EvidenceClassified 1.2); 1.2: and `restriction` (1.3)
    schema_revision: ClassVar[str] = "1.2"

    evidence_id: UUID = Field(description="The corrected item; also the Kafka key.")
    by: str = Field(min_length=1, description="Who corrected it (the signed-in or named person).")
    via: Literal["api", "web"] = Field(description="Where the correction was made.")
    api_key_id: str | None = Field(
        default=None, description="Fingerprint of the API key used (never the key itself)."
    )
    note: str | None = Field(default=None, max_length=2000)
    change: CorrectionChange
    corrected: CorrectedFields
    item: EvidenceClassified = Field(description="The item with the model's labels (redacted text).")

    def corrected_item(self) -> EvidenceClassified:
        return self.corrected.apply_to(self.item)
