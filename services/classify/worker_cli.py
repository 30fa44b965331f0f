"""`caresignal classify-worker`: run the faust stream worker of the classify service."""

from __future__ import annotations

from typing import Annotated

import typer

from services.classify.worker_config import WorkerSettings


def run_worker(settings: WorkerSettings) -> None:
    """Run the worker until it is stopped (Ctrl-C, SIGTERM) or crashes (exit code 1)."""
    import faust

    from services.classify.app import create_app

    app = create_app(settings)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False)
    worker.execute_from_commandline()


def classify_worker(
    web_port: Annotated[
        int | None, typer.Option(help="Port of the worker's web server (/metrics); give each worker its own.")
    ] = None,
    batch_size: Annotated[int | None, typer.Option(help="Items per spaCy batch.")] = None,
    no_web: Annotated[bool, typer.Option("--no-web", help="Run without the web server.")] = False,
) -> None:
    """Classify raw evidence from Kafka: spaCy analysis, redaction, area resolution, dead letters."""
    overrides: dict[str, object] = {"worker_web_enabled": not no_web}
    if web_port is not None:
        overrides["worker_web_port"] = web_port
    if batch_size is not None:
        overrides["worker_batch_size"] = batch_size
    run_worker(WorkerSettings(**overrides))  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    """Add `classify-worker` to the root app."""
    app.command("classify-worker")(classify_worker)
