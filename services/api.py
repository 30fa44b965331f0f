"""The HTTP API: one FastAPI app that mounts each service's router (OpenAPI at /docs).

The app's lifespan makes the clients every router shares once (settings, Elasticsearch, producer);
each router's own lifespan adds what only it needs (index templates, the seen store, the alert rules).
Routers receive them through the `Annotated` dependencies in `services/common/http.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from elasticsearch import Elasticsearch
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import Field, SecretStr, model_validator
from starlette.responses import Response

from services.access.api import router as keys_router
from services.alerts.api import router as alerts_router
from services.alerts.config import AlertsSettings
from services.common.audit import AuditMiddleware, KafkaAuditSink, audited_paths
from services.common.config import CommonSettings
from services.common.kafka import SharedProducer
from services.common.metrics import RequestMetrics, exposition
from services.common.rate_limits import LimitKind, RateLimiter
from services.common.tokens import TokenVerifier
from services.index.api import router as query_router
from services.index.corrections_api import router as corrections_router
from services.ingest.api import router as intake_router
from services.ingest.config import IngestSettings
from services.report.api import router as report_router
from services.report.config import ReportSettings
from services.web.app import mount_web

PRODUCER_MAX_BLOCK_MS = 10_000  # a request waits at most this long for the broker's metadata


class ApiSettings(IngestSettings, ReportSettings, AlertsSettings):
    """Every setting the routers read: the API serves intake, search and profiles, and alerts."""

    web_enabled: bool = Field(default=True, description="Serve the web app at /.")
    web_sign_in: bool = Field(
        default=False,
        description="Pages need an OpenID Connect sign-in (required in prod; off: serve on 127.0.0.1 only).",
    )
    web_client_id: str = Field(default="caresignal-web", description="The web app's client at the provider.")
    web_client_secret: SecretStr = Field(default=SecretStr("caresignal-web-dev-secret"))
    web_session_secret: SecretStr = Field(
        default=SecretStr("dev-session-secret"),
        description="Signs the session cookie (32+ characters in prod).",
    )
    web_session_seconds: float = Field(
        default=8 * 3600, gt=0, description="A session ends this long after sign-in."
    )
    web_public_url: str = Field(default="http://127.0.0.1:8000", description="Where people open the web app.")

    @property
    def web_served_on_localhost(self) -> bool:
        return urlsplit(self.web_public_url).hostname in ("127.0.0.1", "localhost", "::1")

    @model_validator(mode="after")
    def _web_signed_in_in_prod(self) -> ApiSettings:
        if self.environment != "prod" or not self.web_enabled:
            return self
        if not self.web_sign_in:
            raise ValueError("CARESIGNAL_WEB_SIGN_IN must be on in prod (or CARESIGNAL_WEB_ENABLED off)")
        if len(self.web_session_secret.get_secret_value()) < 32 or self.web_served_on_localhost:
            raise ValueError(
                "in prod set CARESIGNAL_WEB_SESSION_SECRET (32+ characters) and CARESIGNAL_WEB_PUBLIC_URL"
            )
        return self

    api_docs_enabled: bool | None = Field(
        default=None,
        description="Serve /docs, /redoc and /openapi.json (Swagger UI loads from a public CDN); "
        "unset: on, except in prod.",
    )

    api_metrics_enabled: bool | None = Field(
        default=None,
        description="Serve the Prometheus exposition at /metrics (no caller needed: only the scraper should "
        "reach it); unset: on, except in prod.",
    )

    rate_limit_search_per_minute: int = Field(
        default=600, ge=0, description="Searches (and pages of search) per caller per minute; 0: no limit."
    )
    rate_limit_export_per_minute: int = Field(
        default=60, ge=0, description="Exports (CSV, review packs) per caller per minute; 0: no limit."
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Origins (scheme://host[:port]) whose pages may call the API from a browser (JSON list); "
        "empty: none (closed), so no other site's script can read an answer.",
    )

    @property
    def docs(self) -> bool:
        return self.api_docs_enabled if self.api_docs_enabled is not None else self.environment != "prod"

    @property
    def metrics(self) -> bool:
        return (
            self.api_metrics_enabled if self.api_metrics_enabled is not None else self.environment != "prod"
        )


# Headers on every response. The API serves evidence about people: never cached, never framed, never
# sniffed. The interactive docs (off in prod) load Swagger UI from its CDN and run an inline script.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
DOCS_PATHS = ("/docs", "/redoc")


async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    response.headers.update(SECURITY_HEADERS)
    docs = request.url.path.startswith(DOCS_PATHS)
    response.headers["Content-Security-Policy"] = (
        DOCS_CONTENT_SECURITY_POLICY if docs else CONTENT_SECURITY_POLICY
    )
    return response


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Make the shared clients at start-up; close them at shutdown."""
    settings: ApiSettings = app.state.settings
    app.state.es = Elasticsearch(**settings.es_options())
    app.state.producer = SharedProducer(settings, max_block_ms=PRODUCER_MAX_BLOCK_MS)
    app.state.audit = KafkaAuditSink(settings, app.state.producer)
    app.state.tokens = TokenVerifier(settings) if settings.oidc_issuer else None
    try:
        yield
    finally:
        app.state.producer.close()
        app.state.es.close()


async def validation_error(request: Request, error: Exception) -> JSONResponse:
    """422 with where and why, never the value sent: bodies carry personal data (no `input`, no `ctx`)."""
    assert isinstance(error, RequestValidationError)
    problems = [
        {"loc": problem["loc"], "msg": problem["msg"], "type": problem["type"]} for problem in error.errors()
    ]
    return JSONResponse(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, content={"detail": problems})


def create_app(settings: CommonSettings | None = None) -> FastAPI:
    """Build the app: the JSON API under /v1 (every endpoint but /healthz and /metrics needs a caller
    whose role allows it) and the web app at /."""
    if settings is None:
        settings = ApiSettings()
    elif not isinstance(settings, ApiSettings):
        settings = ApiSettings(**settings.model_dump())
    app = FastAPI(
        title="CareSignal API",
        version="1.0.0",
        description="Evidence intake, area-intelligence search and profiles, and emerging-risk alerts.",
        lifespan=lifespan,
        docs_url="/docs" if settings.docs else None,
        redoc_url="/redoc" if settings.docs else None,
        openapi_url="/openapi.json" if settings.docs else None,
    )
    app.state.settings = settings
    app.state.rate_limiter = RateLimiter(
        {
            LimitKind.SEARCH: settings.rate_limit_search_per_minute,
            LimitKind.EXPORT: settings.rate_limit_export_per_minute,
        }
    )
    app.add_exception_handler(RequestValidationError, validation_error)
    # inside the security headers: a refusal carries them too; signed-in pages are audited like the API
    app.add_middleware(
        AuditMiddleware, audited=audited_paths(web=settings.web_enabled and settings.web_sign_in)
    )
    app.middleware("http")(security_headers)
    if settings.cors_origins:  # closed by default: without the middleware no response allows another origin
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    app.add_middleware(RequestMetrics)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if settings.metrics:

        @app.get("/metrics", include_in_schema=False)
        def prometheus_metrics() -> Response:
            """Prometheus exposition (no personal data; the chart's NetworkPolicy limits who may scrape)."""
            body, content_type = exposition()
            return Response(body, media_type=content_type)

    app.include_router(intake_router)
    app.include_router(query_router)
    app.include_router(corrections_router)
    app.include_router(alerts_router)
    app.include_router(report_router)
    app.include_router(keys_router)
    if settings.web_enabled:
        mount_web(app, sign_in=settings.web_sign_in)
    return app
