"""`caresignal stack` and `caresignal topics`: the local engines and the topic catalogue."""

from __future__ import annotations

import json
import subprocess
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from deploy.errors import StackError
from deploy.settings import StackSettings
from deploy.stack import EngineStatus, LocalStack
from deploy.topics import ensure_topics

console = Console(stderr=True)
stack_app = typer.Typer(help="Run a local Kafka broker and Elasticsearch node (downloaded with Maven).")
topics_app = typer.Typer(help="Kafka topics of the catalogue in schemas/topics.py.")


def _stack() -> LocalStack:
    try:
        return LocalStack(StackSettings())
    except StackError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from None


def _print_status(statuses: list[EngineStatus]) -> None:
    table = Table("engine", "address", "pid", "healthy", "log")
    for item in statuses:
        table.add_row(
            item.name, item.address, str(item.pid or "-"), "yes" if item.healthy else "no", item.log_file
        )
    Console().print(table)


@stack_app.command()
def up(
    reset: Annotated[bool, typer.Option(help="Wipe all topics, messages and documents first.")] = False,
) -> None:
    """Start Kafka and Elasticsearch (idempotent); returns when both are healthy."""
    stack = _stack()
    try:
        with console.status("starting Kafka and Elasticsearch ..."):
            statuses = stack.up(reset=reset)
    except StackError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from None
    _print_status(statuses)


@stack_app.command()
def down() -> None:
    """Stop both engines cleanly; data is kept for the next `up`."""
    stopped = _stack().down()
    console.print(f"stopped: {', '.join(stopped) if stopped else 'nothing was running'}")


@stack_app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show whether each engine runs and is healthy. Exit 1 if either is not."""
    statuses = _stack().status()
    if as_json:
        print(json.dumps([item.__dict__ for item in statuses]))
    else:
        _print_status(statuses)
    if not all(item.healthy for item in statuses):
        raise typer.Exit(1)


@stack_app.command()
def logs(
    engine: Annotated[str, typer.Argument(help="kafka or elasticsearch")] = "kafka",
    lines: Annotated[int, typer.Option("-n")] = 50,
    follow: Annotated[bool, typer.Option("-f")] = False,
) -> None:
    """Print the tail of an engine's log."""
    stack = _stack()
    log = {"kafka": stack.kafka.log_file, "elasticsearch": stack.elasticsearch.log_file}.get(engine)
    if log is None:
        raise typer.BadParameter("engine must be 'kafka' or 'elasticsearch'")
    subprocess.run(["tail", f"-n{lines}", *(["-f"] if follow else []), str(log)], check=False)


@topics_app.command("create")
def create_topics() -> None:
    """Create every topic of the catalogue that is missing (idempotent)."""
    settings = StackSettings()
    table = Table("topic", "partitions", "key", "retention", "cleanup", "state")
    for result in ensure_topics(settings):
        spec = result.spec
        retention = "forever" if spec.retention_ms < 0 else f"{spec.retention_ms / 86_400_000:g} d"
        table.add_row(
            result.name,
            str(spec.partitions),
            spec.key,
            retention,
            spec.cleanup_policy,
            "created" if result.created else "exists",
        )
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add the stack and topics commands to the root app."""
    app.add_typer(stack_app, name="stack")
    app.add_typer(topics_app, name="topics")
