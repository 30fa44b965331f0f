"""The API app's hardening: API keys refused in prod when weak, docs off in prod, security headers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from services.api import ApiSettings, create_app
from services.common.config import CommonSettings
from services.common.roles import Permission
from services.web.signin import page_permission

STRONG = "Jx8rT2vQ9mLw4ZpB7sKd1NcY6hFa3GeU"


def test_settings_accept_no_configured_keys_in_prod() -> None:
    assert CommonSettings(environment="prod", api_keys=[]).api_keys == []  # keys from `api-keys create`


@pytest.mark.parametrize("key", ["x", "dev-key", "a" * 40, "0123456789" * 3, STRONG[:20]])
def test_settings_refuse_weak_keys_in_prod(key: str) -> None:
    with pytest.raises(ValidationError, match="CARESIGNAL_API_KEYS"):
        CommonSettings(environment="prod", api_keys=[SecretStr(STRONG), SecretStr(key)])


def test_settings_accept_strong_keys_in_prod_and_the_dev_key_in_dev() -> None:
    assert CommonSettings(environment="prod", api_keys=[SecretStr(STRONG)]).api_keys
    dev = CommonSettings(environment="dev").api_keys[0]
    assert (dev.name, dev.role, dev.key.get_secret_value()) == ("dev", "admin", "dev-key")


PROD = {  # prod serves the web app only behind sign-in, with a real session secret and public address
    "environment": "prod",
    "api_keys": [SecretStr(STRONG)],
    "web_sign_in": True,
    "web_session_secret": SecretStr(STRONG),
    "web_public_url": "https://caresignal.example",
}


def test_prod_refuses_the_web_app_without_sign_in() -> None:
    with pytest.raises(ValidationError, match="CARESIGNAL_WEB_SIGN_IN"):
        ApiSettings(environment="prod", api_keys=[SecretStr(STRONG)])
    assert ApiSettings(environment="prod", api_keys=[SecretStr(STRONG)], web_enabled=False)


def client_for(**settings: object) -> TestClient:
    return TestClient(create_app(ApiSettings(**settings)))  # no lifespan: no engine is reached


def test_metrics_are_off_in_prod_unless_enabled_and_on_elsewhere() -> None:
    assert client_for(**PROD).get("/metrics").status_code == 404
    assert client_for(**PROD, api_metrics_enabled=True).get("/metrics").status_code == 200
    assert client_for(environment="dev").get("/metrics").status_code == 200
    assert client_for(environment="dev", api_metrics_enabled=False).get("/metrics").status_code == 404


def test_docs_are_off_in_prod_unless_enabled_and_on_elsewhere() -> None:
    prod = client_for(**PROD)
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert prod.get(path).status_code == 404
    enabled = client_for(**PROD, api_docs_enabled=True)
    assert enabled.get("/openapi.json").status_code == 200
    assert client_for(environment="dev").get("/docs").status_code == 200


def test_web_pages_link_to_the_api_documentation_only_where_it_is_served() -> None:
    prod = client_for(**PROD).get("/no-such-page")
    dev = client_for(environment="dev").get("/no-such-page")
    assert prod.status_code == dev.status_code == 404 and "Page not found" in prod.text
    assert 'href="/docs"' in dev.text and 'href="/docs"' not in prod.text


def test_every_response_carries_the_security_headers() -> None:
    client = client_for(environment="dev")
    for path in ("/healthz", "/openapi.json", "/v1/search", "/no-such-page"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "cdn.jsdelivr.net" not in headers["Content-Security-Policy"]
    assert "cdn.jsdelivr.net" in client.get("/docs").headers["Content-Security-Policy"]


def test_signed_in_pages_need_the_apis_permission_for_exports_and_actions() -> None:
    assert page_permission("GET", "/areas/E08000004/report") is Permission.EXPORT
    assert page_permission("GET", "/areas/E08000004/report.pdf") is Permission.EXPORT
    assert page_permission("GET", "/search/export.csv") is Permission.EXPORT
    assert page_permission("GET", "/areas/E08000004") is Permission.READ


def test_cors_is_closed_unless_an_origin_is_configured() -> None:
    preflight = {
        "Origin": "https://dashboard.example",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "X-API-Key",
    }
    closed = client_for(environment="dev")
    assert "access-control-allow-origin" not in closed.options("/v1/search", headers=preflight).headers
    assert "access-control-allow-origin" not in closed.get("/healthz", headers=preflight).headers
    opened = client_for(environment="dev", cors_origins=["https://dashboard.example"])
    allowed = opened.options("/v1/search", headers=preflight)
    assert allowed.headers["access-control-allow-origin"] == "https://dashboard.example"
    other = opened.options("/v1/search", headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
