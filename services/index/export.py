"""A search result set as CSV: one row per evidence item (or per near-duplicate cluster when collapsed, with
its other copies' count in `similar_items`), the columns a reviewer puts in an evidence pack."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from elasticsearch import Elasticsearch
from fastapi.responses import StreamingResponse

from services.common.indices import Names
from services.index.models import SearchFilters, SearchHit
from services.index.search import all_hits, collapses

COLUMNS = (
    "evidence_id",
    "occurred_at",
    "source_type",
    "source_reference",
    "location_id",
    "provider_id",
    "provider_name",
    "local_authority_code",
    "local_authority_name",
    "icb_code",
    "region_code",
    "key_questions",
    "quality_statements",
    "themes",
    "sentiment",
    "sentiment_method",
    "rating",
    "previous_rating",
    "report_date",
    "severity",
    "severity_reasons",
    "evidence_category",
    "model_version",
    "cluster_id",
    "similar_items",
    "text",
)
FILENAMES = {True: "caresignal-evidence-one-per-cluster.csv", False: "caresignal-evidence-every-copy.csv"}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A spreadsheet must not run text as a formula (CSV injection): such cells get a leading quote."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _row(hit: SearchHit) -> list[str]:
    return [_cell(value) for value in _values(hit)]


def _values(hit: SearchHit) -> list[str]:
    return [
        hit.evidence_id,
        hit.occurred_at.isoformat(),
        hit.source_type.value,
        hit.source_reference,
        hit.provider.location_id or "",
        hit.provider.provider_id or "",
        hit.provider.name or "",
        hit.area.local_authority_code or "",
        hit.area.local_authority_name or "",
        hit.area.icb_code or "",
        hit.area.region_code or "",
        ";".join(hit.key_questions),
        ";".join(hit.quality_statement_ids),
        ";".join(hit.themes),
        hit.sentiment.value,
        hit.sentiment_method,
        *_inspection(hit),
        hit.severity.value,
        ";".join(hit.severity_reasons),
        hit.evidence_category.value,
        hit.model_version,
        hit.cluster_id or "",
        "" if hit.similar is None else str(hit.similar),
        hit.text,
    ]


def _inspection(hit: SearchHit) -> list[str]:
    """An inspection result's rating, the rating it replaced and its report date; blank for other items."""
    finding = hit.inspection
    if finding is None:
        return ["", "", ""]
    return [
        finding.rating.value,
        finding.previous_rating.value if finding.previous_rating else "",
        finding.report_date.date().isoformat() if finding.report_date else "",
    ]


def csv_lines(hits: Iterable[SearchHit]) -> Iterator[str]:
    """The header, then one CSV line per hit (streamed: the result set is never held in memory)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for hit in hits:
        writer.writerow(_row(hit))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def search_csv(
    es: Elasticsearch, names: Names, text: str | None, filters: SearchFilters, *, collapse: bool
) -> StreamingResponse:
    """Every hit of a search as a streamed CSV download, its file name saying whether near-duplicates were
    collapsed (`...-one-per-cluster.csv`) or every copy listed (`...-every-copy.csv`)."""
    hits = all_hits(es, names, text, filters, collapse=collapse)
    return csv_response(hits, FILENAMES[collapses(filters, collapse)])


def csv_response(hits: Iterable[SearchHit], filename: str) -> StreamingResponse:
    """The hits as a streamed CSV download."""
    return StreamingResponse(
        csv_lines(hits),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
