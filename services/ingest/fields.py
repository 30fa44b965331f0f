"""Reading typed values out of loosely typed source fields (CSV strings or JSON values)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from schemas.evidence import MAX_TEXT_CHARS
from services.ingest.records import RecordError

UK_TIME = ZoneInfo("Europe/London")
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f", ""}


def optional_str(fields: Mapping[str, Any], *names: str) -> str | None:
    """The first of `names` holding a non-blank scalar, as a stripped string."""
    for name in names:
        value = fields.get(name)
        if value is None or isinstance(value, dict | list):
            continue
        text = str(value).strip()
        if text:
            return text
    return None


def required_str(fields: Mapping[str, Any], *names: str) -> str:
    value = optional_str(fields, *names)
    if value is None:
        raise RecordError(f"missing {names[0]}", "MissingField")
    return value


def required_text(fields: Mapping[str, Any], *names: str) -> str:
    """Free text, kept exactly as given; refused when missing, blank or longer than MAX_TEXT_CHARS."""
    for name in names:
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            if len(value) > MAX_TEXT_CHARS:
                raise RecordError(
                    f"{name} is {len(value)} characters, more than the limit of {MAX_TEXT_CHARS}",
                    "TextTooLong",
                )
            return value
    raise RecordError(f"missing text ({names[0]} is empty or absent)", "MissingText")


def parse_datetime(value: Any, name: str, now: datetime) -> datetime:
    """An aware UTC datetime from ISO 8601 or UK dd/mm/yyyy [HH:MM].

    Dates alone are midnight UTC; date-times without an offset are UK local time.

    Impossible dates (unparseable, before 1990, or more than a day in the future) are refused.
    """
    parsed = _parse(value, name)
    try:
        parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UK_TIME)).astimezone(UTC)
    except (OverflowError, ValueError) as error:
        raise RecordError(f"{name} {value!r} is not a possible date", "ImpossibleDate") from error
    if parsed < EARLIEST or parsed > now + FUTURE_TOLERANCE:
        raise RecordError(
            f"{name} {value!r} is not a possible date (before 1990 or in the future)", "ImpossibleDate"
        )
    return parsed


def optional_datetime(value: Any, name: str, now: datetime) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_datetime(value, name, now)


def _parse(value: Any, name: str) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"missing or non-text {name}: {value!r}", "ImpossibleDate")
    text = value.strip()
    match = _UK_DATE.match(text)
    try:
        if match:
            day, month, year, hour, minute, second = match.groups()
            zone = UK_TIME if hour else UTC
            return datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
                tzinfo=zone,
            )
        if len(text) == 10:  # a calendar date: midnight UTC, so the date itself never shifts
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise RecordError(f"{name} {value!r} is not a valid date ({error})", "ImpossibleDate") from error


def parse_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RecordError(f"{name} {value!r} is not yes/no", "InvalidField")


def optional_int(value: Any, name: str, low: int, high: int) -> int | None:
    """An integer in [low, high], or None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise RecordError(f"{name} {value!r} is not a number", "InvalidField")
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise RecordError(f"{name} {value!r} is not a number", "InvalidField") from error
    if not number.is_integer() or not low <= number <= high:
        raise RecordError(f"{name} {value!r} is not a whole number from {low} to {high}", "InvalidField")
    return int(number)
