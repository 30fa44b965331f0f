"""Machine clients' API keys on the real Elasticsearch node: made by an admin (API and CLI), kept hashed,
limited to their role, and refused from the request after they are revoked."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from factories.api import ADMIN, api_client
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from services.cli import app
from services.common.api_keys import key_hash
from services.common.config import CommonSettings
from services.common.indices import Names

pytestmark = pytest.mark.integration


@pytest.fixture
def client(
    settings: CommonSettings, es: Elasticsearch, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    with api_client(settings, es, monkeypatch) as test_client:
        yield test_client


def test_a_key_made_by_an_admin_works_for_its_role_only_and_stops_at_once_when_revoked(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    made = client.post("/v1/api-keys", json={"name": "dashboard", "role": "viewer"}, headers=ADMIN)
    assert made.status_code == 201, made.text
    key = made.json()["key"]
    viewer = {"X-API-Key": key}
    assert client.get("/v1/search", headers=viewer).status_code == 200
    assert client.get("/v1/search/export", headers=viewer).status_code == 403
    assert client.get("/v1/api-keys", headers=viewer).status_code == 403
    assert (
        client.post("/v1/api-keys", json={"name": "dashboard", "role": "admin"}, headers=ADMIN).status_code
        == 409
    )

    stored = es.get(index=Names(settings).api_keys_index, id=key_hash(key))["_source"]
    assert key not in json.dumps(stored) and stored["name"] == "dashboard" and stored["role"] == "viewer"
    listed = client.get("/v1/api-keys", headers=ADMIN).json()["keys"]
    assert [(k["name"], k["revoked_at"]) for k in listed] == [("dashboard", None)]
    assert key not in json.dumps(listed)

    assert client.post("/v1/api-keys/dashboard/revoke", headers=ADMIN).status_code == 200
    refused = client.get("/v1/search", headers=viewer)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "APIKey"
    assert client.post("/v1/api-keys/dashboard/revoke", headers=ADMIN).status_code == 404


def test_a_producer_key_made_on_the_command_line_may_submit_but_not_read(
    client: TestClient, settings: CommonSettings
) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["api-keys", "create", "healthwatch-feed", "--role", "producer"])
    assert made.exit_code == 0, made.output
    key = made.output.strip().splitlines()[-1]
    producer = {"X-API-Key": key}
    assert client.get("/v1/search", headers=producer).status_code == 403
    assert client.post("/v1/evidence", json={}, headers=producer).status_code == 422  # past authorisation
    listed = runner.invoke(app, ["api-keys", "list", "--json"])
    assert [k["name"] for k in json.loads(listed.output)] == ["healthwatch-feed"] and key not in listed.output
    assert runner.invoke(app, ["api-keys", "revoke", "healthwatch-feed"]).exit_code == 0
    assert client.post("/v1/evidence", json={}, headers=producer).status_code == 401
    assert runner.invoke(app, ["api-keys", "revoke", "healthwatch-feed"]).exit_code == 1
