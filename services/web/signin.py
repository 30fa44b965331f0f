"""Sign-in to the web app with OpenID Connect: authorisation code with PKCE (Authlib), the session in a
signed cookie, sign-out at the provider, and who may open which page.

On when `CARESIGNAL_WEB_SIGN_IN=true` (required in prod): every page then needs a signed-in person with a
CareSignal role; the role comes from the access token, checked like the API's bearer tokens
(`services/common/tokens.py`). The session cookie (Starlette's SessionMiddleware, signed with
`CARESIGNAL_WEB_SESSION_SECRET`) is HttpOnly, SameSite=Lax (the provider's redirect back is a top-level
GET), Secure unless the app is served on localhost, and expires after `CARESIGNAL_WEB_SESSION_SECONDS`.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.middleware.sessions import SessionMiddleware

from services.common.roles import Permission, Principal
from services.common.tokens import NoRoleError, TokenError, TokenVerifier
from services.web.errors import PageError, PageRoute, SignInRequiredError

SESSION_KEY = "user"
SIGN_IN_PATH = "/auth/login"
PUBLIC_PATHS = ("/auth/", "/assets/")
# What each page needs beyond reading (first match wins); every other page needs `read`.
PAGE_PERMISSIONS: tuple[tuple[str, re.Pattern[str], Permission], ...] = (
    ("POST", re.compile(r"^/alerts/[^/]+/[^/]+$"), Permission.ACT_ON_ALERTS),
    ("POST", re.compile(r"^/evidence/[^/]+/corrections$"), Permission.CORRECT),
    ("GET", re.compile(r"^/search/export\.csv$"), Permission.EXPORT),
    ("GET", re.compile(r"^/areas/[^/]+/report(\.pdf)?$"), Permission.EXPORT),  # the review pack is an export
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def page_permission(method: str, path: str) -> Permission:
    return next(
        (
            permission
            for verb, pattern, permission in PAGE_PERMISSIONS
            if verb == method and pattern.match(path)
        ),
        Permission.READ,
    )


def signed_in(request: Request) -> Principal | None:
    """The person of this browser's session, while it has not expired."""
    user: dict[str, Any] | None = request.session.get(SESSION_KEY)
    if not user or user.get("expires_at", 0) < time.time():
        return None
    return Principal.model_validate(user["principal"])


def require_page_user(request: Request) -> None:
    """Dependency of every page router when sign-in is on: redirect strangers, 403 without the permission."""
    principal = signed_in(request)
    if principal is None:
        raise SignInRequiredError(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    request.state.principal = principal  # the audit trail and the pages read it
    permission = page_permission(request.method, request.url.path)
    if not principal.can(permission):
        raise PageError(
            403, "You cannot see this page", f"Your role ({principal.role.value}) does not allow it."
        )


async def sign_in_redirect(request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInRequiredError)
    return RedirectResponse(f"{SIGN_IN_PATH}?{urlencode({'next': error.next_path})}", status_code=303)


def _safe_next(value: str | None) -> str:
    """Only a path of this app (no scheme, no host, no `//`): never an open redirect."""
    return value if value and value.startswith("/") and not value.startswith("//") else "/"


@router.get(SIGN_IN_PATH)
async def sign_in(request: Request, next: str | None = None) -> Response:  # noqa: A002 (the query name)
    request.session["next"] = _safe_next(next)
    client = request.app.state.oauth.caresignal
    return await client.authorize_redirect(request, str(request.url_for("signed_in_callback")))


@router.get("/auth/callback", name="signed_in_callback")
async def callback(request: Request) -> Response:
    settings = request.app.state.settings
    verifier: TokenVerifier = request.app.state.tokens
    try:
        token = await request.app.state.oauth.caresignal.authorize_access_token(request)
        principal = verifier.principal(token["access_token"])
    except (OAuthError, TokenError) as error:
        raise PageError(401, "Sign-in did not work", "Try signing in again.") from error
    except NoRoleError as error:
        raise PageError(403, "You have no CareSignal role", "Ask an administrator for one.") from error
    request.session[SESSION_KEY] = {
        "principal": principal.model_dump(mode="json"),
        "expires_at": time.time() + settings.web_session_seconds,
        "id_token": token.get("id_token"),
    }
    request.state.principal = principal
    return RedirectResponse(_safe_next(request.session.pop("next", None)), status_code=303)


@router.get("/auth/logout")
async def sign_out(request: Request) -> Response:
    principal = signed_in(request)
    if principal is not None:
        request.state.principal = principal  # the sign-out is audited with who
    user = request.session.pop(SESSION_KEY, None) or {}
    metadata = await request.app.state.oauth.caresignal.load_server_metadata()
    end = metadata.get("end_session_endpoint")
    if not end:
        return RedirectResponse("/", status_code=303)
    back = str(request.url_for("signed_out"))
    query = {"post_logout_redirect_uri": back, "client_id": request.app.state.settings.web_client_id}
    if user.get("id_token"):
        query["id_token_hint"] = user["id_token"]
    return RedirectResponse(f"{end}?{urlencode(query)}", status_code=303)


@router.get("/auth/signed-out", name="signed_out")
def signed_out() -> Response:
    return RedirectResponse("/", status_code=303)


def mount_sign_in(app: FastAPI) -> None:
    """The session cookie, the OIDC client and the /auth routes (call before mounting the pages)."""
    settings = app.state.settings
    oauth = OAuth()
    oauth.register(
        "caresignal",
        client_id=settings.web_client_id,
        client_secret=settings.web_client_secret.get_secret_value(),
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
    )
    app.state.oauth = oauth
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.web_session_secret.get_secret_value(),
        session_cookie="caresignal_session",
        max_age=int(settings.web_session_seconds),
        same_site="lax",
        https_only=not settings.web_served_on_localhost,
    )
    app.add_exception_handler(SignInRequiredError, sign_in_redirect)
    app.include_router(router)
