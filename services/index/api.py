"""HTTP endpoints of the index service (search and profiles), mounted by services/api.py.

Domain errors map to HTTP status codes in `DomainErrorRoute`; Elasticsearch failures arrive here
already translated to SearchUnavailableError (503).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated
from uuid import UUID

from elastic_transport import TransportError
from elasticsearch import ApiError
from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.responses import StreamingResponse

from schemas import EvidenceClassified
from services.common.auth import Exporter, Reader, visible_names
from services.common.errors import InvalidRequestError
from services.common.http import DomainErrorRoute, Es, get_settings
from services.common.rate_limits import ExportLimit, SearchLimit
from services.index import evidence, export, overview, profiles, search
from services.index.config import IndexSettings
from services.index.models import (
    AreaProfile,
    EnglandOverview,
    ProviderProfile,
    SearchFilters,
    SearchPage,
    SortOrder,
)
from services.index.templates import install_templates

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Install index templates at start-up (best effort: queries answer 503 while ES is down)."""
    try:
        install_templates(app.state.es, app.state.settings)
    except (TransportError, ApiError) as error:
        log.warning("index templates not installed at start-up: %s", error)
    yield


router = APIRouter(route_class=DomainErrorRoute, lifespan=lifespan)
Collapse = Annotated[
    bool,
    Query(
        description="True (the default): one hit per near-duplicate cluster with `similar` (its other "
        "matching copies), paged up to the first 10,000 clusters; false: every copy. A `cluster` filter "
        "always lists every copy."
    ),
]
Settings = Annotated[IndexSettings, Depends(get_settings)]


@router.get("/v1/search", response_model=SearchPage, tags=["search"], summary="Search evidence")
def search_endpoint(
    caller: Reader,
    _limit: SearchLimit,
    es: Es,
    settings: Settings,
    filters: Annotated[SearchFilters, Query()],
    q: Annotated[str | None, Query(description="Words to look for in the text and its lemmas.")] = None,
    sort: SortOrder = SortOrder.RELEVANCE,
    size: Annotated[int | None, Query(ge=1, description="Page size (capped by the server).")] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
    collapse: Collapse = True,
) -> SearchPage:
    page_size = size or settings.query_default_page_size
    if page_size > settings.query_max_page_size:
        raise InvalidRequestError(f"size must be at most {settings.query_max_page_size}")
    return search.search_evidence(
        es,
        visible_names(settings, caller),
        q,
        filters,
        sort=sort,
        size=page_size,
        cursor=cursor,
        collapse=collapse,
    )


DateFrom = Annotated[
    datetime | None, Query(description="Start of the period (inclusive); default 24 months before date_to.")
]
DateTo = Annotated[datetime | None, Query(description="End of the period (exclusive); default now.")]


@router.get("/v1/areas/{code}", response_model=AreaProfile, tags=["profiles"], summary="Area profile")
def area_endpoint(
    caller: Reader, es: Es, settings: Settings, code: str, date_from: DateFrom = None, date_to: DateTo = None
) -> AreaProfile:
    """A local authority, ICB (E54) or region (E12), by code or name: soft intelligence against England,
    and ratings."""
    return profiles.area_profile(
        es,
        visible_names(settings, caller),
        code,
        date_from=date_from,
        date_to=date_to,
        top=settings.query_top_providers,
    )


@router.get(
    "/v1/providers/{identifier}",
    response_model=ProviderProfile,
    tags=["profiles"],
    summary="Provider profile",
)
def provider_endpoint(
    caller: Reader,
    es: Es,
    settings: Settings,
    identifier: str,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> ProviderProfile:
    """A CQC provider id or location id: soft intelligence against England, and ratings."""
    return profiles.provider_profile(
        es,
        visible_names(settings, caller),
        identifier,
        date_from=date_from,
        date_to=date_to,
        top=settings.query_top_providers,
    )


@router.get(
    "/v1/search/export",
    tags=["search"],
    summary="Export every result of a search as CSV",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_endpoint(
    caller: Exporter,
    _limit: ExportLimit,
    es: Es,
    settings: Settings,
    filters: Annotated[SearchFilters, Query()],
    q: Annotated[str | None, Query(description="Words to look for in the text and its lemmas.")] = None,
    collapse: Collapse = True,
) -> StreamingResponse:
    """All rows of the result set (newest first), not one page: what goes into an evidence pack. Collapsed
    (the default), one row per near-duplicate cluster with its `similar` copies; the file's name and its
    `rows` column say which."""
    return export.search_csv(es, visible_names(settings, caller), q, filters, collapse=collapse)


@router.get(
    "/v1/evidence/{evidence_id}", response_model=EvidenceClassified, tags=["search"], summary="One item"
)
def evidence_endpoint(caller: Reader, es: Es, settings: Settings, evidence_id: UUID) -> EvidenceClassified:
    """The classified, redacted item as indexed."""
    return evidence.get_evidence(es, visible_names(settings, caller), evidence_id)


@router.get("/v1/overview", response_model=EnglandOverview, tags=["profiles"], summary="England overview")
def overview_endpoint(caller: Reader, es: Es, settings: Settings) -> EnglandOverview:
    """Every council's soft intelligence in the 30 days up to the newest item, against the 30 days before."""
    return overview.england_overview(es, visible_names(settings, caller))
