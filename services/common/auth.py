"""Authentication and authorisation shared by every HTTP router.

A request names its caller with a bearer token from the OpenID Connect provider (people, and services
with client credentials) or an `X-API-Key` (a key from settings, or one made by `caresignal api-keys
create`); each route declares the one permission it needs with
`Allowed(Permission.X)`, and gets the caller (`Principal`) back. No permission: 403; no caller: 401.
`tests/unit/common/test_route_access.py` fails for a route that declares none.
"""

from __future__ import annotations

import logging
from typing import Annotated

from elastic_transport import TransportError
from elasticsearch import ApiError
from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from services.common.api_keys import STORED_KEY_PREFIX, fingerprint, matching_key
from services.common.config import CommonSettings
from services.common.http import get_settings
from services.common.indices import Names
from services.common.key_store import find_key
from services.common.roles import Permission, Principal
from services.common.tokens import NoRoleError, ProviderUnavailableError, TokenError, TokenVerifier

log = logging.getLogger(__name__)

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="A key from `caresignal api-keys create` (or CARESIGNAL_API_KEYS).",
)

bearer = HTTPBearer(
    auto_error=False,
    description="An access token (JWT) from the OpenID Connect provider (CARESIGNAL_OIDC_*).",
)

UNAUTHENTICATED = HTTPException(
    status_code=status.HTTP_401_UNAUTHORIZED,
    detail="missing or invalid API key (send it in the X-API-Key header)",
    headers={"WWW-Authenticate": "APIKey"},
)


def principal_for_token(request: Request, token: str) -> Principal:
    """The caller a bearer token names: 401 with the reason when it is not acceptable, 403 without a role,
    503 when the provider's keys cannot be fetched."""
    verifier: TokenVerifier | None = getattr(request.app.state, "tokens", None)
    challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    if verifier is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bearer tokens are not accepted here", challenge)
    try:
        return verifier.principal(token)
    except TokenError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), challenge) from error
    except NoRoleError as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(error)) from error
    except ProviderUnavailableError as error:
        log.warning("%s", error)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "cannot check the token now", headers={"Retry-After": "5"}
        ) from error


def principal_for_key(request: Request, settings: CommonSettings, key: str | None) -> Principal:
    """The caller an API key names; 401 when none does, 503 when the key store cannot be read."""
    if not key:
        raise UNAUTHENTICATED
    configured = matching_key(settings.api_keys, key)
    if configured is not None:
        return Principal(
            subject=fingerprint(configured.digest),
            name=configured.name,
            role=configured.role,
            client="api-key",
        )
    if not key.startswith(STORED_KEY_PREFIX):
        raise UNAUTHENTICATED
    try:
        stored = find_key(request.app.state.es, Names(settings), key)
    except (TransportError, ApiError) as error:
        log.warning("API key store unreadable: %s", error)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "cannot check the API key now", headers={"Retry-After": "5"}
        ) from error
    if stored is None:
        raise UNAUTHENTICATED
    return Principal(subject=stored.fingerprint, name=stored.name, role=stored.role, client="api-key")


class Allowed:
    """Dependency: the caller, if their role grants `permission` (401 without a caller, 403 without it)."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(
        self,
        request: Request,
        settings: Annotated[CommonSettings, Depends(get_settings)],
        key: Annotated[str | None, Security(api_key_header)],
        token: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
    ) -> Principal:
        if token is not None:
            principal = principal_for_token(request, token.credentials)
        else:
            principal = principal_for_key(request, settings, key)
        request.state.principal = principal  # the audit trail names who acted, allowed or not
        if not principal.can(self.permission):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"the {principal.role.value} role may not do this "
                f"(it needs the {self.permission.value} permission)",
            )
        return principal


async def authorize(request: Request, permission: Permission) -> Principal:
    """`Allowed(permission)` outside dependency injection (a route class checking before it answers)."""
    key, token = await api_key_header(request), await bearer(request)
    return await run_in_threadpool(Allowed(permission), request, get_settings(request), key, token)


Reader = Annotated[Principal, Depends(Allowed(Permission.READ))]
Exporter = Annotated[Principal, Depends(Allowed(Permission.EXPORT))]
Corrector = Annotated[Principal, Depends(Allowed(Permission.CORRECT))]
AlertActor = Annotated[Principal, Depends(Allowed(Permission.ACT_ON_ALERTS))]
RuleReader = Annotated[Principal, Depends(Allowed(Permission.READ_RULES))]
Submitter = Annotated[Principal, Depends(Allowed(Permission.INGEST))]
KeyManager = Annotated[Principal, Depends(Allowed(Permission.MANAGE_KEYS))]
AuditReader = Annotated[Principal, Depends(Allowed(Permission.READ_AUDIT))]


def visible_names(settings: CommonSettings, caller: Principal) -> Names:
    """Index names whose evidence reads hold restricted items only for callers allowed to see them."""
    return Names(settings, include_restricted=caller.can(Permission.READ_RESTRICTED))
