"""JSON logs from real workers: every line one JSON object, and the lines about an item carry its id."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from factories.pipeline import pipeline_workers

from schemas.topics import Topic
from services.common.config import CommonSettings
from services.common.kafka import create_producer

pytestmark = pytest.mark.integration


def entries(log: Path) -> list[dict]:
    """Every line of a worker's log as JSON (fails on a line that is not)."""
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def wait_for_entry(log: Path, evidence_id: str, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = [entry for entry in entries(log) if entry.get("evidence_id") == evidence_id]
        if found:
            return found[0]
        time.sleep(1)
    raise AssertionError(f"no line with evidence_id {evidence_id} in {log}:\n{log.read_text()[-2000:]}")


def test_workers_write_json_lines_and_name_a_dead_lettered_item_by_its_evidence_id(
    settings: CommonSettings, tmp_path: Path
) -> None:
    env = {"CARESIGNAL_LOG_FORMAT": "json", "CARESIGNAL_STATE_DIR": str(tmp_path / "state")}
    with pipeline_workers(settings, tmp_path, ["index-worker"], ["alerts-worker", "--no-web"], env=env):
        producer = create_producer(settings)
        producer.send(settings.topic(Topic.EVIDENCE_CLASSIFIED), key=b"evidence-1", value=b"{}").get(30)
        producer.close()
        for number in (0, 1):  # index, alerts
            entry = wait_for_entry(tmp_path / f"worker-{number}.log", "evidence-1")
            assert entry["level"] == "WARNING" and entry["message"].startswith("dead-lettered")
            assert entry["error_type"] == "ValidationError"
    for number in (0, 1):
        assert all(
            {"time", "level", "logger", "message"} <= set(e)
            for e in entries(tmp_path / f"worker-{number}.log")
        )
