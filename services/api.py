"""The HTTP API: one FastAPI app that mounts each service's router (OpenAPI at /docs)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.alerts.api import router as alerts_router
from services.common.config import CommonSettings
from services.index.api import router as query_router
from services.ingest.api import close_intake
from services.ingest.api import router as intake_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Release the clients the routers opened lazily."""
    yield
    close_intake(app)


def create_app(settings: CommonSettings | None = None) -> FastAPI:
    """Build the app; every query and intake endpoint requires an API key (X-API-Key)."""
    app = FastAPI(
        title="CareSignal API",
        version="1.0.0",
        description="Evidence intake, area-intelligence search and profiles, and emerging-risk alerts.",
        lifespan=lifespan,
    )
    app.state.settings = settings or CommonSettings()

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(intake_router)
    app.include_router(query_router)
    app.include_router(alerts_router)
    return app
