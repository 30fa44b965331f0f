"""What every HTTP router shares: the clients made once in the app's lifespan, injected as `Annotated`
dependencies; domain errors mapped to status codes in one place; Elasticsearch failures kept from clients.

`services/api.py` builds the settings and the clients (`app.state.settings`, `.es`, `.producer`) in its
lifespan; a router declares what it needs (`es: Es`) and tests override the dependency functions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from services.common.config import CommonSettings
from services.common.errors import QueryError, SearchUnavailableError
from services.common.kafka import SharedProducer

log = logging.getLogger(__name__)


def get_settings(request: Request) -> CommonSettings:
    """The settings the app was built with (every service's settings in one object)."""
    return request.app.state.settings


def get_es(request: Request) -> Elasticsearch:
    """The app's Elasticsearch client."""
    return request.app.state.es


def get_producer(request: Request) -> SharedProducer:
    """The app's Kafka producer (connected on first use)."""
    return request.app.state.producer


Es = Annotated[Elasticsearch, Depends(get_es)]
Producer = Annotated[SharedProducer, Depends(get_producer)]


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


@contextmanager
def elasticsearch_errors() -> Iterator[None]:
    """Translate transport failures and 429/5xx into SearchUnavailableError (details only in logs)."""
    try:
        yield
    except TransportError as error:
        log.warning("elasticsearch unreachable: %s", error)
        raise SearchUnavailableError("search is temporarily unavailable") from error
    except ApiError as error:
        log.warning("elasticsearch error %s: %s", error.status_code, error)
        raise SearchUnavailableError("search is temporarily unavailable") from error
