"""The /metrics page of a faust worker (the shared Prometheus registry) and its consumers' lag."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any

import faust
from aiokafka.errors import IllegalStateError
from faust.web import Request, Response, View

from services.common.metrics import exposition


async def consumer_lag(app: faust.App, topics: Collection[str]) -> dict[tuple[str, int], int]:
    """Lag of each assigned partition of `topics`: high watermark minus the offset this worker last
    committed (faust's monitor), or minus its read position before its first commit there. A partition
    revoked by a rebalance while the lag is read is left out (its position is no longer known)."""
    consumer = app.consumer
    lag: dict[tuple[str, int], int] = {}
    for tp in consumer.assignment():
        if tp.topic not in topics:
            continue
        highwater = consumer.highwater(tp)
        done = app.monitor.tp_committed_offsets.get(tp)
        if done is None:
            try:
                done = await consumer.position(tp)
            except IllegalStateError:
                continue
        if highwater is not None:
            lag[(tp.topic, tp.partition)] = max(highwater - (done or 0), 0)
    return lag


def add_metrics_page(app: faust.App, before_scrape: Callable[[], Awaitable[None]]) -> None:
    """Serve the shared registry at /metrics on the worker's web server; `before_scrape` refreshes
    the series read at scrape time (lag)."""

    @app.page("/metrics")
    class MetricsView(View):
        async def get(self, request: Request, **kwargs: Any) -> Response:
            await before_scrape()
            body, content_type = exposition()
            return self.bytes(body, headers={"Content-Type": content_type})
