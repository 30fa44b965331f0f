"""Metrics of one ingest run (`caresignal ingest`, `caresignal ingest-cqc`), pushed to a Prometheus
Pushgateway when `CARESIGNAL_INGEST_METRICS_PUSHGATEWAY` names one: these commands exit before any scrape, so
they report the way batch jobs do. Nothing is pushed otherwise.

The series live in their own registry (never the default one, so a long-running process that imports this
module exports nothing stale). One group per job and source: a run replaces the group's records and
duration; the last success time is pushed only by a run that succeeded, so after a failed run it still
says when the last good one ended (the alerting rules read its age).
"""

from __future__ import annotations

import logging
import time

from prometheus_client import CollectorRegistry, Gauge, pushadd_to_gateway

from services.ingest.summary import IngestSummary

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()
RUN_RECORDS = Gauge(
    "caresignal_ingest_run_records",
    "Records of the last ingest run, by status (accepted, rejected, already_seen, ignored).",
    ["status"],
    registry=REGISTRY,
)
RUN_SECONDS = Gauge("caresignal_ingest_run_seconds", "Duration of the last ingest run.", registry=REGISTRY)
RUN_FAILED = Gauge(
    "caresignal_ingest_run_failed",
    "1 when the last ingest run stopped before the end (the broker did not acknowledge, the API failed).",
    registry=REGISTRY,
)
LAST_SUCCESS = Gauge(
    "caresignal_ingest_last_success_timestamp_seconds",
    "When the last ingest run that reached the end finished (Unix time).",
    registry=REGISTRY,
)
RUN_SERIES = (RUN_RECORDS, RUN_SECONDS, RUN_FAILED)


def record_run(summary: IngestSummary | None, seconds: float) -> None:
    """Set the run's series; `summary` is None when the run stopped before the end."""
    RUN_SECONDS.set(seconds)
    RUN_FAILED.set(0 if summary is not None else 1)
    for status, count in (summary.counts() if summary is not None else {}).items():
        RUN_RECORDS.labels(status).set(count)
    if summary is not None:
        LAST_SUCCESS.set(time.time())


def push_run(gateway: str | None, job: str, source: str, succeeded: bool, timeout_s: float = 10.0) -> bool:
    """Push the run's series to `gateway` under job/source; False (and a warning) when it cannot: the
    records are already sent, so an unreachable gateway does not fail the run."""
    if not gateway:
        return False
    registry = CollectorRegistry()
    for series in (*RUN_SERIES, LAST_SUCCESS) if succeeded else RUN_SERIES:
        registry.register(series)
    try:
        pushadd_to_gateway(
            gateway, job=job, grouping_key={"source": source}, registry=registry, timeout=timeout_s
        )
    except OSError as error:
        log.warning("could not push ingest metrics to %s: %s", gateway, error)
        return False
    return True
