"""Who is using the web app: the one dependency that sign-in will replace.

Until sign-in exists the app asks for a name on alert actions and remembers it in a cookie; the app is
served on 127.0.0.1 only. An OIDC-backed dependency with roles can replace `current_reviewer` without
touching the routers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response
from pydantic import BaseModel

REVIEWER_COOKIE = "caresignal_reviewer"


class Reviewer(BaseModel):
    """The person acting; `name` is None until they have given it."""

    name: str | None = None


def current_reviewer(request: Request) -> Reviewer:
    """The signed-in person's name; without sign-in, the name this browser gave last."""
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        return Reviewer(name=principal.name)
    name = (request.cookies.get(REVIEWER_COOKIE) or "").strip()
    return Reviewer(name=name or None)


def remember_reviewer(response: Response, name: str) -> None:
    """Keep the name the reviewer typed for their next action (this browser only)."""
    response.set_cookie(REVIEWER_COOKIE, name, httponly=True, samesite="strict", max_age=60 * 60 * 24 * 30)


CurrentReviewer = Annotated[Reviewer, Depends(current_reviewer)]
