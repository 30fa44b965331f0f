"""CQC API location JSON (`GET /locations/{id}`) → LocationReference plus an inspection result per rating."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid5

from pydantic import ValidationError

from schemas.common import AreaRef, KeyQuestion, ProviderRef, Rating
from schemas.evidence import EVIDENCE_NAMESPACE, AuthorRole, InspectionFinding, SourceType
from schemas.locations import GeoPoint, KeyQuestionRating, LocationReference
from services.common.areas import resolve_area
from services.ingest.adapters.common import build_evidence, describe_validation_error
from services.ingest.fields import optional_datetime, optional_str, required_str
from services.ingest.records import Mapped, MappingContext, RatingSeen, RecordError

SOURCE_NAME = "cqc-api"
OVERALL = "overall"
QUESTION_LABELS = {
    OVERALL: "Overall",
    KeyQuestion.SAFE: "Safe",
    KeyQuestion.EFFECTIVE: "Effective",
    KeyQuestion.CARING: "Caring",
    KeyQuestion.RESPONSIVE: "Responsive",
    KeyQuestion.WELL_LED: "Well-led",
}
_QUESTION_ORDER = {question: position for position, question in enumerate(QUESTION_LABELS)}
_QUESTIONS_BY_NAME = {re.sub(r"[^a-z]", "", question.value): question for question in KeyQuestion}


@dataclass(frozen=True)
class PublishedRating:
    question: str
    rating: Rating
    report_date: datetime
    report_link_id: str | None


def question_named(name: Any) -> KeyQuestion | None:
    """'Well-led', 'well led', 'Safe' → KeyQuestion; matched by name, never by position."""
    return _QUESTIONS_BY_NAME.get(re.sub(r"[^a-z]", "", str(name).casefold())) if name else None


def location_id_of(fields: Mapping[str, Any]) -> str | None:
    return optional_str(fields, "locationId")


def map_location(fields: Mapping[str, Any], context: MappingContext) -> Mapped:
    """One location: its reference record, and an inspection result per (question, report date) rating."""
    location_id = required_str(fields, "locationId")
    name = required_str(fields, "name")
    now = context.received_at
    published = _published_ratings(fields, now)
    area = resolve_area(
        optional_str(fields, "localAuthority"),
        icb_code=optional_str(fields, "onspdIcbCode"),
        icb_name=optional_str(fields, "onspdIcbName"),
        region=optional_str(fields, "region"),
    )
    version_at = _last_update(fields, published, context)
    reference = _location_reference(fields, location_id, name, area, version_at, now)
    history = _history(location_id, published, context.ratings_seen)
    provider = ProviderRef(location_id=location_id, provider_id=optional_str(fields, "providerId"), name=name)
    metadata = {
        "location_type": optional_str(fields, "type"),
        "registration_status": optional_str(fields, "registrationStatus"),
        "inspection_areas": _inspection_area_names(fields.get("inspectionAreas")),
    }
    evidence = []
    for item in published:
        previous = _previous(history, item)
        evidence.append(
            build_evidence(
                source_type=SourceType.INSPECTION_RESULT,
                source_name=SOURCE_NAME,
                source_reference=f"{location_id}:{item.question}:{item.report_date.date().isoformat()}",
                occurred_at=item.report_date,
                text=_sentence(name, item, previous, published),
                context=context,
                provider=provider,
                area=area,
                author_role=AuthorRole.INSPECTOR,
                inspection=InspectionFinding(
                    key_question=None if item.question == OVERALL else KeyQuestion(item.question),
                    rating=item.rating,
                    previous_rating=previous,
                    report_date=item.report_date,
                    report_link_id=item.report_link_id,
                ),
                metadata={**metadata, "report_uri": _report_uri(fields, item.report_link_id)},
            )
        )
    ratings = tuple(
        RatingSeen(location_id, item.question, item.report_date, item.rating.value) for item in published
    )
    return Mapped(evidence=tuple(evidence), locations=(reference,), ratings=ratings)


def _published_ratings(fields: Mapping[str, Any], now: datetime) -> list[PublishedRating]:
    """Current and historic ratings with a report date, oldest first, one per (question, date)."""
    found: dict[tuple[str, datetime], PublishedRating] = {}
    current = _mapping(fields.get("currentRatings"))
    snapshots: list[tuple[Mapping[str, Any], Any, Any]] = []
    if current:
        overall = _mapping(current.get("overall"))
        snapshots.append(
            (overall, overall.get("reportDate") or current.get("reportDate"), overall.get("reportLinkId"))
        )
    for historic in _sequence(fields.get("historicRatings")):
        historic = _mapping(historic)
        snapshots.append(
            (_mapping(historic.get("overall")), historic.get("reportDate"), historic.get("reportLinkId"))
        )
    for overall, snapshot_date, snapshot_link in snapshots:
        entries = [(OVERALL, overall)] + [
            (question.value, _mapping(entry))
            for entry in _sequence(overall.get("keyQuestionRatings"))
            if (question := question_named(_mapping(entry).get("name"))) is not None
        ]
        for question, entry in entries:
            rating = _rating(entry.get("rating"))
            report_date = optional_datetime(entry.get("reportDate") or snapshot_date, "reportDate", now)
            if rating is None or rating is Rating.NO_PUBLISHED_RATING or report_date is None:
                continue
            link = optional_str(entry, "reportLinkId") or (str(snapshot_link) if snapshot_link else None)
            found.setdefault((question, report_date), PublishedRating(question, rating, report_date, link))
    return sorted(found.values(), key=lambda item: (item.report_date, _QUESTION_ORDER[item.question]))


def _history(
    location_id: str, published: list[PublishedRating], seen: Iterable[RatingSeen]
) -> dict[str, list[tuple[datetime, str]]]:
    """Every rating known for this location (this record and earlier versions seen), per question."""
    history: dict[str, dict[datetime, str]] = {}
    for item in seen:
        if item.location_id == location_id:
            history.setdefault(item.question, {})[item.report_date] = item.rating
    for item in published:
        history.setdefault(item.question, {})[item.report_date] = item.rating.value
    return {question: sorted(dated.items()) for question, dated in history.items()}


def _previous(history: dict[str, list[tuple[datetime, str]]], item: PublishedRating) -> Rating | None:
    """The rating this one replaced, when it differs."""
    earlier = [rating for when, rating in history.get(item.question, []) if when < item.report_date]
    if not earlier or earlier[-1] == item.rating.value:
        return None
    return _rating(earlier[-1])


def _sentence(
    name: str, item: PublishedRating, previous: Rating | None, published: list[PublishedRating]
) -> str:
    label = QUESTION_LABELS[item.question]
    text = f"{label} rating for {name}: {item.rating.value} (report {item.report_date.date()})"
    if item.question == OVERALL:
        same_report = [
            f"{QUESTION_LABELS[other.question]}: {other.rating.value}"
            for other in published
            if other.report_date == item.report_date and other.question != OVERALL
        ]
        text += "".join(f"; {part}" for part in same_report)
    if previous is not None:
        text += f"; previously {previous.value}"
    return text + "."


def _location_reference(
    fields: Mapping[str, Any],
    location_id: str,
    name: str,
    area: AreaRef,
    version_at: datetime,
    now: datetime,
) -> LocationReference:
    current = _mapping(_mapping(fields.get("currentRatings")).get("overall"))
    current_date = optional_datetime(
        current.get("reportDate") or _mapping(fields.get("currentRatings")).get("reportDate"),
        "reportDate",
        now,
    )
    overall = _rating(current.get("rating"))
    questions: dict[KeyQuestion, KeyQuestionRating] = {}
    for entry in _sequence(current.get("keyQuestionRatings")):
        entry = _mapping(entry)
        question, rating = question_named(entry.get("name")), _rating(entry.get("rating"))
        if question is not None and rating is not None:
            when = optional_datetime(entry.get("reportDate"), "reportDate", now) or current_date
            questions[question] = KeyQuestionRating(rating=rating, report_date=when)
    version = int(version_at.timestamp() * 1000)
    try:
        return LocationReference(
            event_id=uuid5(EVIDENCE_NAMESPACE, f"location:{location_id}:{version}"),
            occurred_at=version_at,
            source=f"caresignal/ingest/{SOURCE_NAME}",
            location_id=location_id,
            provider_id=optional_str(fields, "providerId"),
            name=name,
            location_type=optional_str(fields, "type"),
            registration_status=optional_str(fields, "registrationStatus"),
            postal_code=optional_str(fields, "postalCode"),
            area=area,
            geo=_geo(fields),
            overall_rating=KeyQuestionRating(rating=overall, report_date=current_date) if overall else None,
            key_question_ratings=questions,
            last_inspection_at=optional_datetime(
                _mapping(fields.get("lastInspection")).get("date"), "lastInspection.date", now
            ),
            care_home=_flag(fields.get("careHome")),
            number_of_beds=_beds(fields.get("numberOfBeds")),
            version=version,
        )
    except ValidationError as error:
        raise RecordError(describe_validation_error(error), "ValidationError") from error


def _last_update(
    fields: Mapping[str, Any], published: list[PublishedRating], context: MappingContext
) -> datetime:
    """The newest date the record carries (or when it was fetched): the reference record's version."""
    now = context.received_at
    candidates = [
        _mapping(fields.get("lastReport")).get("publicationDate"),
        _mapping(fields.get("lastInspection")).get("date"),
        fields.get("registrationDate"),
        fields.get("deregistrationDate"),
        fields.get("dormancyStartDate"),
        fields.get("dormancyEndDate"),
        *(_mapping(report).get("reportDate") for report in _sequence(fields.get("reports"))),
    ]
    dates = [when for value in candidates if (when := optional_datetime(value, "date", now)) is not None]
    dates += [item.report_date for item in published]
    if context.fetched_at is not None:
        dates.append(context.fetched_at)
    return max(dates, default=datetime.fromtimestamp(0, UTC))


def _geo(fields: Mapping[str, Any]) -> GeoPoint | None:
    lat, lon = fields.get("onspdLatitude"), fields.get("onspdLongitude")
    if isinstance(lat, int | float) and isinstance(lon, int | float) and not isinstance(lat, bool):
        try:
            return GeoPoint(lat=lat, lon=lon)
        except ValidationError:
            return None
    return None


def _inspection_area_names(value: Any) -> list[str]:
    return [
        str(name)
        for area in _sequence(value)
        if (name := _mapping(area).get("inspectionAreaName")) is not None
    ]


def _report_uri(fields: Mapping[str, Any], link_id: str | None) -> str | None:
    for report in _sequence(fields.get("reports")):
        report = _mapping(report)
        if link_id and report.get("linkId") == link_id and report.get("reportUri"):
            return str(report["reportUri"])
    return None


def _flag(value: Any) -> bool | None:
    """CQC's 'Y'/'N' flags."""
    return {"Y": True, "N": False}.get(str(value).strip().upper()) if value is not None else None


def _beds(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _rating(value: Any) -> Rating | None:
    try:
        return Rating(str(value).strip()) if value else None
    except ValueError:
        return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
