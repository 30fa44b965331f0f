"""Bearer tokens checked against the provider's keys: signature, issuer, audience, expiry, key rotation and
the role claim; every refusal says why."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from services.common.config import CommonSettings
from services.common.roles import Role
from services.common.tokens import NoRoleError, TokenError, TokenVerifier

ISSUER = "https://login.example/realms/caresignal"
SETTINGS = CommonSettings(oidc_issuer=ISSUER, oidc_audience="caresignal-api", oidc_leeway_seconds=0)


class Provider:
    """Signs tokens and serves its public keys, as an identity provider would; counts fetches."""

    def __init__(self) -> None:
        self.keys = {"k1": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
        self.fetches = 0

    def jwks(self) -> dict[str, Any]:
        self.fetches += 1
        public = []
        for kid, key in self.keys.items():
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            public.append({**jwk, "kid": kid, "alg": "RS256", "use": "sig"})
        return {"keys": public}

    def token(self, kid: str = "k1", key: Any = None, **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": "caresignal-api", "sub": "u-1", "iat": now, "exp": now + 300}
        body |= {"preferred_username": "asha", "caresignal_roles": ["viewer", "analyst"], "azp": "web"}
        return jwt.encode(body | claims, key or self.keys[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def provider() -> Provider:
    return Provider()


def test_a_valid_token_names_the_person_with_their_widest_role(provider: Provider) -> None:
    principal = TokenVerifier(SETTINGS, provider.jwks).principal(provider.token())
    assert (principal.subject, principal.name, principal.role, principal.client) == (
        "u-1",
        "asha",
        Role.ANALYST,
        "web",
    )


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"exp": int(time.time()) - 5}, "expired"),
        ({"aud": "another-api"}, "not for this API"),
        ({"iss": "https://evil.example/realms/caresignal"}, "another issuer"),
    ],
)
def test_expired_foreign_and_misaddressed_tokens_are_refused(
    provider: Provider, claims: dict[str, Any], reason: str
) -> None:
    with pytest.raises(TokenError, match=reason):
        TokenVerifier(SETTINGS, provider.jwks).principal(provider.token(**claims))


def test_a_tampered_token_and_an_unknown_key_are_refused(provider: Provider) -> None:
    verifier = TokenVerifier(SETTINGS, provider.jwks)
    header, payload, signature = provider.token().split(".")
    forged = jwt.utils.base64url_encode(
        json.dumps(
            {
                **jwt.decode(provider.token(), options={"verify_signature": False}),
                "caresignal_roles": ["admin"],
            }
        ).encode()
    ).decode()
    with pytest.raises(TokenError, match="signature"):
        verifier.principal(f"{header}.{forged}.{signature}")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(TokenError, match="unknown key"):
        verifier.principal(provider.token(kid="k9", key=stranger))
    with pytest.raises(TokenError, match="not a JWT"):
        verifier.principal("not-a-token")


def test_a_rotated_key_is_fetched_once_and_unknown_ids_do_not_refetch_each_time(provider: Provider) -> None:
    verifier = TokenVerifier(SETTINGS, provider.jwks)
    verifier.principal(provider.token())
    provider.keys["k2"] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    verifier._fetched_at -= 60  # the refetch interval has passed  # noqa: SLF001
    assert verifier.principal(provider.token(kid="k2")).subject == "u-1"
    assert provider.fetches == 2
    for _ in range(5):
        with pytest.raises(TokenError, match="unknown key"):
            verifier.principal(provider.token(kid="k7", key=provider.keys["k1"]))
    assert provider.fetches == 2  # within REFETCH_SECONDS: no more fetches


def test_a_token_without_a_caresignal_role_is_refused_and_the_claim_is_configurable(
    provider: Provider,
) -> None:
    with pytest.raises(NoRoleError, match="caresignal_roles"):
        TokenVerifier(SETTINGS, provider.jwks).principal(provider.token(caresignal_roles=["offline_access"]))
    nested = CommonSettings(oidc_issuer=ISSUER, oidc_roles_claim="realm_access.roles", oidc_leeway_seconds=0)
    token = provider.token(realm_access={"roles": ["sensitive"]})
    assert TokenVerifier(nested, provider.jwks).principal(token).role is Role.SENSITIVE
