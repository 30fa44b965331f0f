"""Request and response shapes of the query API (also rendered by the CLI)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from schemas import (
    AreaRef,
    EvidenceCategory,
    EvidenceKind,
    InspectionFinding,
    KeyQuestion,
    ProviderRef,
    Rating,
    SentimentLabel,
    SeverityLevel,
    SourceType,
)


class Shape(BaseModel):
    model_config = ConfigDict(frozen=True)


class SortOrder(StrEnum):
    RELEVANCE = "relevance"
    DATE = "date"


def _as_list(value: Any) -> Any:
    """A single value where a list is expected (e.g. from the CLI) becomes a list of one."""
    return [value] if isinstance(value, str) else value


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
    evidence_kind: EvidenceKind | None = Field(
        default=None,
        description="'soft_intelligence' (what people tell us) or 'inspection_result' (published ratings).",
    )
    source_type: Annotated[list[SourceType] | None, BeforeValidator(_as_list)] = Field(
        default=None, description="One or more source types (repeat the parameter); any of them matches."
    )
    rating: Rating | None = Field(default=None, description="An inspection result's published rating.")
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
    sentiment_method: str = Field(
        description="'model' (read from the text) or 'rating' (inspection results)."
    )
    severity: SeverityLevel
    severity_reasons: list[str]
    evidence_category: EvidenceCategory
    inspection: InspectionFinding | None = Field(
        description="For inspection results: the rating, the rating it replaced, the report date, the key "
        "question (null for the overall rating)."
    )
    model_version: str


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
    sentiment: dict[str, int] = Field(description="Items per sentiment label (labels with no items omitted).")


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


class SoftIntelligence(Shape):
    """What people tell us about one area or provider (no inspection results), against England."""

    counts: str = Field(description="What every number in this section counts, in words.")
    source_types: list[SourceType] = Field(description="The source types counted.")
    search: dict[str, str] = Field(description="Search API parameters that return the items counted.")
    total: int
    by_source_type: list[FacetBucket]
    by_key_question: list[FacetBucket]
    by_quality_statement: list[CountBySentiment]
    monthly: list[MonthCount]
    top_providers_negative: list[ProviderCount]
    top_providers_high_severity: list[ProviderCount]
    compared_with_england: list[NegativeShare]
    emerging_terms: list[EmergingTerm]


class RatingChange(Shape):
    """A published rating that replaced a different one."""

    evidence_id: str
    location_id: str | None
    name: str | None
    key_question: KeyQuestion | None = Field(description="null for the overall rating.")
    previous_rating: Rating
    rating: Rating
    report_date: datetime
    direction: str = Field(description="'improved', 'declined', or 'changed' (to or from not rated).")


class RatingChanges(Shape):
    """Ratings published in the profile's period that differ from the rating before them."""

    improved: int
    declined: int
    changed: int = Field(description="Changes to or from 'Inspected but not rated'.")
    latest: list[RatingChange] = Field(description="The most recent changes, newest first.")


class InspectionResults(Shape):
    """CQC's published ratings of the registered locations in scope: facts, not what people say."""

    counts: str = Field(description="What every number in this section counts, in words.")
    search: dict[str, str] = Field(description="Search API parameters that return the inspection results.")
    locations: int = Field(description="Registered locations in scope.")
    current_overall: list[FacetBucket] = Field(
        description="Registered locations by current overall rating ('No published rating' when none is)."
    )
    current_by_key_question: dict[str, list[FacetBucket]] = Field(
        description="Registered locations by current rating of each key question (rated ones only)."
    )
    changes: RatingChanges
    since_last_inspection: list[FacetBucket] = Field(
        description="Registered locations by time since their last inspection, as of the profile's date_to "
        "('unknown' when the record gives no inspection date)."
    )
    statements_by_key_question: dict[str, list[str]] = Field(
        description="The quality statements each key question covers. A key-question rating is about the "
        "whole key question: it is not evidence for any one of its statements."
    )


class AreaInfo(Shape):
    code: str
    name: str
    level: str = Field(description="'local_authority', 'icb' or 'region'.")
    resolved_from: str | None = Field(
        default=None, description="The district code or name asked for, if any."
    )


class Period(Shape):
    """The time the profile covers: items that occurred (ratings published) in [date_from, date_to)."""

    date_from: datetime
    date_to: datetime


class AreaProfile(Shape):
    area: AreaInfo
    period: Period
    soft_intelligence: SoftIntelligence
    inspection_results: InspectionResults


class LocationRatings(Shape):
    location_id: str
    name: str
    provider_id: str | None
    registration_status: str | None
    overall: str | None
    key_questions: dict[str, str]
    last_inspection_at: datetime | None
    area: AreaRef


class ProviderProfile(Shape):
    id: str
    kind: str = Field(description="'provider' or 'location'.")
    period: Period
    soft_intelligence: SoftIntelligence
    inspection_results: InspectionResults
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
