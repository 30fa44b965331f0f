"""Location reference records: a CQC location with its current ratings and areas (compacted topic)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from schemas.common import AreaRef, Event, Frozen, KeyQuestion, Rating, UtcDatetime


class KeyQuestionRating(Frozen):
    rating: Rating
    report_date: UtcDatetime | None = None


class GeoPoint(Frozen):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class LocationReference(Event):
    """Latest known state of a CQC location; keyed by location id on a compacted topic."""

    event_type: ClassVar[str] = "uk.caresignal.location.reference.v1"

    location_id: str = Field(min_length=1)
    provider_id: str | None = None
    provider_name: str | None = None
    name: str
    location_type: str | None = Field(
        default=None, description="e.g. 'Social Care Org', 'NHS Healthcare Organisation'."
    )
    registration_status: str | None = None
    postal_code: str | None = None
    area: AreaRef = Field(default_factory=AreaRef)
    geo: GeoPoint | None = None
    overall_rating: KeyQuestionRating | None = None
    key_question_ratings: dict[KeyQuestion, KeyQuestionRating] = Field(default_factory=dict)
    last_inspection_at: UtcDatetime | None = Field(default=None, description="When it was last inspected.")
    care_home: bool | None = Field(default=None, description="CQC's care-home flag; None when not given.")
    number_of_beds: int | None = Field(default=None, ge=0, description="Registered beds (care homes).")
    version: int = Field(
        ge=0, description="Monotonic version (ms since epoch of the source's last update); newer wins."
    )
