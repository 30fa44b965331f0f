"""`caresignal stack` and `caresignal topics`: the local engines and the topic catalogue."""

from __future__ import annotations

import json
import subprocess
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from deploy.engine import EngineStatus
from deploy.errors import StackError
from deploy.settings import StackSettings
from deploy.stack import LocalStack
from services.common.topics import ensure_topics

console = Console(stderr=True)
stack_app = typer.Typer(
    help="Run a local Kafka broker and Elasticsearch node, or a cluster of three each (fetched with Maven)."
)
ClusterFlag = Annotated[
    bool,
    typer.Option(
        "--cluster",
        help="The local cluster: 3 KRaft brokers and 3 Elasticsearch nodes, own ports and state dirs.",
    ),
]
topics_app = typer.Typer(help="Kafka topics of the catalogue in schemas/topics.py.")


def _stack(cluster: bool = False) -> LocalStack:
    try:
        return LocalStack(StackSettings(), cluster=cluster)
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
    cluster: ClusterFlag = False,
) -> None:
    """Start Kafka and Elasticsearch (idempotent); returns when every node is healthy."""
    stack = _stack(cluster)
    try:
        with console.status("starting Kafka and Elasticsearch ..."):
            statuses = stack.up(reset=reset)
    except StackError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from None
    _print_status(statuses)
    if cluster:
        console.print("point services at the cluster with: eval $(caresignal stack env --cluster)")


@stack_app.command()
def env(cluster: ClusterFlag = False) -> None:
    """Print `export CARESIGNAL_...` lines that point services and tests at the stack's engines."""
    for name, value in _stack(cluster).topology.client_env().items():
        print(f"export {name}={value}")


@stack_app.command()
def down(cluster: ClusterFlag = False) -> None:
    """Stop every engine node cleanly; data is kept for the next `up`."""
    stopped = _stack(cluster).down()
    console.print(f"stopped: {', '.join(stopped) if stopped else 'nothing was running'}")


@stack_app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False, cluster: ClusterFlag = False) -> None:
    """Show whether each engine node runs and is healthy. Exit 1 if any is not."""
    statuses = _stack(cluster).status()
    if as_json:
        print(json.dumps([item.__dict__ for item in statuses]))
    else:
        _print_status(statuses)
    if not all(item.healthy for item in statuses):
        raise typer.Exit(1)


@stack_app.command()
def logs(
    engine: Annotated[str, typer.Argument(help="kafka, elasticsearch or keycloak")] = "kafka",
    lines: Annotated[int, typer.Option("-n")] = 50,
    follow: Annotated[bool, typer.Option("-f")] = False,
    node: Annotated[int, typer.Option(help="Which node of the cluster (1-3).")] = 1,
    cluster: ClusterFlag = False,
) -> None:
    """Print the tail of an engine node's log."""
    stack = _stack(cluster)
    keycloak = [stack.keycloak] if stack.keycloak else []
    nodes = {"kafka": stack.brokers, "elasticsearch": stack.es_nodes, "keycloak": keycloak}.get(engine)
    if not nodes:
        raise typer.BadParameter("engine must be 'kafka', 'elasticsearch' or 'keycloak' (when it runs)")
    if not 1 <= node <= len(nodes):
        raise typer.BadParameter(f"node must be between 1 and {len(nodes)}")
    log = nodes[node - 1].log_file
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
