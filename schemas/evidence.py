"""Evidence events: raw items as received, and the same items once classified."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID, uuid5

from pydantic import Field, field_validator

from schemas.common import AreaRef, Event, Frozen, KeyQuestion, ProviderRef, Rating, UtcDatetime

MAX_TEXT_CHARS = 20_000
EVIDENCE_NAMESPACE = UUID("6f1c1f4e-7d1a-5b8e-9a57-3c2a8f0d4b21")


class EvidenceKind(StrEnum):
    """What an item is: what people tell us (soft intelligence) or a rating CQC published."""

    SOFT_INTELLIGENCE = "soft_intelligence"
    INSPECTION_RESULT = "inspection_result"


class SourceType(StrEnum):
    """The four kinds of evidence CareSignal ingests."""

    INSPECTION_RESULT = "inspection_result"
    HEALTHWATCH_FEEDBACK = "healthwatch_feedback"
    CALL_CENTRE_NOTE = "call_centre_note"
    SOCIAL_MEDIA_COMMENT = "social_media_comment"

    @property
    def kind(self) -> EvidenceKind:
        if self is SourceType.INSPECTION_RESULT:
            return EvidenceKind.INSPECTION_RESULT
        return EvidenceKind.SOFT_INTELLIGENCE


def source_types_of(kind: EvidenceKind) -> tuple[SourceType, ...]:
    """The source types of one kind of evidence, in declaration order."""
    return tuple(source for source in SourceType if source.kind is kind)


class AuthorRole(StrEnum):
    """Who gave the evidence; drives the evidence category."""

    PERSON_USING_SERVICE = "person_using_service"
    RELATIVE_OR_CARER = "relative_or_carer"
    MEMBER_OF_PUBLIC = "member_of_public"
    STAFF = "staff"
    WHISTLEBLOWER = "whistleblower"
    PROFESSIONAL = "professional"
    INSPECTOR = "inspector"
    UNKNOWN = "unknown"


def evidence_id_for(source_type: SourceType | str, source_reference: str) -> UUID:
    """Deterministic evidence id: uuid5 of source type and source reference."""
    return uuid5(EVIDENCE_NAMESPACE, f"{SourceType(source_type).value}:{source_reference}")


class InspectionFinding(Frozen):
    """One published rating of a location, with the rating it replaced if it changed."""

    key_question: KeyQuestion | None = Field(default=None, description="None for the overall rating.")
    rating: Rating
    previous_rating: Rating | None = None
    report_date: UtcDatetime | None = None
    report_link_id: str | None = None


def text_not_blank(value: str) -> str:
    """The validator of every evidence text: white space alone is no text."""
    if not value.strip():
        raise ValueError("text is blank")
    return value


class EvidenceReceived(Event):
    """One item of evidence as received from a source, text kept as given (raw topic, short retention)."""

    event_type: ClassVar[str] = "uk.caresignal.evidence.received.v1"

    evidence_id: UUID = Field(description="uuid5(source_type:source_reference); also the Kafka key.")
    source_type: SourceType
    source_reference: str = Field(min_length=1, max_length=500, description="Id of the item at its source.")
    received_at: UtcDatetime
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    provider: ProviderRef = Field(default_factory=ProviderRef)
    area: AreaRef = Field(default_factory=AreaRef)
    author_role: AuthorRole = AuthorRole.UNKNOWN
    inspection: InspectionFinding | None = Field(default=None, description="Set for inspection results.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Source-specific extras.")

    _text_not_blank = field_validator("text")(text_not_blank)


class SentimentLabel(StrEnum):
    """`mixed`: clearly positive and clearly negative parts in one item (added in 1.1); `none`: nothing to
    judge, an inspection result without a graded rating (added in 1.1)."""

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"
    MIXED = "mixed"
    NONE = "none"


class Sentiment(Frozen):
    label: SentimentLabel
    score: float = Field(
        ge=0.0, le=1.0, description="Confidence in the label (a probability for short items)."
    )
    polarity: float | None = Field(
        default=None,
        ge=-1.0,
        le=1.0,
        description="Graded sentiment from -1 (wholly negative) to 1 (wholly positive); added in 1.1.",
    )
    method: str = Field(
        default="model",
        description="'model' (read from the text) or 'rating' (an inspection result's rating).",
    )


class SegmentEvidence(Frozen):
    """One segment (a sentence or two) of a long item and what it contributed; added in 1.1."""

    start: int = Field(ge=0, description="Offset of the segment in the item's `text` (the redacted text).")
    end: int = Field(ge=0, description="End offset (exclusive) in `text`.")
    text: str = Field(description="The segment, redacted: `text[start:end]`.")
    quality_statements: list[str] = Field(
        default_factory=list, description="Quality statements this segment triggered."
    )
    severity_reasons: list[str] = Field(default_factory=list, description="Severity reasons found in it.")
    sentiment: Sentiment


RATING_SENTIMENT: dict[Rating, SentimentLabel] = {
    Rating.OUTSTANDING: SentimentLabel.POSITIVE,
    Rating.GOOD: SentimentLabel.POSITIVE,
    Rating.REQUIRES_IMPROVEMENT: SentimentLabel.NEGATIVE,
    Rating.INADEQUATE: SentimentLabel.NEGATIVE,
}


def rating_sentiment(rating: Rating | None) -> Sentiment:
    """Outstanding/Good → positive, Requires improvement/Inadequate → negative, anything else → none."""
    label = RATING_SENTIMENT.get(rating, SentimentLabel.NONE) if rating else SentimentLabel.NONE
    polarity = {SentimentLabel.POSITIVE: 1.0, SentimentLabel.NEGATIVE: -1.0}.get(label)
    return Sentiment(label=label, score=1.0, polarity=polarity, method="rating")


SEVERITY_REASONS: tuple[str, ...] = (
    "abuse",
    "sexual_abuse",
    "financial_abuse",
    "neglect",
    "restraint",
    "medication_error",
    "unexplained_injury",
    "environmental_danger",
    "closed_culture",
    "serious_harm",
    "death",
    "safeguarding",
    "unsafe_staffing",
)


class SeverityLevel(StrEnum):
    HIGH = "high"
    NORMAL = "normal"


class Severity(Frozen):
    level: SeverityLevel
    reasons: list[str] = Field(default_factory=list, description="e.g. 'abuse', 'safeguarding', 'death'.")
    matches: list[str] = Field(default_factory=list, description="Text spans that triggered the reasons.")


class Restriction(Frozen):
    """Whether only the `sensitive` role (and `admin`) may see an item, and why: the rule records itself."""

    restricted: bool = False
    reasons: list[str] = Field(
        default_factory=list, description="What made it restricted, e.g. 'author_role:whistleblower'."
    )
    rule: str = Field(default="", description="The rule and its settings, e.g. 'restriction-v1'.")


class EvidenceCategory(StrEnum):
    """CQC's six evidence categories."""

    PEOPLES_EXPERIENCE = "peoples_experience"
    FEEDBACK_FROM_STAFF_AND_LEADERS = "feedback_from_staff_and_leaders"
    FEEDBACK_FROM_PARTNERS = "feedback_from_partners"
    OUTCOMES = "outcomes"
    PROCESSES = "processes"
    OBSERVATION = "observation"


class QualityStatementScore(Frozen):
    id: str = Field(description="Quality statement id, e.g. 'safe.safeguarding'.")
    score: float = Field(ge=0.0, le=1.0)
    method: str = Field(default="model", description="'model' or 'rules'.")


class DuplicateKind(StrEnum):
    """How an item relates to the first item of its near-duplicate cluster; added in 1.2."""

    ORIGINAL = "original"  # the first item seen of its cluster (alone so far, or the one copies point at)
    EXACT = "exact"  # the same normalised text (case, spacing, URLs, handles and hashtags aside)
    NEAR = "near"  # similar enough to be a copy with edits, not the same


class Duplication(Frozen):
    """The near-duplicate cluster of an item within its local authority and the horizon; added in 1.2."""

    cluster_id: UUID = Field(
        description="Evidence id of the cluster's first item (the canonical item); the item's own id for "
        "an original."
    )
    kind: DuplicateKind
    similarity: float = Field(
        ge=0.0, le=1.0, description="Estimated Jaccard similarity (MinHash) to the cluster's first item."
    )
    author: str | None = Field(
        default=None,
        description="Pseudonymous author token: a keyed hash (the deployment's author key) of the source "
        "type and the author's handle, only to count distinct authors in a cluster; absent when the "
        "source names no author. Added in 1.2.",
    )


class EvidenceClassified(Event):
    """An evidence item after classification, redaction and area resolution (indexed downstream)."""

    event_type: ClassVar[str] = "uk.caresignal.evidence.classified.v1"
    # 1.1: sentiment `mixed` and `polarity`, `segments`; 1.2: `duplication`; 1.3: `restriction`
    schema_revision: ClassVar[str] = "1.3"

    evidence_id: UUID
    source_type: SourceType
    source_reference: str
    received_at: UtcDatetime
    classified_at: UtcDatetime
    text: str = Field(description="Text with personal data replaced by typed placeholders, e.g. [PERSON].")
    redactions: dict[str, int] = Field(default_factory=dict, description="Count of redactions per kind.")
    lemmas: str = Field(default="", description="Space-separated lemmas of the redacted text.")
    provider: ProviderRef = Field(default_factory=ProviderRef)
    area: AreaRef = Field(default_factory=AreaRef)
    area_resolution: str = Field(
        default="unknown", description="'location_reference', 'given', 'gazetteer' or 'unknown'."
    )
    author_role: AuthorRole = AuthorRole.UNKNOWN
    inspection: InspectionFinding | None = None
    quality_statements: list[QualityStatementScore] = Field(default_factory=list)
    key_questions: list[KeyQuestion] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list, description="Local-authority assessment themes.")
    cross_cutting_themes: list[str] = Field(default_factory=list)
    sentiment: Sentiment
    severity: Severity
    segments: list[SegmentEvidence] = Field(
        default_factory=list,
        description="Long items only: their segments and what each triggered (why the item was classified "
        "so); empty for short items. Added in 1.1.",
    )
    evidence_category: EvidenceCategory
    duplication: Duplication | None = Field(
        default=None,
        description="Its near-duplicate cluster; absent for inspection results, texts too short to compare "
        "(under 25 normalised characters) and items classified before 1.2. Added in 1.2.",
    )
    restriction: Restriction | None = Field(
        default=None,
        description="Whether the item is restricted to the sensitive role, and by which rule. Added in 1.3; "
        "absent on items classified before (not restricted).",
    )
    model_name: str
    model_version: str
    metadata: dict[str, Any] = Field(default_factory=dict)


def read_inspection_result(event: EvidenceClassified) -> EvidenceClassified:
    """An inspection result's meaning from its published rating alone, never from its (template) text.

    Sentiment from the rating; the key question the rating is for (none for the overall rating); no quality
    statements, themes, severity reasons or segments, since a rating speaks to a whole key question and its
    words are a template. The redacted text and its lemmas stay, for search.
    """
    finding = event.inspection
    return event.model_copy(
        update={
            "sentiment": rating_sentiment(finding.rating if finding else None),
            "quality_statements": [],
            "key_questions": [finding.key_question] if finding and finding.key_question else [],
            "themes": [],
            "cross_cutting_themes": [],
            "severity": Severity(level=SeverityLevel.NORMAL),
            "segments": [],
        }
    )
