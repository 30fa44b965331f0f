"""What the query commands share: an audited Elasticsearch client per command, Rich tables, JSON output."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

import typer
from elasticsearch import Elasticsearch
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from services.common.command_audit import CommandNotAuditedError, record_command
from services.common.config import CommonSettings
from services.common.errors import QueryError

console = Console()
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
SettingsT = TypeVar("SettingsT", bound=CommonSettings)


@contextmanager
def elasticsearch_session(
    settings: SettingsT, command: typer.Context
) -> Iterator[tuple[Elasticsearch, SettingsT]]:
    """A client for one command, once the command is in the audit trail (`command_audit`: not written,
    it prints why in red and exits 1 having read nothing); a QueryError prints in red and exits 1."""
    try:
        record_command(settings, command)
    except CommandNotAuditedError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    es = Elasticsearch(**settings.es_options())
    try:
        yield es, settings
    except QueryError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    finally:
        es.close()


def print_json(model: BaseModel) -> None:
    typer.echo(model.model_dump_json(indent=2))


def table(title: str, columns: list[str], rows: list[list[object]]) -> Table:
    result = Table(title=title)
    for column in columns:
        result.add_column(column)
    for row in rows:
        result.add_row(*("" if cell is None else str(cell) for cell in row))
    return result
