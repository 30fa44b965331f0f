"""`caresignal report AREA`: the area review pack as a PDF, standalone HTML or JSON."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from services.common.terminal import console, elasticsearch_session
from services.report.build import build_pack
from services.report.config import ReportSettings
from services.report.models import Comparator
from services.report.render import pack_html, pack_pdf


class Format(StrEnum):
    JSON = "json"
    HTML = "html"
    PDF = "pdf"


def report(
    command: typer.Context,
    area: Annotated[str, typer.Argument(help="A council, ICB or region, by name or code (e.g. Oldham).")],
    date_from: Annotated[
        datetime | None, typer.Option("--from", help="Start of the period (default: 12 months before --to).")
    ] = None,
    date_to: Annotated[
        datetime | None, typer.Option("--to", help="End of the period, exclusive (default: end of today).")
    ] = None,
    compare_with: Annotated[
        Comparator | None,
        typer.Option("--compare-with", help="Put the area's figures beside its region's or England's."),
    ] = None,
    output_format: Annotated[
        Format | None,
        typer.Option("--format", help="What to write (default: from --out's suffix, else json)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "--output", help="File to write (default: standard output).")
    ] = None,
) -> None:
    """The review pack of an area: summary, statements with quotes, themes, providers, alerts, data notes."""
    if output_format is None:
        suffix = out.suffix.lstrip(".").lower() if out else ""
        output_format = Format(suffix) if suffix in set(Format) else Format.JSON
    with elasticsearch_session(ReportSettings(), command) as (es, settings):
        pack = build_pack(es, settings, area, date_from=date_from, date_to=date_to, compare_with=compare_with)
    if output_format is Format.PDF:
        content = pack_pdf(pack)
    elif output_format is Format.HTML:
        content = pack_html(pack).encode()
    else:
        content = pack.model_dump_json(indent=2).encode()
    if out is None:
        if output_format is Format.PDF:
            raise typer.BadParameter("a PDF needs a file to go to", param_hint="--out")
        typer.echo(content.decode())
        return
    out.write_bytes(content)
    console.print(
        f"{pack.area.name}: review pack for {pack.period.date_from:%d %B %Y} to before "
        f"{pack.period.date_to:%d %B %Y} written to {out}"
    )


def register(app: typer.Typer) -> None:
    """Add this service's commands to the root app."""
    app.command("report")(report)
