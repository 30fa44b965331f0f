"""Bearer tokens from the real Keycloak of the local stack (`make up`): one user per role sees what the role
allows; expired, wrong-audience, wrong-issuer, tampered, unknown-key and role-less tokens are refused with
a clear body."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from services.api import create_app
from services.common.config import CommonSettings
from services.index.templates import delete_templates

pytestmark = pytest.mark.integration
KEYCLOAK = "http://127.0.0.1:8180"
ISSUER = f"{KEYCLOAK}/realms/caresignal"


def token_for(user: str, client_id: str = "caresignal-test", base: str = KEYCLOAK) -> str:
    response = httpx.post(
        f"{base}/realms/caresignal/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": client_id,
            "username": user,
            "password": f"{user}-password",
        },
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


@pytest.fixture(scope="module")
def keycloak() -> None:
    try:
        httpx.get(f"{ISSUER}/.well-known/openid-configuration", timeout=5).raise_for_status()
    except httpx.HTTPError as error:
        pytest.fail(
            f"Keycloak is not reachable at {KEYCLOAK}: {error}; run `make up` (or `caresignal stack up`)"
        )


@pytest.fixture
def client(settings: CommonSettings, es: Elasticsearch, keycloak: None) -> Iterator[TestClient]:
    with TestClient(
        create_app(settings.model_copy(update={"oidc_issuer": ISSUER, "oidc_leeway_seconds": 0}))
    ) as c:
        yield c
    delete_templates(es, settings)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("user", "search", "export", "keys"),
    [
        ("viewer", 200, 403, 403),
        ("analyst", 200, 200, 403),
        ("sensitive", 200, 200, 403),
        ("admin", 200, 200, 200),
    ],
)
def test_each_role_from_keycloak_gets_what_it_allows(
    client: TestClient, user: str, search: int, export: int, keys: int
) -> None:
    headers = bearer(token_for(user))
    assert client.get("/v1/search", headers=headers).status_code == search
    assert client.get("/v1/search/export", headers=headers).status_code == export
    assert client.get("/v1/api-keys", headers=headers).status_code == keys


def test_unacceptable_tokens_are_refused_with_the_reason(client: TestClient) -> None:
    def refused(token: str) -> tuple[int, str]:
        response = client.get("/v1/search", headers=bearer(token))
        if response.status_code == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        return response.status_code, response.json()["detail"]

    short = token_for("analyst", "caresignal-test-short")  # lives 1 s
    time.sleep(2.5)
    assert refused(short) == (401, "the token has expired")
    assert refused(token_for("analyst", "caresignal-other-api"))[1].startswith(
        "the token is not for this API"
    )
    assert refused(token_for("analyst", base="http://localhost:8180")) == (
        401,
        "the token is from another issuer",
    )

    header, payload, signature = token_for("viewer").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "caresignal_roles": ["admin"]}).encode()).decode()
    assert refused(f"{header}.{forged.rstrip('=')}.{signature}") == (
        401,
        "the token's signature does not verify",
    )

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    unknown = jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": "not-a-keycloak-key"})
    assert refused(unknown) == (401, "the token is signed with an unknown key")

    assert refused(token_for("norole")) == (
        403,
        "the token's caresignal_roles claim names no CareSignal role",
    )
