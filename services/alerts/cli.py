"""Commands of the alerts service: `caresignal alerts-worker` and `caresignal alert-rules check FILE`.

(`caresignal alerts list|ack|close` belongs to the index service, which owns the alerts lifecycle.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from services.alerts.config import AlertsSettings
from services.alerts.rules import RulesFileError, load_rules

rules_app = typer.Typer(help="Alert rules: check a rules file.", no_args_is_help=True)


def alerts_worker(
    web_port: Annotated[int | None, typer.Option(help="Port of faust's web server (health, stats).")] = None,
    no_web: Annotated[bool, typer.Option("--no-web", help="Do not start faust's web server.")] = False,
    rules: Annotated[
        Path | None, typer.Option(help="Rules file (default CARESIGNAL_ALERTS_RULES_FILE).")
    ] = None,
) -> None:
    """Run the alerts worker: classified evidence in, alerts.raised.v1 out (faust; Ctrl-C stops)."""
    import faust

    from services.alerts.app import create_app
    from services.alerts.topics import ensure_observations_topic

    overrides: dict[str, object] = {}
    if web_port is not None:
        overrides["alerts_web_port"] = web_port
    if no_web:
        overrides["alerts_web_enabled"] = False
    if rules is not None:
        overrides["alerts_rules_file"] = rules
    settings = AlertsSettings(**overrides)
    try:
        ruleset = load_rules(settings.alerts_rules_file)
    except RulesFileError as error:
        Console(stderr=True).print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    ensure_observations_topic(settings)
    worker = faust.Worker(create_app(settings, ruleset), loglevel=settings.log_level.lower())
    worker.execute_from_commandline()


@rules_app.command("check")
def check_rules(file: Annotated[Path, typer.Argument(help="YAML rules file.")]) -> None:
    """Validate a rules file; list its rules, or every problem with the rule and field it is in."""
    console = Console()
    try:
        ruleset = load_rules(file)
    except RulesFileError as error:
        Console(stderr=True).print(str(error), markup=False)
        raise typer.Exit(1) from error
    table = Table("id", "kind", "enabled", "severity", "silence", title=str(file))
    for rule in ruleset.rules:
        enabled = "yes" if rule.enabled else "no"
        table.add_row(rule.id, rule.kind, enabled, rule.severity.value, str(rule.silence))
    console.print(table)
    console.print(f"{len(ruleset.rules)} rules, {len(ruleset.enabled())} enabled: OK")


def register(app: typer.Typer) -> None:
    """Add this service's commands to the root app."""
    app.command("alerts-worker")(alerts_worker)
    app.add_typer(rules_app, name="alert-rules")
