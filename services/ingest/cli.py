"""Commands of the ingest service, mounted on the `caresignal` app."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.common.errors import TransientError
from services.common.tracing import configure_tracing
from services.ingest.adapters import Source
from services.ingest.config import IngestSettings
from services.ingest.files import UnsupportedInputError, ingest_file
from services.ingest.metrics import push_run, record_run
from services.ingest.readers import InputFormat
from services.ingest.summary import IngestSummary

EXIT_REJECTED = 1
EXIT_UNAVAILABLE = 3
REJECTS_SHOWN = 10

stderr = Console(stderr=True)


def ingest(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="File to ingest.")],
    source: Annotated[Source, typer.Option("--source", help="What the file holds (see FORMATS.md).")],
    input_format: Annotated[
        InputFormat | None, typer.Option("--format", help="Override the format the extension implies.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Stream FILE into evidence.received.v1 / locations.reference.v1; invalid records go to the DLQ.

    Exit code 0 only when no record was rejected (1: some rejected, 3: the broker did not acknowledge).
    """
    settings = IngestSettings()
    configure_tracing(settings, "caresignal-ingest")
    started = time.monotonic()
    with _progress() as progress:
        task = progress.add_task(f"ingesting {file.name}", total=_size(file))

        def advance(summary: IngestSummary, position: int) -> None:
            progress.update(task, completed=position, description=f"{summary.read} records")

        try:
            summary = ingest_file(file, source, settings, input_format=input_format, on_progress=advance)
        except UnsupportedInputError as error:
            raise typer.BadParameter(str(error)) from error
        except TransientError as error:
            stderr.print(
                f"[red]stopped: {error}[/red] (records after the last acknowledged batch were not sent)"
            )
            _push_metrics(settings, INGEST_JOB, source.value, None, started)
            raise typer.Exit(EXIT_UNAVAILABLE) from error
    _push_metrics(settings, INGEST_JOB, source.value, summary, started)
    _report(summary, as_json)
    raise typer.Exit(EXIT_REJECTED if summary.rejected else 0)


def ingest_cqc(
    base_url: Annotated[
        str, typer.Option("--base-url", help="CQC API root, e.g. https://api.service.cqc.org.uk/public/v1")
    ],
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Changes from this time (ISO 8601, UTC if no offset); "
            "default where the last complete poll of this API ended.",
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Changes up to this time; default now.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Poll a CQC-API-compatible service for locations changed since a time and ingest them.

    A poll that completes (rejects included: they are on the DLQ) and continues from the recorded mark
    moves the mark to its end time, so running the command again without --since (e.g. from cron)
    picks up where it stopped, re-reading a short overlap for changes the API records late (items
    already ingested are skipped). A backfill or a poll that would leave a gap does not move it.
    """
    from services.ingest.cqc_poller import poll_changes
    from services.ingest.poll_marks import PollMarks

    settings = IngestSettings()
    configure_tracing(settings, "caresignal-ingest")
    marks = PollMarks(settings.poll_marks_file())
    previous = marks.get(base_url)
    start = _timestamp(since) if since else previous and previous - POLL_OVERLAP
    if start is None:
        raise typer.BadParameter(
            f"no earlier complete poll of {base_url} is recorded in {marks.path}; give --since",
            param_hint="--since",
        )
    end = _timestamp(until) if until else datetime.now(UTC)
    started = time.monotonic()
    try:
        summary = poll_changes(settings, base_url, start, end)
    except TransientError as error:
        stderr.print(f"[red]stopped: {error}[/red]")
        _push_metrics(settings, CQC_POLLER_JOB, "cqc", None, started)
        raise typer.Exit(EXIT_UNAVAILABLE) from error
    _push_metrics(settings, CQC_POLLER_JOB, "cqc", summary, started)
    if previous is None or start <= previous < end:  # a backfill or a poll after a gap leaves the mark
        marks.set(base_url, end)
    _report(summary, as_json)
    raise typer.Exit(EXIT_REJECTED if summary.rejected else 0)


POLL_OVERLAP = timedelta(minutes=10)
INGEST_JOB, CQC_POLLER_JOB = "caresignal-ingest", "caresignal-cqc-poller"


def _push_metrics(
    settings: IngestSettings, job: str, source: str, summary: IngestSummary | None, started: float
) -> None:
    """Record the run (`summary` None: it stopped before the end) and push it when a gateway is set."""
    record_run(summary, time.monotonic() - started)
    push_run(settings.ingest_metrics_pushgateway, job, source, succeeded=summary is not None)


def register(app: typer.Typer) -> None:
    """Add this service's commands to the root app."""
    app.command("ingest")(ingest)
    app.command("ingest-cqc")(ingest_cqc)


def _timestamp(value: str) -> datetime:
    """An ISO 8601 timestamp, UTC when it has no offset."""
    from services.ingest.cqc_poller import utc_aware

    try:
        return utc_aware(datetime.fromisoformat(value.strip()))
    except ValueError as error:
        raise typer.BadParameter(f"{value!r} is not an ISO 8601 timestamp") from error


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=False,
    )


def _size(file: Path) -> int | None:
    return None if file.suffix.lower() == ".gz" else file.stat().st_size


def _report(summary: IngestSummary, as_json: bool) -> None:
    if summary.rejects:
        shown = Table(
            title=f"first rejects ({summary.rejected} in all; each is on the DLQ)", title_justify="left"
        )
        for column in ("record", "error", "reason"):
            shown.add_column(column, overflow="fold")
        for reject in summary.rejects[:REJECTS_SHOWN]:
            shown.add_row(reject.reference, reject.error_type or "", reject.reason or "")
        stderr.print(shown)
    if as_json:
        typer.echo(json.dumps(summary.counts()))
        return
    table = Table(title="ingest summary", title_justify="left")
    for column in ("read", "accepted", "rejected", "already seen", "ignored"):
        table.add_column(column, justify="right")
    table.add_row(*(str(value) for value in (*summary.counts().values(), summary.ignored)))
    Console().print(table)
