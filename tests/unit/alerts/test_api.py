"""GET /v1/alert-rules lists the configured rules behind the API key."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.alerts.api import router
from services.alerts.config import AlertsSettings


def test_api_lists_alert_rules() -> None:
    app = FastAPI()
    app.state.settings = AlertsSettings(environment="test")
    app.include_router(router)
    with TestClient(app) as client:
        assert client.get("/v1/alert-rules").status_code == 401
        response = client.get("/v1/alert-rules", headers={"X-API-Key": "dev-key"})
    assert response.status_code == 200
    body = response.json()
    assert {rule["kind"] for rule in body["rules"]} == {
        "rolling_spike",
        "severity",
        "rating_downgrade",
        "flatline",
        "new_term",
        "campaign",
    }
    assert body["file"] == "rules.yaml"  # the name, not where the server keeps it
    spike = next(rule for rule in body["rules"] if rule["id"] == "negative-spike-la")
    assert spike["settings"]["windows_days"] == [1, 3, 7] and spike["silence_seconds"] == 14 * 86_400


def test_api_reports_a_rules_file_that_does_not_load(tmp_path) -> None:
    broken = tmp_path / "rules.yaml"
    broken.write_text("rules:\n  - id: x\n    kind: no-such-kind\n")
    app = FastAPI()
    app.state.settings = AlertsSettings(environment="test", alerts_rules_file=broken)
    app.include_router(router)
    with TestClient(app) as client:
        response = client.get("/v1/alert-rules", headers={"X-API-Key": "dev-key"})
    assert response.status_code == 500
    assert "no-such-kind" in response.json()["detail"]
    assert str(tmp_path) not in response.text
