"""Mount the web app on the FastAPI app: static assets, one router per page group, friendly errors."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.web.errors import PageError, error_page
from services.web.routes import alerts, areas, audit, home, providers, reports, search
from services.web.signin import mount_sign_in, require_page_user

STATIC = Path(__file__).parent / "static"
API_PATHS = ("/v1/", "/docs", "/redoc", "/openapi.json", "/healthz")


async def not_found_page(request: Request, error: StarletteHTTPException) -> Response:
    """Unknown pages get the friendly page; the JSON API keeps its JSON errors."""
    if request.url.path.startswith(API_PATHS) or error.status_code != 404:
        return await http_exception_handler(request, error)
    return error_page(request, PageError(404, "Page not found", "Check the address is correct."))


def mount_web(app: FastAPI, sign_in: bool = False) -> None:
    """Serve the pages at / (the API stays under /v1). Run `make assets` first to build STATIC. With
    `sign_in`, every page needs a signed-in person whose role allows it (services/web/signin.py)."""
    app.mount("/assets", StaticFiles(directory=STATIC, check_dir=False), name="assets")
    if sign_in:
        mount_sign_in(app)
    dependencies = [Depends(require_page_user)] if sign_in else []
    for module in (home, search, reports, areas, providers, alerts, audit):
        app.include_router(module.router, dependencies=dependencies)
    app.add_exception_handler(StarletteHTTPException, not_found_page)
