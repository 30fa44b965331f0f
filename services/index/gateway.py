"""Elasticsearch calls from the query side: failures become SearchUnavailableError, never leak."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from elastic_transport import TransportError
from elasticsearch import ApiError

from services.index.errors import SearchUnavailableError

log = logging.getLogger(__name__)


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
