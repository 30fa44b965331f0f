"""GET /v1/alert-rules lists the configured rules behind the API key."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.api import create_app
from services.common.config import CommonSettings


def test_api_lists_alert_rules() -> None:
    client = TestClient(create_app(CommonSettings(environment="test")))
    assert client.get("/v1/alert-rules").status_code == 401
    response = client.get("/v1/alert-rules", headers={"X-API-Key": "dev-key"})
    assert response.status_code == 200
    body = response.json()
    assert {rule["kind"] for rule in body["rules"]} == {
        "spike",
        "severity",
        "rating_downgrade",
        "flatline",
        "new_term",
    }
    spike = next(rule for rule in body["rules"] if rule["id"] == "negative-spike-la")
    assert spike["settings"]["ratio"] == 3.0 and spike["silence_seconds"] == 14 * 86_400
