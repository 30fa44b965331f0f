"""The `caresignal` command: mounts each service's commands under one Typer app."""

from __future__ import annotations

from typing import Annotated

import typer

from deploy import cli as deploy_cli
from services.access import cli as access_cli
from services.alerts import cli as alerts_cli
from services.classify import cli as classify_cli
from services.index import cli as index_cli
from services.ingest import cli as ingest_cli
from services.reclassify import cli as reclassify_cli
from services.report import cli as report_cli
from services.run import run

app = typer.Typer(
    name="caresignal",
    help="CareSignal: evidence ingestion, classification and area intelligence for care regulation.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@app.command("api")
def api(
    host: str = "127.0.0.1",
    port: int = 8000,
    web: Annotated[bool, typer.Option(help="Serve the web app at / beside the API under /v1.")] = True,
) -> None:
    """Serve the HTTP API and the web app (services.api:create_app) with uvicorn."""
    import uvicorn

    from services.api import ApiSettings, create_app
    from services.common.logs import logging_config
    from services.common.tracing import configure_tracing

    settings = ApiSettings(web_enabled=web)
    if web and host not in LOOPBACK and not settings.web_sign_in:
        raise typer.BadParameter(
            "the web app has no sign-in: serve it on 127.0.0.1, set CARESIGNAL_WEB_SIGN_IN=true, "
            "or pass --no-web to expose only the API",
            param_hint="--host",
        )
    configure_tracing(settings, "caresignal-api")
    uvicorn.run(create_app(settings), host=host, port=port, log_config=logging_config(settings))


app.command("run")(run)

for module in (
    deploy_cli,
    ingest_cli,
    classify_cli,
    index_cli,
    alerts_cli,
    reclassify_cli,
    report_cli,
    access_cli,
):
    module.register(app)
