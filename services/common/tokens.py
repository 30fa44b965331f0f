"""OAuth2 bearer tokens (JWT) from the OpenID Connect provider: signature against its JWKS, issuer,
audience, expiry; the caller's role from a configurable claim.

Keys are fetched from the provider's `jwks_uri` (found through its discovery document) and cached; a token
signed with a key id not in the cache fetches the set again (the provider rotated its keys), at most once
per `REFETCH_SECONDS`, so unknown key ids cannot make us hammer the provider.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from services.common.config import CommonSettings
from services.common.roles import Principal, Role

log = logging.getLogger(__name__)

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
REFETCH_SECONDS = 10.0
ROLE_ORDER = (Role.ADMIN, Role.SENSITIVE, Role.ANALYST, Role.VIEWER)  # a person with several: the widest
FetchJwks = Callable[[], dict[str, Any]]


class TokenError(Exception):
    """The token is not acceptable (401); the message says why, never echoes the token."""


class NoRoleError(Exception):
    """A valid token whose roles claim names no CareSignal role (403)."""


class ProviderUnavailableError(Exception):
    """The provider's keys cannot be fetched (503)."""


def discovered_jwks(issuer: str, timeout: float = 5.0) -> FetchJwks:
    """Fetch the key set from the `jwks_uri` of the issuer's discovery document (read once)."""
    state: dict[str, str] = {}

    def fetch() -> dict[str, Any]:
        try:
            if "uri" not in state:
                found = httpx.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=timeout)
                found.raise_for_status()
                state["uri"] = found.json()["jwks_uri"]
            keys = httpx.get(state["uri"], timeout=timeout)
            keys.raise_for_status()
            return keys.json()
        except (httpx.HTTPError, ValueError, KeyError) as error:
            raise ProviderUnavailableError(
                f"the identity provider's keys cannot be fetched: {error}"
            ) from error

    return fetch


def claim_at(claims: dict[str, Any], path: str) -> Any:
    """A claim by dotted path, e.g. `realm_access.roles` or `caresignal_roles`."""
    value: Any = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


class TokenVerifier:
    """Turns a bearer token into the Principal it names, or says why not."""

    def __init__(self, settings: CommonSettings, fetch_jwks: FetchJwks | None = None) -> None:
        if not settings.oidc_issuer:
            raise ValueError("no OpenID Connect issuer configured")
        self.issuer = settings.oidc_issuer
        self.audience = settings.oidc_audience
        self.roles_claim = settings.oidc_roles_claim
        self.leeway = settings.oidc_leeway_seconds
        self.fetch_jwks = fetch_jwks or discovered_jwks(self.issuer)
        self._keys: dict[str, Any] = {}
        self._fetched_at = -REFETCH_SECONDS
        self._lock = threading.Lock()

    def _key(self, kid: str) -> Any:
        with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= REFETCH_SECONDS:
                self._fetched_at = time.monotonic()
                key_set = jwt.PyJWKSet.from_dict(self.fetch_jwks())
                self._keys = {key.key_id: key for key in key_set.keys if key.key_id}
            if kid not in self._keys:
                raise TokenError("the token is signed with an unknown key")
            return self._keys[kid]

    def principal(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as error:
            raise TokenError("the bearer token is not a JWT") from error
        kid = header.get("kid")
        if not isinstance(kid, str) or header.get("alg") not in ALGORITHMS:
            raise TokenError("the token names no key id or an algorithm not accepted")
        key = self._key(kid)
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[header["alg"]],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenError("the token has expired") from error
        except jwt.InvalidAudienceError as error:
            raise TokenError(f"the token is not for this API (audience {self.audience})") from error
        except jwt.MissingRequiredClaimError as error:
            if error.claim == "aud":
                raise TokenError(f"the token is not for this API (audience {self.audience})") from error
            raise TokenError(f"the token has no {error.claim} claim") from error
        except jwt.InvalidIssuerError as error:
            raise TokenError("the token is from another issuer") from error
        except jwt.InvalidSignatureError as error:
            raise TokenError("the token's signature does not verify") from error
        except jwt.InvalidTokenError as error:
            raise TokenError(f"the token is not valid: {type(error).__name__}") from error
        return self._principal(claims)

    def _principal(self, claims: dict[str, Any]) -> Principal:
        granted = claim_at(claims, self.roles_claim)
        names = {granted} if isinstance(granted, str) else set(granted or [])
        role = next((role for role in ROLE_ORDER if role.value in names), None)
        if role is None:
            raise NoRoleError(f"the token's {self.roles_claim} claim names no CareSignal role")
        name = claims.get("preferred_username") or claims.get("name") or claims["sub"]
        return Principal(
            subject=claims["sub"], name=str(name), role=role, client=str(claims.get("azp", "oidc"))
        )
