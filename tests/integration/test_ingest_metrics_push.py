"""An ingest run's metrics pushed to a Pushgateway: what a gateway receives, and when nothing is sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from factories.pushgateway import Gateway, pushgateway

from services.ingest.metrics import push_run, record_run
from services.ingest.summary import IngestSummary, ItemResult, Status

pytestmark = pytest.mark.integration


@pytest.fixture()
def gateway() -> Iterator[Gateway]:
    with pushgateway() as running:
        yield running


def summary(accepted: int, rejected: int) -> IngestSummary:
    result = IngestSummary()
    statuses = [Status.ACCEPTED] * accepted + [Status.REJECTED] * rejected
    result.add([ItemResult(f"r{n}", status) for n, status in enumerate(statuses)], seconds=0.1)
    return result


def test_a_finished_run_pushes_its_counts_duration_and_success_time(gateway: Gateway) -> None:
    record_run(summary(accepted=3, rejected=1), seconds=2.5)
    assert push_run(gateway.url, "caresignal-cqc-poller", "cqc", succeeded=True)
    (push,) = gateway.pushes
    assert (push.method, push.path) == ("POST", "/metrics/job/caresignal-cqc-poller/source/cqc")
    assert 'caresignal_ingest_run_records{status="accepted"} 3.0' in push.body
    assert 'caresignal_ingest_run_records{status="rejected"} 1.0' in push.body
    assert "caresignal_ingest_run_seconds 2.5" in push.body
    assert "caresignal_ingest_run_failed 0.0" in push.body
    assert "caresignal_ingest_last_success_timestamp_seconds " in push.body


def test_a_failed_run_pushes_the_failure_and_leaves_the_last_success_alone(gateway: Gateway) -> None:
    record_run(None, seconds=1.0)
    assert push_run(gateway.url, "caresignal-ingest", "social", succeeded=False)
    (push,) = gateway.pushes
    assert push.path == "/metrics/job/caresignal-ingest/source/social"
    assert "caresignal_ingest_run_failed 1.0" in push.body
    assert "caresignal_ingest_last_success_timestamp_seconds" not in push.body


def test_no_gateway_pushes_nothing_and_an_unreachable_one_does_not_fail_the_run(gateway: Gateway) -> None:
    record_run(summary(accepted=1, rejected=0), seconds=0.1)
    assert not push_run(None, "caresignal-ingest", "social", succeeded=True)
    with pushgateway() as stopped:
        url = stopped.url
    assert not push_run(url, "caresignal-ingest", "social", succeeded=True, timeout_s=2)
    assert gateway.pushes == []
