"""Every JSON API route, read from the app's OpenAPI route table, refuses a missing or wrong X-API-Key."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from services.api import create_app

APP = create_app()  # no lifespan: a route that served without a key would fail on the missing clients
API_ROUTES = [
    (method.upper(), path)
    for path, operations in APP.openapi()["paths"].items()
    if path.startswith("/v1/")
    for method in operations
]
PATH_PARAMETER = re.compile(r"\{[^}]+\}")
SOME_UUID = "5f0c6d2e-8b1a-4f3e-9c7d-2a4b6e8f0a1c"  # valid for every path parameter (ids, codes, uuids)
BAD_KEYS = {"none": {}, "empty": {"X-API-Key": ""}, "wrong": {"X-API-Key": "wrong-key"}}


def test_the_route_table_holds_every_api_route() -> None:
    paths = {path for _, path in API_ROUTES}
    assert {"/v1/evidence", "/v1/search", "/v1/alerts/{alert_id}/close", "/v1/overview"} <= paths
    assert len(API_ROUTES) >= 12


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
@pytest.mark.parametrize("key", BAD_KEYS)
def test_every_api_route_refuses_a_missing_or_wrong_key(method: str, path: str, key: str) -> None:
    url = PATH_PARAMETER.sub(SOME_UUID, path)
    response = TestClient(APP).request(method, url, headers=BAD_KEYS[key], json={})
    assert response.status_code == 401, f"{method} {path} with {key} key: {response.status_code}"
    assert response.headers["WWW-Authenticate"] == "APIKey"
