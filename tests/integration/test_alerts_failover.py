"""Two alerts workers, one SIGKILLed mid-stream while it owns input partitions with work on them: every
expected alert appears, none is raised twice (a redelivered alert is byte-identical: same id, same body),
at-least-once at worst."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from factories.alerts import (
    TEST_RULES,
    AlertReader,
    assigned_partitions,
    at,
    high_severity,
    negative,
    produce,
    start_worker,
    wait_ready,
    worker_env,
)
from factories.groups import group_progress
from factories.waiting import wait_until
from kafka import TopicPartition

from schemas import Topic
from schemas.common import AreaRef
from schemas.reference import local_authorities
from services.alerts.topics import OBSERVATIONS_TOPIC
from services.common.config import CommonSettings

pytestmark = pytest.mark.integration

AREAS = [
    AreaRef(local_authority_code=la.code, local_authority_name=la.name)
    for la in list(local_authorities().values())[:16]
]
MONDAY = at("2025-06-02", hour=0)
SPIKE_SIZE = 6


def interleaved_stream() -> list:
    """Per area: a spike of negatives and one high-severity item, interleaved round-robin across areas."""
    per_area = [
        [negative(MONDAY + timedelta(hours=n), area=area) for n in range(SPIKE_SIZE)]
        + [high_severity(MONDAY + timedelta(days=2), area=area, location_id=f"1-{index:04d}")]
        for index, area in enumerate(AREAS)
    ]
    return [items[step] for step in range(SPIKE_SIZE + 1) for items in per_area]


@contextmanager
def two_workers(
    settings: CommonSettings, tmp_path: Path
) -> Iterator[tuple[list[subprocess.Popen[bytes]], list[Path], AlertReader]]:
    """Two alerts workers in one group, both ready, their logs, and a reader of alerts.raised; all stopped
    afterwards."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(TEST_RULES)
    env = worker_env(settings, rules, tmp_path)
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    workers = [start_worker(env, log) for log in logs]
    reader = AlertReader(settings)
    try:
        for log in logs:
            wait_ready(log)
        yield workers, logs, reader
        assert workers[1].poll() is None, "the surviving worker must still run"
    finally:
        reader.close()
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait()


def kill(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait()


def inputs(settings: CommonSettings) -> list[str]:
    """The topics the alerts workers consume: classified evidence and their repartitioned observations."""
    return [settings.topic(Topic.EVIDENCE_CLASSIFIED), settings.topic(OBSERVATIONS_TOPIC)]


def all_processed(settings: CommonSettings) -> bool:
    progress = group_progress(settings, settings.group_id("alerts"), inputs(settings))
    return all(committed >= end for committed, end in progress.values())


def wait_until_victim_owns_work(settings: CommonSettings, victim_log: Path) -> None:
    """The worker to be killed owns evidence partitions and has committed work on them."""
    evidence = settings.topic(Topic.EVIDENCE_CLASSIFIED)

    def victim_has_worked() -> bool:
        owned = assigned_partitions(victim_log, evidence)
        progress = group_progress(settings, settings.group_id("alerts"), [evidence])
        return any(progress[TopicPartition(evidence, p)][0] > 0 for p in owned)

    wait_until(victim_has_worked, 60, "the victim to own evidence partitions and commit work on them")


def test_alerts_failover_no_duplicate_no_missed_alert(settings: CommonSettings, tmp_path: Path) -> None:
    with two_workers(settings, tmp_path) as (workers, logs, reader):
        stream = interleaved_stream()
        half = len(stream) * 4 // 7  # after 4 of 6 negatives per area: no spike may fire yet
        produce(settings, stream[:half])
        wait_until(lambda: all_processed(settings), 60, "the first part processed and committed")
        wait_until_victim_owns_work(settings, logs[0])
        early = reader.read_to_end()
        assert early == [], f"{len(early)} alerts before any area had its spike"
        kill(workers[0])
        produce(settings, stream[half:])

        expected = 2 * len(AREAS)  # one spike and one severity alert per area
        reader.poll_until(lambda got: len({r.key for r in got}) >= expected, deadline_s=40)
        records = reader.read_to_end()
    bodies: dict[bytes, set[bytes]] = defaultdict(set)
    for record in records:
        bodies[record.key].add(record.value)
    assert len(bodies) == expected, f"{len(bodies)} distinct alerts, expected {expected}"
    assert all(len(values) == 1 for values in bodies.values()), "two alerts with one id differ"
    redelivered = len(records) - len(bodies)
    print(f"{len(records)} alert messages, {len(bodies)} distinct, {redelivered} redelivered")


def test_alerts_failover_under_steady_load_loses_no_item(settings: CommonSettings, tmp_path: Path) -> None:
    """Items keep arriving through the kill and the rebalance, so the survivor has records in flight
    when its partitions are revoked and reassigned; each item is the only one of its location, so a
    lost item is a missing alert."""
    items = [
        high_severity(MONDAY + timedelta(minutes=n), area=AREAS[n % len(AREAS)], location_id=f"1-L{n:04d}")
        for n in range(600)
    ]
    with two_workers(settings, tmp_path) as (workers, logs, reader):
        steady = threading.Thread(target=produce_steadily, args=(settings, items, 45.0))
        steady.start()
        wait_until_victim_owns_work(settings, logs[0])
        kill(workers[0])
        steady.join()
        reader.poll_until(lambda got: len(severity_alerts(got)) >= len(items), deadline_s=60)
        alerts = severity_alerts(reader.read_to_end())
    wanted = {f"1-L{n:04d}" for n in range(len(items))}
    lost = wanted - {alert["key"]["code"] for alert in alerts}
    assert not lost, f"{len(lost)} items lost, e.g. {sorted(lost)[:5]}"
    assert len({alert["alert_id"] for alert in alerts}) == len(items)


def severity_alerts(records: list) -> list[dict]:
    return [alert for record in records if (alert := json.loads(record.value))["rule_id"] == "severe"]


def produce_steadily(settings: CommonSettings, items: list, per_second: float) -> None:
    """Send the items in small acknowledged batches at about `per_second`."""
    for start in range(0, len(items), 9):
        produce(settings, items[start : start + 9])
        time.sleep(9 / per_second)
