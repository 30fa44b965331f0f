"""`caresignal ingest-cqc` against a local CQC-API-compatible server serving the real sample records."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from factories.pushgateway import pushgateway
from kafka import KafkaConsumer, TopicPartition
from typer.testing import CliRunner

from schemas.locations import LocationReference
from schemas.topics import Topic
from services.cli import app
from services.common.config import CommonSettings

pytestmark = pytest.mark.integration
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


class FakeCqcApi(BaseHTTPRequestHandler):
    """`GET /changes/location` (two pages) and `GET /locations/{id}` in the published shapes."""

    locations: dict[str, dict] = {}
    requests: list[str] = []
    starts: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlparse(self.path)
        self.requests.append(self.path)
        if url.path == "/changes/location":
            query = parse_qs(url.query)
            self.starts.append(query["startTimestamp"][0])
            ids = [*sorted(self.locations), "1-0000000000"]  # the last one no longer exists
            page = int(query.get("page", ["1"])[0])
            half = (len(ids) + 1) // 2
            chunk = ids[:half] if page == 1 else ids[half:]
            self._send(200, {"changes": chunk, "page": page, "total": len(ids), "totalPages": 2})
        elif url.path.startswith("/locations/"):
            record = self.locations.get(url.path.rsplit("/", 1)[1])
            self._send(200, record) if record else self._send(404, {"message": "Not Found"})
        else:
            self._send(404, {"message": "Not Found"})

    def _send(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def cqc_api() -> Iterator[str]:
    records = json.loads((SAMPLES / "cqc_locations.json").read_text(encoding="utf-8"))
    FakeCqcApi.locations = {record["locationId"]: record for record in records}
    FakeCqcApi.requests = []
    FakeCqcApi.starts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCqcApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_ingest_cqc_polls_changes_and_ingests_locations(
    settings: CommonSettings, cqc_api, tmp_path, monkeypatch
):
    monkeypatch.setenv("CARESIGNAL_TOPIC_PREFIX", settings.topic_prefix)
    monkeypatch.setenv("CARESIGNAL_STATE_DIR", str(tmp_path / "state"))
    command = ["ingest-cqc", "--base-url", cqc_api, "--since", "2026-01-01T00:00:00Z", "--json"]
    with pushgateway() as gateway:
        monkeypatch.setenv("CARESIGNAL_INGEST_METRICS_PUSHGATEWAY", gateway.url)
        result = CliRunner().invoke(app, command)
    (push,) = gateway.pushes  # the run's metrics, as the CronJob reports them
    assert push.path == "/metrics/job/caresignal-cqc-poller/source/cqc"
    assert 'caresignal_ingest_run_records{status="accepted"} 10.0' in push.body
    assert "caresignal_ingest_run_failed 0.0" in push.body
    assert result.exit_code == 1, result.output  # the vanished location is a reject
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "read": 11, "accepted": 10, "rejected": 1, "already_seen": 0
    }  # fmt: skip
    assert sum(path.startswith("/changes/location") for path in FakeCqcApi.requests) == 2

    topic = settings.topic(Topic.LOCATIONS_REFERENCE)
    consumer = KafkaConsumer(**settings.kafka_options(), enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    references: list[LocationReference] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(references) < 10:
        for batch in consumer.poll(timeout_ms=500).values():
            references += [LocationReference.model_validate_json(message.value) for message in batch]
    consumer.close()
    assert {ref.location_id for ref in references} == set(FakeCqcApi.locations)

    again = CliRunner().invoke(app, command)
    assert json.loads(again.stdout.strip().splitlines()[-1])["already_seen"] == 10
    assert set(FakeCqcApi.starts) == {"2026-01-01T00:00:00Z"}


def test_ingest_cqc_without_since_starts_where_the_last_complete_poll_ended(
    settings: CommonSettings, cqc_api, tmp_path, monkeypatch
):
    monkeypatch.setenv("CARESIGNAL_TOPIC_PREFIX", settings.topic_prefix)
    monkeypatch.setenv("CARESIGNAL_STATE_DIR", str(tmp_path / "state"))
    never_polled = CliRunner().invoke(app, ["ingest-cqc", "--base-url", cqc_api])
    assert never_polled.exit_code == 2 and "give --since" in never_polled.output
    assert FakeCqcApi.requests == []

    first = ["ingest-cqc", "--base-url", cqc_api, "--since", "2026-01-01", "--until", "2026-03-01T12:00:00Z"]
    assert CliRunner().invoke(app, first).exit_code == 1  # the vanished location is a reject (on the DLQ)
    follow_up = CliRunner().invoke(
        app, ["ingest-cqc", "--base-url", cqc_api, "--until", "2026-03-02", "--json"]
    )
    assert json.loads(follow_up.stdout.strip().splitlines()[-1])["already_seen"] == 10
    third = CliRunner().invoke(app, ["ingest-cqc", "--base-url", cqc_api, "--json"])
    assert third.exit_code == 1, third.output
    backfill = ["ingest-cqc", "--base-url", cqc_api, "--since", "2025-01-01", "--until", "2025-02-01"]
    assert CliRunner().invoke(app, backfill).exit_code == 1
    assert CliRunner().invoke(app, ["ingest-cqc", "--base-url", cqc_api]).exit_code == 1
    starts = FakeCqcApi.starts[::2]  # two pages per poll; each poll starts 10 minutes before the mark
    assert starts[:4] == [
        "2026-01-01T00:00:00Z", "2026-03-01T11:50:00Z", "2026-03-01T23:50:00Z", "2025-01-01T00:00:00Z"
    ]  # fmt: skip
    assert starts[4] > "2026-11"  # the backfill left the mark where the third poll put it
