"""Send bulk actions to Elasticsearch and report one outcome per action (never raises for ES trouble)."""

from __future__ import annotations

import logging

from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import ConnectionTimeout, Elasticsearch
from elasticsearch.helpers import streaming_bulk

from services.index.documents import Action
from services.index.outcomes import Outcome, classify_item

log = logging.getLogger(__name__)


class BulkSink:
    """One streaming_bulk call per batch; whole-request failures count as transient for every action."""

    def __init__(self, es: Elasticsearch, max_chunk_bytes: int, refresh: bool = False) -> None:
        self.es = es
        self.max_chunk_bytes = max_chunk_bytes
        self.refresh = refresh

    def send(self, actions: list[Action]) -> list[tuple[Outcome, str | None]]:
        if not actions:
            return []
        results: list[tuple[Outcome, str | None]] = []
        try:
            for ok, item in streaming_bulk(
                self.es,
                actions,
                chunk_size=len(actions),
                max_chunk_bytes=self.max_chunk_bytes,
                raise_on_error=False,
                raise_on_exception=False,
                max_retries=0,
                yield_ok=True,
                refresh="wait_for" if self.refresh else False,
            ):
                outcome, reason = classify_item(ok, item)
                if not ok and "exception" in next(iter(item.values())):
                    outcome = Outcome.TRANSIENT  # the whole request failed: never the document's fault
                results.append((outcome, reason))
        except (EsConnectionError, ConnectionTimeout) as error:
            reason = f"{type(error).__name__}: {error}"
            log.warning("elasticsearch unreachable: %s", reason)
            results += [(Outcome.TRANSIENT, reason)] * (len(actions) - len(results))
        return results
