"""The `caresignal` command: mounts each service's commands under one Typer app."""

from __future__ import annotations

import typer

from deploy import cli as deploy_cli
from services.alerts import cli as alerts_cli
from services.classify import cli as classify_cli
from services.index import cli as index_cli
from services.ingest import cli as ingest_cli
from services.run import run

app = typer.Typer(
    name="caresignal",
    help="CareSignal: evidence ingestion, classification and area intelligence for care regulation.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.command("api")
def api(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the HTTP API (services.api:create_app) with uvicorn."""
    import uvicorn

    uvicorn.run("services.api:create_app", factory=True, host=host, port=port)


app.command("run")(run)

for module in (deploy_cli, ingest_cli, classify_cli, index_cli, alerts_cli):
    module.register(app)
