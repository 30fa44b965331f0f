"""Per-identity rate limits on the real stack: a caller past its search or export limit gets 429 with
Retry-After, another caller is not affected, and the refusal is in the audit trail as denied."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from factories.api import ADMIN, api_client
from factories.waiting import wait_until
from fastapi.testclient import TestClient

from services.api import ApiSettings
from services.common.config import CommonSettings

pytestmark = pytest.mark.integration


@pytest.fixture
def client(
    settings: CommonSettings, es: Elasticsearch, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    limited = ApiSettings(
        **settings.model_dump(), rate_limit_search_per_minute=3, rate_limit_export_per_minute=1
    )
    with api_client(settings, es, monkeypatch, limited) as test_client:
        yield test_client


def test_a_caller_over_its_limit_is_refused_with_retry_after_and_audited(
    client: TestClient, indexer: None
) -> None:
    made = client.post("/v1/api-keys", json={"name": "busy-analyst", "role": "analyst"}, headers=ADMIN)
    analyst = {"X-API-Key": made.json()["key"]}
    assert [client.get("/v1/search", headers=analyst).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/v1/search", headers=analyst)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 20
    assert "too many search requests" in refused.json()["detail"]
    assert client.get("/v1/search", headers=ADMIN).status_code == 200  # another caller's own bucket
    assert client.get("/v1/search/export", headers=analyst).status_code == 200
    assert client.get("/v1/search/export", headers=analyst).status_code == 429

    def refusals() -> list[dict]:
        response = client.get("/v1/audit", params={"actor": "busy-analyst", "size": 50}, headers=ADMIN)
        events = response.json()["events"] if response.status_code == 200 else []
        return [e for e in events if e["status_code"] == 429]

    wait_until(lambda: len(refusals()) == 2, 60, "the refusals' audit events")
    assert {e["outcome"] for e in refusals()} == {"denied"}
