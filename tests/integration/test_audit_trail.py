"""The audit trail on the real engines: a scripted session leaves one event per action, in order, indexed
by the index worker and searchable by an admin (API and CLI); with the audit topic unwritable the API
refuses to serve (503) rather than serve unaudited."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from factories.api import api_client
from factories.index import evidence, index_directly
from factories.waiting import wait_until
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from services.api import create_app
from services.cli import app as cli
from services.common.config import CommonSettings
from services.index.templates import delete_templates

pytestmark = pytest.mark.integration
ADMIN = {"X-API-Key": "dev-key", "User-Agent": "audit-test"}
OLDHAM = "E08000004"


@pytest.fixture
def client(
    settings: CommonSettings, es: Elasticsearch, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    with api_client(settings, es, monkeypatch) as test_client:
        yield test_client


def test_a_scripted_session_leaves_one_event_per_action_in_order_and_an_admin_can_answer_who(
    client: TestClient, es: Elasticsearch, settings: CommonSettings, indexer: None
) -> None:
    items = [evidence(f"audit-{i}", la_code=OLDHAM) for i in range(3)]
    index_directly(es, settings, items)
    made = client.post("/v1/api-keys", json={"name": "oldham-viewer", "role": "viewer"}, headers=ADMIN)
    viewer = {"X-API-Key": made.json()["key"], "User-Agent": "audit-test"}
    one = str(items[0].evidence_id)
    script = [
        ("GET", "/v1/search", {"q": "medication", "local_authority": OLDHAM}, viewer, 200),
        ("GET", f"/v1/evidence/{one}", {}, viewer, 200),
        ("GET", "/v1/search/export", {"local_authority": OLDHAM}, viewer, 403),
        ("GET", "/v1/search/export", {"local_authority": OLDHAM}, ADMIN, 200),
        ("GET", "/v1/areas/Oldham", {}, viewer, 200),
        ("GET", "/v1/search", {}, {"X-API-Key": "wrong", "User-Agent": "audit-test"}, 401),
    ]
    for method, path, params, headers, status in script:
        assert client.request(method, path, params=params, headers=headers).status_code == status, path

    def trail() -> list[dict]:
        response = client.get("/v1/audit", params={"size": 100}, headers=ADMIN)  # 503 while shards start
        events = response.json()["events"] if response.status_code == 200 else []
        return [e for e in reversed(events) if e["action"] != "GET /v1/audit"]  # oldest first

    wait_until(lambda: len(trail()) >= len(script) + 1, 60, "the session's audit events to be indexed")
    events = trail()
    assert [e["action"] for e in events] == [
        "POST /v1/api-keys",
        "GET /v1/search",
        "GET /v1/evidence/{evidence_id}",
        "GET /v1/search/export",
        "GET /v1/search/export",
        "GET /v1/areas/{code}",
        "GET /v1/search",
    ]
    assert [e["status_code"] for e in events] == [201, *[status for *_, status in script]]
    names = ["dev", "oldham-viewer", "oldham-viewer", "oldham-viewer", "dev", "oldham-viewer", None]
    assert [e["actor"]["name"] for e in events] == names
    assert {e["user_agent"] for e in events} == {"audit-test"}
    search = events[1]
    assert search["query_text"] == "medication" and search["filters"] == {"local_authority": [OLDHAM]}
    assert (
        sorted(search["result_ids"]) == sorted(str(i.evidence_id) for i in items)
        and search["result_count"] == 3
    )
    assert [e["outcome"] for e in events[3:5]] == ["denied", "allowed"]
    assert made.json()["key"] not in json.dumps(events)

    looked = client.get("/v1/audit", params={"item": one}, headers=ADMIN).json()["events"]
    assert [(e["actor"]["name"], e["action"]) for e in looked] == [
        ("oldham-viewer", "GET /v1/evidence/{evidence_id}"),
        ("oldham-viewer", "GET /v1/search"),
    ]
    exported = client.get(
        "/v1/audit", params={"action": "GET /v1/search/export", "outcome": "allowed"}, headers=ADMIN
    ).json()["events"]
    assert [(e["actor"]["name"], e["filters"]) for e in exported] == [("dev", {"local_authority": [OLDHAM]})]
    assert client.get("/v1/audit", headers=viewer).status_code == 403

    shown = CliRunner().invoke(cli, ["audit", "--item", one, "--json"])
    assert shown.exit_code == 0, shown.output
    assert [e["actor"]["name"] for e in json.loads(shown.output)["events"]] == [
        "oldham-viewer",
        "oldham-viewer",
    ]


def test_with_the_audit_topic_unwritable_requests_are_refused_not_served(
    settings: CommonSettings, es: Elasticsearch
) -> None:
    index_directly(es, settings, [evidence("unaudited", la_code=OLDHAM)])
    broken = settings.model_copy(update={"kafka_bootstrap": "127.0.0.1:1"})
    with TestClient(create_app(broken)) as client:
        refused = client.get("/v1/search", params={"q": "care"}, headers=ADMIN)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
        assert "hits" not in refused.json() and "audit trail" in refused.json()["detail"]
        assert client.get("/v1/search/export", headers=ADMIN).status_code == 503
        assert client.get("/healthz").status_code == 200
    delete_templates(es, settings)
