"""The `caresignal` command: mounts each service's commands under one Typer app."""

from __future__ import annotations

import typer

from deploy import cli as deploy_cli
from services.alerts import cli as alerts_cli
from services.classify import cli as classify_cli
from services.classify import worker_cli as classify_worker_cli
from services.index import cli as index_cli
from services.ingest import cli as ingest_cli
from services.run import run

app = typer.Typer(
    name="caresignal",
    help="CareSignal: evidence ingestion, classification and area intelligence for care regulation.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

app.command("run")(run)

for module in (deploy_cli, ingest_cli, classify_cli, classify_worker_cli, index_cli, alerts_cli):
    module.register(app)
