"""Errors of the web pages: every failure becomes a friendly GOV.UK error page, never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from services.common.errors import QueryError, SearchUnavailableError
from services.web.templating import render

log = logging.getLogger(__name__)
SERVICE_PROBLEM = (
    "Sorry, there is a problem with the service",
    "Try again later. If it keeps happening, tell the CareSignal team what you were doing.",
)


class SignInRequiredError(Exception):
    """No signed-in person: the page redirects to sign-in and comes back after (services/web/signin.py)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageError(Exception):
    """A page that cannot be shown: its status, a heading and what the user can do next."""

    def __init__(self, status_code: int, title: str, message: str) -> None:
        super().__init__(title)
        self.status_code, self.title, self.message = status_code, title, message


def page_error(error: Exception) -> PageError:
    """The page for a domain error of the query layer."""
    if isinstance(error, PageError):
        return error
    if isinstance(error, SearchUnavailableError):
        return PageError(
            503,
            "Sorry, there is a problem with the service",
            "CareSignal cannot reach its evidence store at the moment. Try again in a few minutes.",
        )
    if isinstance(error, QueryError) and error.status_code == 404:
        return PageError(404, "Page not found", str(error).capitalize() + ".")
    if isinstance(error, RequestValidationError):
        return PageError(404, "Page not found", "Check the address is correct.")
    return PageError(getattr(error, "status_code", 400), "There is a problem", str(error).capitalize() + ".")


def error_page(request: Request, error: PageError) -> Response:
    return render(request, "errors/error.html", {"error": error}, status_code=error.status_code)


class PageRoute(APIRoute):
    """Route class of the web routers: domain and validation errors render the error page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequiredError:
                raise
            except (QueryError, PageError, RequestValidationError) as error:
                return error_page(request, page_error(error))
            except Exception:  # a bug: logged with its traceback, never shown to the user
                log.exception("page %s failed", request.url.path)
                return error_page(request, PageError(500, *SERVICE_PROBLEM))

        return handle
