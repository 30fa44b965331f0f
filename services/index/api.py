"""HTTP endpoints of the index service (search, profiles, alerts), mounted by services/api.py.

Domain errors map to HTTP status codes in `DomainErrorRoute`, the one place that does so;
Elasticsearch failures arrive here already translated to SearchUnavailableError (503).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Annotated, Any
from uuid import UUID

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from schemas import AlertStatus
from services.common.auth import ApiKey
from services.index import alerts, profiles, search
from services.index.config import IndexSettings
from services.index.errors import InvalidRequestError, QueryError
from services.index.models import (
    AlertFilters,
    AlertList,
    AlertView,
    AreaProfile,
    ProviderProfile,
    SearchFilters,
    SearchPage,
    SortOrder,
    StatusChange,
)
from services.index.publisher import StatusPublisher
from services.index.templates import Names, install_templates

log = logging.getLogger(__name__)


class DomainErrorRoute(APIRoute):
    """Turn QueryError subclasses into `{"detail": ...}` responses with their status code."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except QueryError as error:
                return JSONResponse(status_code=error.status_code, content={"detail": str(error)})

        return handle


def index_settings(request: Request) -> IndexSettings:
    state = request.app.state
    if not hasattr(state, "index_settings"):
        state.index_settings = IndexSettings(**state.settings.model_dump())
    return state.index_settings


def elasticsearch_client(request: Request) -> Elasticsearch:
    state = request.app.state
    if not hasattr(state, "index_es"):
        state.index_es = Elasticsearch(**index_settings(request).es_options())
    return state.index_es


def status_publisher(request: Request) -> alerts.Publish:
    state = request.app.state
    if not hasattr(state, "index_producer"):
        state.index_producer = StatusPublisher(index_settings(request))
    return state.index_producer


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Install index templates at start-up (best effort: queries answer 503 while ES is down)."""
    settings = IndexSettings(**app.state.settings.model_dump())
    es = Elasticsearch(**settings.es_options())
    try:
        install_templates(es, settings)
    except (TransportError, ApiError) as error:
        log.warning("index templates not installed at start-up: %s", error)
    finally:
        es.close()
    yield
    for name in ("index_es", "index_producer"):
        client = getattr(app.state, name, None)
        if client is not None:
            client.close()


router = APIRouter(route_class=DomainErrorRoute, lifespan=lifespan)
Settings = Annotated[IndexSettings, Depends(index_settings)]
Es = Annotated[Elasticsearch, Depends(elasticsearch_client)]


@router.get("/v1/search", response_model=SearchPage, tags=["search"], summary="Search evidence")
def search_endpoint(
    _: ApiKey,
    es: Es,
    settings: Settings,
    filters: Annotated[SearchFilters, Query()],
    q: Annotated[str | None, Query(description="Words to look for in the text and its lemmas.")] = None,
    sort: SortOrder = SortOrder.RELEVANCE,
    size: Annotated[int | None, Query(ge=1, description="Page size (capped by the server).")] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
) -> SearchPage:
    page_size = size or settings.query_default_page_size
    if page_size > settings.query_max_page_size:
        raise InvalidRequestError(f"size must be at most {settings.query_max_page_size}")
    return search.search_evidence(es, Names(settings), q, filters, sort=sort, size=page_size, cursor=cursor)


@router.get("/v1/areas/{code}", response_model=AreaProfile, tags=["profiles"], summary="Area profile")
def area_endpoint(_: ApiKey, es: Es, settings: Settings, code: str) -> AreaProfile:
    """A local authority, an ICB (E54) or a region (E12): evidence against England, and ratings."""
    return profiles.area_profile(
        es, Names(settings), code, top=settings.query_top_providers, terms=settings.query_emerging_terms
    )


@router.get(
    "/v1/providers/{identifier}",
    response_model=ProviderProfile,
    tags=["profiles"],
    summary="Provider profile",
)
def provider_endpoint(_: ApiKey, es: Es, settings: Settings, identifier: str) -> ProviderProfile:
    """A CQC provider id or location id: evidence against England, and current ratings."""
    return profiles.provider_profile(
        es, Names(settings), identifier, top=settings.query_top_providers, terms=settings.query_emerging_terms
    )


@router.get("/v1/alerts", response_model=AlertList, tags=["alerts"], summary="List alerts, newest first")
def alerts_endpoint(
    _: ApiKey,
    es: Es,
    settings: Settings,
    filters: Annotated[AlertFilters, Query()],
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AlertList:
    return alerts.list_alerts(es, Names(settings), filters, size)


@router.get("/v1/alerts/{alert_id}", response_model=AlertView, tags=["alerts"], summary="One alert")
def alert_endpoint(_: ApiKey, es: Es, settings: Settings, alert_id: UUID) -> AlertView:
    return alerts.get_alert(es, Names(settings), alert_id)


@router.post(
    "/v1/alerts/{alert_id}/acknowledge", response_model=AlertView, tags=["alerts"], summary="Acknowledge"
)
def acknowledge_endpoint(
    _: ApiKey,
    es: Es,
    settings: Settings,
    publish: Annotated[alerts.Publish, Depends(status_publisher)],
    alert_id: UUID,
    change: StatusChange,
) -> AlertView:
    """open → acknowledged; 409 from any other status."""
    return alerts.change_status(es, Names(settings), publish, alert_id, AlertStatus.ACKNOWLEDGED, change)


@router.post("/v1/alerts/{alert_id}/close", response_model=AlertView, tags=["alerts"], summary="Close")
def close_endpoint(
    _: ApiKey,
    es: Es,
    settings: Settings,
    publish: Annotated[alerts.Publish, Depends(status_publisher)],
    alert_id: UUID,
    change: StatusChange,
) -> AlertView:
    """open or acknowledged → closed; 409 when already closed."""
    return alerts.change_status(es, Names(settings), publish, alert_id, AlertStatus.CLOSED, change)
