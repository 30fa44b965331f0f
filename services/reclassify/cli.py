"""`caresignal reclassify`: the current model over everything indexed, with a progress bar; resumable."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from elasticsearch import Elasticsearch
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from services.classify.analyser import EvidenceAnalyser
from services.classify.config import ClassifySettings
from services.classify.registry import active_model
from services.common.indices import Names
from services.common.logs import configure_logging
from services.common.terminal import console
from services.index.templates import install_templates
from services.reclassify.job import DRAIN_SECONDS, Reclassifier
from services.reclassify.lease import LEASE_SECONDS, Lease, LeaseHeldError, LeaseLostError
from services.reclassify.state import RunStore


def abandon(es: Elasticsearch, names: Names) -> None:
    """Give up the unfinished run: writes to the old indices allowed again, its new indices deleted."""
    run = RunStore(es, names).unfinished()
    if run is None:
        console.print("no unfinished run")
        return
    for month in run.months.values():
        es.options(ignore_status=404).indices.put_settings(
            index=month.source, settings={"index.blocks.write": False}
        )
        es.options(ignore_status=404).indices.delete(index=month.target)
    run.status = "abandoned"
    RunStore(es, names).save(run)
    console.print(f"run {run.run_id} abandoned")


def reclassify(
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Items per model batch and bulk write.")
    ] = 256,
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    abandon_run: Annotated[bool, typer.Option("--abandon", help="Give up an unfinished run.")] = False,
    drain_seconds: Annotated[
        float,
        typer.Option("--drain-seconds", help="Between moving searches and deleting the old indices."),
    ] = DRAIN_SECONDS,
    lease_seconds: Annotated[
        float,
        typer.Option(
            "--lease-seconds",
            help="How long a run's lease lasts unrenewed: when another host may take over a stuck run.",
        ),
    ] = LEASE_SECONDS,
) -> None:
    """Re-classify every indexed item with the current model into new monthly indices and switch the
    `evidence` alias to them at once. Run it again after a kill: it resumes. One run at a time: another
    started meanwhile stops at once (exit 3) and names the run that holds the lease."""
    if lease_seconds <= drain_seconds:
        raise typer.BadParameter("must be longer than --drain-seconds", param_hint="--lease-seconds")
    settings = ClassifySettings()
    configure_logging(settings)
    es = Elasticsearch(**settings.es_options())
    names = Names(settings)
    try:
        with Lease(es, names, seconds=lease_seconds) as lease:
            if abandon_run:
                abandon(es, names)
                return
            model = active_model(settings)
            analyser = EvidenceAnalyser.load(model.path, batch_size=batch_size)
            job = Reclassifier(es, names, analyser, batch_size, drain_seconds, lease)
            install_templates(es, settings)
            run = job.start_or_resume()
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
            )
            with Progress(*columns, console=console, disable=json_output) as progress:
                task = progress.add_task(f"re-classifying with {model.model_version}", total=job.to_do(run))
                summary = job.run(run, progress=lambda n: progress.advance(task, n))
    except (LeaseHeldError, LeaseLostError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(3) from error
    finally:
        es.close()
    facts = {
        "generation": summary.generation,
        "model_version": summary.model_version,
        "documents": summary.documents,
        "copied_now": summary.copied_now,
        "months": summary.months,
        "caught_up": summary.caught_up,
        "copy_seconds": round(summary.copy_seconds, 1),
        "total_seconds": round(summary.total_seconds, 1),
        "documents_per_second": round(summary.documents_per_second, 1),
    }
    if json_output:
        typer.echo(json.dumps(facts))
    else:
        console.print(
            f"{summary.documents:,} documents in {summary.months} months re-classified with "
            f"{summary.model_version} into generation {summary.generation} "
            f"({summary.documents_per_second:,.0f} documents/s; {summary.caught_up} carried over at the "
            "end); `evidence` now reads them."
        )


def register(app: typer.Typer) -> None:
    app.command("reclassify")(reclassify)
