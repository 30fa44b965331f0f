"""What a profile is about and over which period: the filters both profile sections share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.index.models import AreaInfo, Period

DEFAULT_PERIOD = timedelta(days=730)  # the last 24 months
REGISTERED = {"bool": {"must_not": [{"term": {"registration_status": "Deregistered"}}]}}


@dataclass(frozen=True)
class Scope:
    """The profile's subject as filters on evidence and on locations, and as search parameters."""

    evidence: dict[str, Any]
    locations: dict[str, Any]
    search: dict[str, str]
    subject: str = ""  # in words, e.g. "about Oldham"
    population_field: str = "area.local_authority_code"  # the areas a prior is estimated across
    region: AreaInfo | None = None  # the regional comparator, if any


def profile_period(date_from: datetime | None, date_to: datetime | None, now: datetime) -> Period:
    """The period asked for; by default the 24 months up to the end of today (UTC).

    Ending the default at midnight keeps the requests of one day identical, so Elasticsearch's request
    cache can answer them.
    """
    end = date_to or now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return Period(date_from=date_from or end - DEFAULT_PERIOD, date_to=end)


def in_period(period: Period) -> dict[str, Any]:
    return {"range": {"occurred_at": {"gte": period.date_from.isoformat(), "lt": period.date_to.isoformat()}}}


def period_search(period: Period) -> dict[str, str]:
    return {"date_from": period.date_from.isoformat(), "date_to": period.date_to.isoformat()}
