"""Every route in the app's OpenAPI route table, called with no key, a wrong key and as every role: the
access matrix below is the README's, written out independently of services/common/roles.py, and a route
that is not in it (a new endpoint without a rule) fails."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.api import ApiSettings, create_app
from services.common.api_keys import ConfiguredKey
from services.common.roles import Role

ROLE_KEYS = {role: f"{role.value}-test-key" for role in Role}
APP = create_app(
    ApiSettings(
        api_keys=[
            ConfiguredKey(name=role.value, role=role, key=SecretStr(key)) for role, key in ROLE_KEYS.items()
        ]
    )
)  # no lifespan: a call that passes authorisation fails later on the missing clients (never 401/403)
API_ROUTES = [
    (method.upper(), path)
    for path, operations in APP.openapi()["paths"].items()
    if path.startswith("/v1/")
    for method in operations
]
PATH_PARAMETER = re.compile(r"\{[^}]+\}")
SOME_UUID = "5f0c6d2e-8b1a-4f3e-9c7d-2a4b6e8f0a1c"  # valid for every path parameter (ids, codes, uuids)
BAD_KEYS = {
    "none": {},
    "empty": {"X-API-Key": ""},
    "wrong": {"X-API-Key": "wrong-key"},
}

READERS = {Role.VIEWER, Role.ANALYST, Role.SENSITIVE, Role.ADMIN}
ANALYSTS = {Role.ANALYST, Role.SENSITIVE, Role.ADMIN}
ADMINS = {Role.ADMIN}
ACCESS: dict[tuple[str, str], set[Role]] = {
    ("POST", "/v1/evidence"): {Role.PRODUCER, Role.ADMIN},
    ("GET", "/v1/search"): READERS,
    ("GET", "/v1/search/export"): ANALYSTS,
    ("GET", "/v1/areas/{code}"): READERS,
    ("GET", "/v1/areas/{code}/report"): READERS,
    ("GET", "/v1/providers/{identifier}"): READERS,
    ("GET", "/v1/evidence/{evidence_id}"): READERS,
    ("GET", "/v1/overview"): READERS,
    ("GET", "/v1/evidence/{evidence_id}/corrections"): READERS,
    ("POST", "/v1/evidence/{evidence_id}/corrections"): ANALYSTS,
    ("GET", "/v1/alerts"): READERS,
    ("GET", "/v1/alerts/{alert_id}"): READERS,
    ("POST", "/v1/alerts/{alert_id}/acknowledge"): ANALYSTS,
    ("POST", "/v1/alerts/{alert_id}/close"): ANALYSTS,
    ("GET", "/v1/alert-rules"): ANALYSTS,
    ("GET", "/v1/api-keys"): ADMINS,
    ("POST", "/v1/api-keys"): ADMINS,
    ("POST", "/v1/api-keys/{name}/revoke"): ADMINS,
}


def call(method: str, path: str, headers: dict[str, str]) -> int:
    url = PATH_PARAMETER.sub(SOME_UUID, path)
    client = TestClient(APP, raise_server_exceptions=False)
    return client.request(method, url, headers=headers, json={}).status_code


def test_every_api_route_has_an_access_rule() -> None:
    assert set(API_ROUTES) == set(ACCESS), "a route without a rule here (or a rule without a route)"


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
@pytest.mark.parametrize("key", BAD_KEYS)
def test_every_api_route_refuses_a_missing_or_wrong_key(method: str, path: str, key: str) -> None:
    url = PATH_PARAMETER.sub(SOME_UUID, path)
    response = TestClient(APP).request(method, url, headers=BAD_KEYS[key], json={})
    assert response.status_code == 401, f"{method} {path} with {key} key: {response.status_code}"
    assert response.headers["WWW-Authenticate"] == "APIKey"


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
@pytest.mark.parametrize("role", list(Role))
def test_every_api_route_lets_in_exactly_the_roles_allowed(method: str, path: str, role: Role) -> None:
    status = call(method, path, {"X-API-Key": ROLE_KEYS[role]})
    if role in ACCESS.get((method, path), set()):
        assert status not in (401, 403), f"{role} refused on {method} {path}: {status}"
    else:
        assert status == 403, f"{role} on {method} {path}: {status}"
