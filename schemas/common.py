"""The envelope every event shares, and the small value types events are built from."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _as_utc(value: datetime) -> datetime:
    """Refuse naive datetimes and normalise aware ones to UTC."""
    if value.tzinfo is None:
        raise ValueError("datetime must carry a timezone (UTC offset)")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Frozen(BaseModel):
    """Immutable model that ignores unknown fields, so consumers tolerate additive changes."""

    model_config = ConfigDict(frozen=True, extra="ignore", use_enum_values=False)


class Event(Frozen):
    """Envelope shared by every event on every topic."""

    event_type: ClassVar[str] = "caresignal.event"
    schema_revision: ClassVar[str] = "1.0"  # major.minor of the JSON Schema; the minor grows with additions

    event_id: UUID = Field(description="Unique id of this event; deterministic where the fact is.")
    schema_version: Literal["1"] = "1"
    occurred_at: UtcDatetime = Field(description="When the fact happened (UTC).")
    source: str = Field(description="Producer of the event, e.g. 'caresignal/ingest/healthwatch'.")
    correlation_id: UUID | None = Field(default=None, description="Id shared by events about one item.")


class KeyQuestion(StrEnum):
    """CQC's five key questions, with the ids used in quality_statements.csv."""

    SAFE = "safe"
    EFFECTIVE = "effective"
    CARING = "caring"
    RESPONSIVE = "responsive"
    WELL_LED = "well_led"


KEY_QUESTIONS: tuple[KeyQuestion, ...] = tuple(KeyQuestion)


class Rating(StrEnum):
    """CQC ratings, spelt as CQC publishes them; the first four are ordered best to worst."""

    OUTSTANDING = "Outstanding"
    GOOD = "Good"
    REQUIRES_IMPROVEMENT = "Requires improvement"
    INADEQUATE = "Inadequate"
    INSPECTED_NOT_RATED = "Inspected but not rated"
    NO_PUBLISHED_RATING = "No published rating"

    @property
    def rank(self) -> int | None:
        """0 for Outstanding .. 3 for Inadequate; None where there is no graded rating."""
        order = [Rating.OUTSTANDING, Rating.GOOD, Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE]
        return order.index(self) if self in order else None


class ProviderRef(Frozen):
    """What an item says about the provider or location it concerns."""

    location_id: str | None = Field(default=None, description="CQC location id, e.g. '1-101641329'.")
    provider_id: str | None = Field(default=None, description="CQC provider id.")
    name: str | None = Field(default=None, description="Provider or service name as given.")


class AreaRef(Frozen):
    """Administrative areas an item concerns; codes are ONS GSS codes (E06/E08/E09/E10, E54, E12)."""

    local_authority_code: str | None = None
    local_authority_name: str | None = None
    icb_code: str | None = None
    icb_name: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    place: str | None = Field(default=None, description="Free-text place as given by the source.")
