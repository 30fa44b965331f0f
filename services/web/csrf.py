"""CSRF protection for forms that change state: a double-submit token (cookie + hidden field).

A page with such a form gets a random token in a SameSite=Strict, HttpOnly cookie and the same token in
the form; a POST is accepted only when both are present and equal. Another site can neither read the
cookie nor make the browser send it.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import Depends, Form, Request, Response

from services.web.errors import PageError
from services.web.identity import Reviewer
from services.web.templating import render

CSRF_COOKIE = "caresignal_csrf"
CSRF_FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    """The token for this browser, made on first use (`set_csrf_cookie` sends a new one)."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_token", None)
    if token is None:
        token = request.state.new_csrf_token = secrets.token_urlsafe(32)
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    token = getattr(request.state, "new_csrf_token", None)
    if token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")


def render_form_page(
    request: Request,
    template: str,
    context: dict[str, Any],
    reviewer: Reviewer,
    errors: dict[str, str] | None = None,
) -> Response:
    """A page with forms that change state: the reviewer, the CSRF token (its cookie set), the `done`
    banner of the change just made, and the forms' errors (then status 400)."""
    response = render(
        request,
        template,
        {
            **context,
            "reviewer": reviewer,
            "csrf_token": csrf_token(request),
            "done": request.query_params.get("done"),
            "errors": errors or {},
            "error_prefix": bool(errors),
        },
        status_code=400 if errors else 200,
    )
    set_csrf_cookie(request, response)
    return response


def require_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not csrf_token or not secrets.compare_digest(cookie, csrf_token):
        raise PageError(
            403,
            "This form has expired",
            "Go back, reload the page and try again. Your change has not been made.",
        )


CsrfChecked = Annotated[None, Depends(require_csrf)]
