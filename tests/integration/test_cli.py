"""The query and alert commands against the real engines: the same answers as the API, exit codes, and
each command in the audit trail before it reads (refused when it cannot be)."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from factories.index import alert, evidence, index_directly, location
from factories.waiting import wait_until
from fastapi.testclient import TestClient
from kafka import KafkaConsumer
from typer.testing import CliRunner

from schemas import AlertStatusChanged, AuditRecorded, SentimentLabel, Topic
from services.api import create_app
from services.cli import app
from services.common.config import CommonSettings
from services.index.templates import delete_templates

KEY = {"X-API-Key": "dev-key"}
OLDHAM, DEVON = "E08000004", "E10000008"


@pytest.fixture
def client(
    settings: CommonSettings, es: Elasticsearch, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """The API on this test's prefixes; the commands read the same prefixes from the environment."""
    monkeypatch.setenv("CARESIGNAL_TOPIC_PREFIX", settings.topic_prefix)
    monkeypatch.setenv("CARESIGNAL_ES_INDEX_PREFIX", settings.es_index_prefix)
    monkeypatch.setenv("CARESIGNAL_ENVIRONMENT", "test")
    with TestClient(create_app(settings)) as test_client:
        yield test_client
    delete_templates(es, settings)


def run(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(arguments))
    return result.exit_code, result.output


def test_search_area_and_provider_commands_answer_what_the_api_answers(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    items = [
        evidence(
            f"cli-{i}",
            la_code=(OLDHAM, DEVON)[i % 2],
            location_id=f"1-{i % 3}",
            sentiment=(SentimentLabel.NEGATIVE, SentimentLabel.POSITIVE, SentimentLabel.NEUTRAL)[i % 3],
        )
        for i in range(30)
    ]
    index_directly(es, settings, [*items, location("1-0", version=1)])
    code, output = run("search", "--local-authority", OLDHAM, "--sentiment", "negative", "--json")
    assert code == 0, output
    api = client.get("/v1/search", params={"local_authority": OLDHAM, "sentiment": "negative"}, headers=KEY)
    page = json.loads(output)
    assert page["total"] == api.json()["total"] == 5
    assert [hit["evidence_id"] for hit in page["hits"]] == [hit["evidence_id"] for hit in api.json()["hits"]]
    for command, path in (
        (["area", "Oldham"], "/v1/areas/Oldham"),
        (["provider", "1-0"], "/v1/providers/1-0"),
    ):
        code, output = run(*command, "--json")
        assert code == 0, output
        assert json.loads(output) == client.get(path, headers=KEY).json()
    code, output = run("search", "--local-authority", OLDHAM)  # the table
    assert code == 0 and "15 results" in output
    assert run("area", "E99999999")[0] == 1
    assert run("provider", "1-nothing")[0] == 1


def test_alerts_commands_list_acknowledge_and_close_with_events_on_the_topic(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    raised, other = alert(code=OLDHAM), alert(code=DEVON)
    index_directly(es, settings, [raised, other])
    code, output = run("alerts", "list", "--status", "open", "--json")
    assert code == 0, output
    assert {a["alert_id"] for a in json.loads(output)["alerts"]} == {
        str(raised.alert_id),
        str(other.alert_id),
    }
    alert_id = str(raised.alert_id)
    code, output = run("alerts", "ack", alert_id, "--by", "j.smith", "--note", "passed to the LA team")
    assert code == 0 and "acknowledged" in output, output
    assert run("alerts", "ack", alert_id, "--by", "j.smith")[0] == 1  # not allowed twice
    code, output = run("alerts", "close", alert_id, "--by", "j.smith", "--json")
    assert code == 0 and json.loads(output)["status"] == "closed", output
    code, output = run("alerts", "list", "--status", "open", "--json")
    assert [a["alert_id"] for a in json.loads(output)["alerts"]] == [str(other.alert_id)]
    assert client.get(f"/v1/alerts/{alert_id}", headers=KEY).json()["status"] == "closed"
    consumer = KafkaConsumer(
        settings.topic(Topic.ALERTS_STATUS),
        **settings.kafka_options(),
        auto_offset_reset="earliest",
        consumer_timeout_ms=10_000,
    )
    events = [AlertStatusChanged.model_validate_json(record.value) for record in consumer]
    consumer.close()
    assert [(e.alert_id, e.status.value, e.by, e.note) for e in events] == [
        (raised.alert_id, "acknowledged", "j.smith", "passed to the LA team"),
        (raised.alert_id, "closed", "j.smith", None),
    ]


def test_a_cli_search_is_in_the_audit_trail_and_refused_when_it_cannot_be(
    client: TestClient,
    es: Elasticsearch,
    settings: CommonSettings,
    indexer: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index_directly(es, settings, [evidence("audited-1", la_code=OLDHAM)])
    code, output = run("search", "medication", "--local-authority", OLDHAM, "--json")
    assert code == 0 and json.loads(output)["total"] == 1, output
    consumer = KafkaConsumer(
        settings.topic(Topic.AUDIT),
        **settings.kafka_options(),
        auto_offset_reset="earliest",
        consumer_timeout_ms=10_000,
    )
    events = [AuditRecorded.model_validate_json(record.value) for record in consumer]
    consumer.close()
    assert [(e.via, e.action, e.query_text, e.filters.get("local_authority")) for e in events] == [
        ("cli", "caresignal search", "medication", [OLDHAM])
    ]
    assert events[0].actor.name == getpass.getuser() and events[0].actor.client == "cli"

    def in_the_trail() -> bool:  # the index worker writes it; the audit command reads it (audited too)
        code, output = run("audit", "--actor", getpass.getuser(), "--action", "caresignal search", "--json")
        assert code == 0, output
        return [e["query_text"] for e in json.loads(output)["events"]] == ["medication"]

    wait_until(in_the_trail, what="the search in the audit index")

    monkeypatch.setenv("CARESIGNAL_KAFKA_BOOTSTRAP", "127.0.0.1:1")  # no broker: no audit event
    code, output = run("search", "medication", "--json")
    assert code == 1 and "cannot be written" in output and "total" not in output, output
