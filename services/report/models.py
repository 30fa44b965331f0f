"""The review pack's shape (GET /v1/areas/{code}/report, and what the HTML and PDF render).

Every section states what it counts and how (`method`, one line). Only redacted, indexed fields are
carried: quotes are the indexed (redacted) text, alerts carry their status and dates but no names or notes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from schemas import SentimentLabel, SourceType
from services.index.models import (
    AreaInfo,
    ChangeFlag,
    Comparison,
    FacetBucket,
    MonthCount,
    Period,
    RatingChange,
    Shape,
)


class Comparator(StrEnum):
    """What `--compare-with` puts beside the area's figures."""

    REGION = "region"
    ENGLAND = "england"


class NegativeShare(Shape):
    negative: int
    total: int
    share: float | None


class Quote(Shape):
    """One item's redacted text, chosen to be typical of its statement."""

    evidence_id: str
    occurred_at: datetime
    source_type: SourceType
    sentiment: SentimentLabel
    text: str
    link: str = Field(description="The item's page in the web app.")


class Standout(Shape):
    key: str
    title: str
    why: str = Field(description="'highest negative share' or 'largest rise in negative share'.")
    current: NegativeShare
    previous: NegativeShare


class Summary(Shape):
    method: str
    total: int
    previous_total: int
    by_source_type: list[FacetBucket]
    months: list[MonthCount]
    area: NegativeShare
    region_name: str | None
    region: NegativeShare | None
    england: NegativeShare
    standouts: list[Standout]
    locations: int
    current_overall: list[FacetBucket] = Field(description="Registered locations by current overall rating.")
    ratings_improved: int
    ratings_declined: int


class StatementRow(Shape):
    key: str
    title: str
    total: int
    sentiment: dict[str, int]
    current: NegativeShare
    previous: NegativeShare
    trend: str = Field(description="'up', 'down' or 'steady': the negative share against the period before.")
    quotes: list[Quote]


class TrendMonth(Shape):
    month: str = Field(description="YYYY-MM")
    total: int
    negative: int
    high_severity: int
    share: float | None
    interval_low: float | None = Field(description="95% Wilson interval of the negative share.")
    interval_high: float | None
    volume_change: ChangeFlag | None = Field(description="Against the three months before, beyond noise.")
    negative_share_change: ChangeFlag | None
    by_source_type: dict[str, int] = Field(description="Items per source (sources with none omitted).")
    comparator: NegativeShare | None = Field(
        description="The comparator without the area, the same month (with --compare-with)."
    )


class KeyQuestionMonths(Shape):
    key: str
    title: str
    months: list[NegativeShare] = Field(description="One per month of the trend, in its order.")


class TrendSection(Shape):
    method: str
    comparator_name: str | None
    months: list[TrendMonth]
    by_key_question: list[KeyQuestionMonths]


class ComparisonSection(Shape):
    """The area's negative share beside its region's or England's, as the area profile compares them."""

    method: str
    comparator: Comparator
    comparator_name: str
    by_key_question: list[Comparison]
    by_quality_statement: list[Comparison]


class KeyQuestionSection(Shape):
    key: str
    title: str
    current: NegativeShare
    previous: NegativeShare
    statements: list[StatementRow]


class Statements(Shape):
    method: str
    key_questions: list[KeyQuestionSection]


class ThemeRow(Shape):
    key: str
    title: str
    current: NegativeShare


class AssessmentTheme(Shape):
    key: str
    title: str
    current: NegativeShare
    statements: list[ThemeRow]


class Themes(Shape):
    method: str
    assessment: list[AssessmentTheme]
    cross_cutting: list[ThemeRow]


class ProviderToLook(Shape):
    location_id: str
    name: str | None
    negative: int
    high_severity: int
    downgrades: list[RatingChange]
    open_alerts: int


class Providers(Shape):
    method: str
    providers: list[ProviderToLook]


class AlertOutcome(Shape):
    """An alert raised in the period and where it stands (no names or notes: those are staff's)."""

    alert_id: str
    rule_kind: str
    subject: str = Field(description="The area or location code the alert is about.")
    severity: str
    reason: str
    raised_at: datetime
    status: str
    status_at: datetime | None
    versions: int
    link: str


class Alerts(Shape):
    method: str
    raised: int
    by_status: dict[str, int]
    alerts: list[AlertOutcome]


class SourceCoverage(Shape):
    source_type: SourceType
    items: int
    months_with_items: int
    first: datetime | None
    last: datetime | None
    silent: bool = Field(description="Items before, none in the last months of the period.")


class DataNotes(Shape):
    method: str
    months: int
    sources: list[SourceCoverage]
    silent_sources: list[SourceType]
    model_versions: list[FacetBucket]
    redaction: str


class AreaPack(Shape):
    """The review pack of one area and period, sections 1–7."""

    area: AreaInfo
    period: Period
    previous_period: Period
    generated_at: datetime
    marking: str
    summary: Summary
    trend: TrendSection
    comparison: ComparisonSection | None = Field(
        default=None, description="With compare_with: the area beside its region or England."
    )
    statements: Statements
    themes: Themes
    providers: Providers
    alerts: Alerts
    data_notes: DataNotes
