"""Every route in the app's OpenAPI route table, called with no key, a wrong key and as every role, each
call leaving one audit event: the access matrix below is the README's, written out independently of
services/common/roles.py, and a route that is not in it (a new endpoint without a rule) fails."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from schemas import AuditRecorded
from services.api import ApiSettings, create_app
from services.common.api_keys import ConfiguredKey
from services.common.roles import Role

ROLE_KEYS = {role: f"{role.value}-test-key" for role in Role}
KEYS = [ConfiguredKey(name=role.value, role=role, key=SecretStr(key)) for role, key in ROLE_KEYS.items()]
APP = create_app(ApiSettings(api_keys=KEYS))  # no lifespan: past authorisation a call fails on the clients
AUDITED: list[AuditRecorded] = []
APP.state.audit = AUDITED.append
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
    ("GET", "/v1/areas/{code}/report"): ANALYSTS,
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
    ("GET", "/v1/audit"): ADMINS,
}


def call(method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    """The status, after checking that the call left exactly one audit event naming it."""
    url = PATH_PARAMETER.sub(SOME_UUID, path)
    client = TestClient(APP, raise_server_exceptions=False)
    AUDITED.clear()
    response = client.request(method, url, headers=headers, json={})
    (event,) = AUDITED
    assert (event.action, event.status_code) == (f"{method} {path}", response.status_code)
    return response


def test_every_api_route_has_an_access_rule() -> None:
    assert set(API_ROUTES) == set(ACCESS), "a route without a rule here (or a rule without a route)"


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
@pytest.mark.parametrize("key", BAD_KEYS)
def test_every_api_route_refuses_a_missing_or_wrong_key(method: str, path: str, key: str) -> None:
    response = call(method, path, BAD_KEYS[key])
    assert response.status_code == 401, f"{method} {path} with {key} key: {response.status_code}"
    assert response.headers["WWW-Authenticate"] == "APIKey"
    assert AUDITED[0].outcome == "denied" and AUDITED[0].actor.subject is None


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
@pytest.mark.parametrize("role", list(Role))
def test_every_api_route_lets_in_exactly_the_roles_allowed(method: str, path: str, role: Role) -> None:
    status = call(method, path, {"X-API-Key": ROLE_KEYS[role]}).status_code
    assert (AUDITED[0].actor.name, AUDITED[0].actor.role) == (role.value, role.value)
    if role in ACCESS.get((method, path), set()):
        assert status not in (401, 403), f"{role} refused on {method} {path}: {status}"
    else:
        assert status == 403, f"{role} on {method} {path}: {status}"
