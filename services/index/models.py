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
    cluster: str | None = Field(
        default=None,
        description="A near-duplicate cluster (its first item's evidence id): every copy in it.",
    )


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
    cluster_id: str | None = Field(
        default=None, description="Its near-duplicate cluster: the evidence id of the cluster's first item."
    )
    similar: int | None = Field(
        default=None,
        description="Collapsed searches only: how many other matching items are copies in its cluster "
        "(search with `cluster` to list them).",
    )


class SearchPage(Shape):
    total: int = Field(description="Matching items, every copy counted.")
    clusters: int | None = Field(
        default=None,
        description="Distinct near-duplicate clusters among the `total` items: what a collapsed search pages "
        "through (approximate above 12,000).",
    )
    collapsed: bool = Field(
        default=False,
        description="True: one hit per near-duplicate cluster (with `similar`); false: every copy.",
    )
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


class ChangeFlag(StrEnum):
    UP = "up"
    DOWN = "down"


class MonthCount(Shape):
    month: str = Field(description="YYYY-MM")
    total: int
    negative: int
    high_severity: int
    negative_share: float | None
    interval_low: float | None = Field(description="95% Wilson interval of the negative share.")
    interval_high: float | None
    volume_change: ChangeFlag | None = Field(
        description="Set when the count differs from the three months before beyond noise (q < 0.05)."
    )
    volume_q: float | None
    negative_share_change: ChangeFlag | None = Field(
        description="Set when the negative share differs from the three months before beyond noise."
    )
    negative_share_q: float | None


class Trend(Shape):
    counts: str = Field(description="What the months count.")
    method: str = Field(description="The interval and the tests behind the change flags, in words.")
    minimum_items: int = Field(
        description="Items a month (and its baseline) needs for its share to be tested."
    )
    months: list[MonthCount] = Field(
        description="Every month of the period, oldest first (empty months too)."
    )


class ProviderCount(Shape):
    location_id: str
    name: str | None
    count: int


class ComparisonFlag(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NO_CLEAR_DIFFERENCE = "no_clear_difference"
    TOO_FEW_ITEMS = "too_few_items"


class Share(Shape):
    """negative of total items, with the share's 95% Wilson interval."""

    negative: int
    total: int
    share: float | None
    interval_low: float | None
    interval_high: float | None


class Comparison(Shape):
    """One quality statement or key question: the area against the rest of the comparator."""

    key: str
    title: str
    area: Share
    comparator: Share = Field(description="The comparator without the area (an independent sample).")
    difference: float | None = Field(description="area share − comparator share.")
    shrunken_share: float | None = Field(
        description="The area's share shrunk towards the comparator's (empirical Bayes): the ranking key."
    )
    prior_strength: float | None = Field(description="Items' worth of weight the comparator's share gets.")
    p_value: float | None = Field(description="Fisher's exact test, two-sided; null when not tested.")
    q_value: float | None = Field(description="Benjamini–Hochberg adjusted across the rows tested.")
    flag: ComparisonFlag


class ComparisonSet(Shape):
    """The area against one comparator, by quality statement or by key question, ranked."""

    by: str = Field(description="'quality_statement' or 'key_question'.")
    comparator: str = Field(description="'england' or 'region'.")
    comparator_code: str | None
    comparator_name: str
    counts: str
    method: str
    minimum_items: int
    confidence_level: float
    false_discovery_rate: float
    rows: list[Comparison]


class EmergingTerm(Shape):
    term: str = Field(description="A lemma, as search matches it.")
    count: int = Field(description="Recent items using it.")
    recent_items: int = Field(description="Recent items in all.")
    earlier_count: int = Field(description="Earlier items using it.")
    earlier_items: int = Field(description="Earlier items in all.")
    p_value: float = Field(description="Fisher's exact test, one-sided: more common recently than before.")
    q_value: float = Field(description="Benjamini–Hochberg adjusted across the candidate terms.")
    search: dict[str, str] = Field(description="Search API parameters that return its recent items.")


class EmergingTerms(Shape):
    counts: str
    method: str
    recent_from: datetime = Field(description="Start of the recent window (it ends with the period).")
    recent_items: int
    earlier_items: int
    minimum_recent_items: int
    minimum_earlier_items: int
    minimum_term_items: int
    status: str = Field(description="'ok', or why no terms could be judged (too few items).")
    terms: list[EmergingTerm]


class PerCapacity(Shape):
    """Soft intelligence per unit of regulated capacity, beside the raw counts."""

    counts: str = Field(description="What is divided by what, in words.")
    items: int
    registered_locations: int
    items_per_location: float | None
    england_items_per_location: float | None
    care_homes: int = Field(description="Registered care homes whose CQC record gives a bed count.")
    care_home_beds: int
    care_home_items: int = Field(description="Items about those care homes.")
    care_home_items_per_100_beds: float | None


class SoftIntelligence(Shape):
    """What people tell us about one area or provider (no inspection results), with comparisons."""

    counts: str = Field(description="What every number in this section counts, in words.")
    source_types: list[SourceType] = Field(description="The source types counted.")
    search: dict[str, str] = Field(description="Search API parameters that return the items counted.")
    total: int = Field(description="Items, every copy counted (raw).")
    concerns: int = Field(
        default=0,
        description="De-duplicated: distinct concerns, a near-duplicate cluster (a campaign's copies, a "
        "story posted on several platforms) counted once (approximate above 3,000).",
    )
    negative_concerns: int = Field(default=0, description="De-duplicated: distinct negative concerns.")
    by_source_type: list[FacetBucket]
    by_key_question: list[FacetBucket]
    by_quality_statement: list[CountBySentiment]
    trend: Trend
    top_providers_negative: list[ProviderCount]
    top_providers_high_severity: list[ProviderCount]
    comparisons: list[ComparisonSet] = Field(
        description="Negative share against England and the region, by quality statement and key question."
    )
    emerging_terms: EmergingTerms


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
    per_capacity: PerCapacity


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
    per_capacity: PerCapacity
    locations: list[LocationRatings]


class AreaActivity(Shape):
    """One council's soft intelligence in the latest window and the one before it."""

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
    """Every council's recent soft intelligence (inspection results are not counted), for the England
    overview."""

    counts: str = Field(description="What the numbers count, in words.")

    window_start: datetime | None = Field(description="Start of the latest window (null without evidence).")
    window_end: datetime | None = Field(description="End of the latest window: just after the newest item.")
    window_days: int
    areas: list[AreaActivity] = Field(description="All 153 councils, in reference order.")
