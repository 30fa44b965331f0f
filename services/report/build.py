"""One pack for an area and period: read the inputs, build the sections (for the CLI, API and web)."""

from __future__ import annotations

from datetime import UTC, datetime

from elasticsearch import Elasticsearch

from services.common.indices import Names
from services.report.config import ReportSettings
from services.report.models import AreaPack, Comparator
from services.report.pack import area_pack
from services.report.queries import read_inputs


def build_pack(
    es: Elasticsearch,
    settings: ReportSettings,
    code: str,
    *,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    base_url: str | None = None,
    compare_with: Comparator | None = None,
    names: Names | None = None,
) -> AreaPack:
    """The review pack of an area (code or name) for [date_from, date_to), by default the last 12 months,
    beside its region or England when `compare_with` says."""
    now = datetime.now(UTC)
    inputs = read_inputs(
        es,
        names or Names(settings),
        code,
        date_from=date_from,
        date_to=date_to,
        now=now,
        top=settings.query_top_providers,
        quote_candidates_per_statement=settings.report_quote_candidates,
        compare_with=compare_with,
    )
    return area_pack(
        inputs,
        generated_at=now,
        marking=settings.report_marking,
        quotes_per_statement=settings.report_quotes_per_statement,
        base_url=(settings.report_web_base_url if base_url is None else base_url).rstrip("/"),
    )
