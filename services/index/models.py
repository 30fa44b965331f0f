"""Request and response shapes of the query API (also rendered by the CLI)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from schemas import (
    AreaRef,
    EvidenceCategory,
    InspectionFinding,
    KeyQuestion,
    ProviderRef,
    SentimentLabel,
    SeverityLevel,
    SourceType,
)


class Shape(BaseModel):
    model_config = ConfigDict(frozen=True)


class SortOrder(StrEnum):
    RELEVANCE = "relevance"
    DATE = "date"


class SearchFilters(Shape):
    """Every filter is optional; all given filters must hold (AND)."""

    local_authority: str | None = Field(
        default=None, description="Upper-tier local authority code (E06/E08/E09/E10)."
    )
    icb: str | None = Field(default=None, description="Integrated care board code (E54...).")
    region: str | None = Field(default=None, description="Region code (E12...).")
    provider_id: str | None = None
    location_id: str | None = None
    key_question: KeyQuestion | None = None
    quality_statement: str | None = Field(default=None, description="e.g. 'safe.safeguarding'.")
    theme: str | None = None
    cross_cutting_theme: str | None = None
    source_type: SourceType | None = None
    sentiment: SentimentLabel | None = None
    severity: SeverityLevel | None = None
    evidence_category: EvidenceCategory | None = None
    date_from: datetime | None = Field(default=None, description="occurred_at >= this.")
    date_to: datetime | None = Field(default=None, description="occurred_at < this.")


class FacetBucket(Shape):
    value: str
    count: int


class SearchHit(Shape):
    evidence_id: str
    score: float | None
    occurred_at: datetime
    source_type: SourceType
    source_reference: str
    text: str
    highlights: list[str]
    provider: ProviderRef
    area: AreaRef
    quality_statement_ids: list[str]
    key_questions: list[str]
    themes: list[str]
    sentiment: SentimentLabel
    severity: SeverityLevel
    severity_reasons: list[str]
    evidence_category: EvidenceCategory
    model_version: str
    inspection: InspectionFinding | None = Field(default=None, description="Set for inspection results.")


class SearchPage(Shape):
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetBucket]] = Field(
        description="Counts per facet value over the results filtered by everything but that facet's own "
        "filter (multi-select facets)."
    )
    monthly: list[FacetBucket] = Field(
        default_factory=list, description="Results per month of occurred_at (value YYYY-MM), oldest first."
    )
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class CountBySentiment(Shape):
    key: str
    total: int
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    mixed: int = 0


class MonthCount(Shape):
    month: str = Field(description="YYYY-MM")
    total: int
    negative: int
    high_severity: int


class ProviderCount(Shape):
    location_id: str
    name: str | None
    count: int


class NegativeShare(Shape):
    """Share of a quality statement's evidence that is negative, here and in England."""

    quality_statement: str
    count: int
    negative: int
    share: float | None
    england_count: int
    england_negative: int
    england_share: float | None
    difference: float | None = Field(description="share − england_share (percentage points / 100).")
    ratio: float | None = Field(description="share / england_share.")


class EmergingTerm(Shape):
    term: str
    count: int
    background_count: int
    score: float


class Lens(Shape):
    """What the evidence says about one area or one provider, against England."""

    total: int
    by_key_question: list[FacetBucket]
    by_quality_statement: list[CountBySentiment]
    monthly: list[MonthCount]
    top_providers_negative: list[ProviderCount]
    top_providers_high_severity: list[ProviderCount]
    compared_with_england: list[NegativeShare]
    emerging_terms: list[EmergingTerm]


class AreaInfo(Shape):
    code: str
    name: str
    level: str = Field(description="'local_authority', 'icb' or 'region'.")
    resolved_from: str | None = Field(
        default=None, description="The district code or name asked for, if any."
    )


class AreaProfile(Shape):
    area: AreaInfo
    evidence: Lens
    ratings: list[FacetBucket] = Field(description="Current overall ratings of the area's locations.")
    locations: int


class LocationRatings(Shape):
    location_id: str
    name: str
    provider_id: str | None
    overall: str | None
    key_questions: dict[str, str]
    area: AreaRef


class ProviderProfile(Shape):
    id: str
    kind: str = Field(description="'provider' or 'location'.")
    evidence: Lens
    locations: list[LocationRatings]


class AreaActivity(Shape):
    """One council's evidence in the latest window and the one before it."""

    code: str
    name: str
    region: str
    total: int
    negative: int
    high_severity: int
    previous_total: int
    previous_negative: int
    previous_high_severity: int
    open_alerts: int


class EnglandOverview(Shape):
    """Every council's recent evidence, for the England overview."""

    window_start: datetime | None = Field(description="Start of the latest window (null without evidence).")
    window_end: datetime | None = Field(description="End of the latest window: just after the newest item.")
    window_days: int
    areas: list[AreaActivity] = Field(description="All 153 councils, in reference order.")
