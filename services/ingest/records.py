"""What flows through ingest: records as read, and what each record became."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas.evidence import EvidenceReceived
from schemas.locations import LocationReference
from services.common.errors import PoisonMessageError


class RecordError(PoisonMessageError):
    """A record is invalid; `code` names the kind of problem (the dead letter's error_type)."""

    def __init__(self, reason: str, code: str = "InvalidRecord") -> None:
        super().__init__(reason, code)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class SourceRecord:
    """One record as read: where it came from, its original bytes, and its decoded fields (or why not)."""

    reference: str
    raw: bytes
    fields: Mapping[str, Any] | None = None
    error: RecordError | None = None


@dataclass(frozen=True)
class RatingSeen:
    """A rating of one location for one key question ('overall' or a KeyQuestion value) at a report date."""

    location_id: str
    question: str
    report_date: datetime
    rating: str


@dataclass(frozen=True)
class MappingContext:
    """What a mapper may know beyond the record itself."""

    received_at: datetime
    reference: str
    ratings_seen: tuple[RatingSeen, ...] = ()
    fetched_at: datetime | None = None


@dataclass(frozen=True)
class Mapped:
    """The events one record became; `ignored` explains a record that is valid but out of scope."""

    evidence: tuple[EvidenceReceived, ...] = ()
    locations: tuple[LocationReference, ...] = ()
    ratings: tuple[RatingSeen, ...] = ()
    ignored: str | None = None


@dataclass(frozen=True)
class Outcome:
    """A record together with what it became, or the error that rejected it."""

    record: SourceRecord
    mapped: Mapped = field(default_factory=Mapped)
    error: RecordError | None = None
