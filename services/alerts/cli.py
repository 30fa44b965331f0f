"""Commands of the alerts service: the worker, `alert-rules check`, and `alerts list|ack|close`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

from schemas import AlertRuleKind, AlertSeverity, AlertStatus
from services.alerts import lifecycle
from services.alerts.config import AlertsSettings
from services.alerts.models import AlertFilters, AlertList, StatusChange
from services.alerts.publisher import StatusPublisher
from services.alerts.rules import RulesFileError, load_rules
from services.common.indices import Names
from services.common.kafka import SharedProducer
from services.common.terminal import JsonFlag, console, elasticsearch_session, print_json, table

rules_app = typer.Typer(help="Alert rules: check a rules file.", no_args_is_help=True)
alerts_app = typer.Typer(help="List, acknowledge and close alerts.", no_args_is_help=True)


def run_worker(settings: AlertsSettings) -> None:
    """Run the alerts worker until it is stopped; exit 2 when the rules file does not load."""
    from services.alerts.app import create_app
    from services.alerts.topics import ensure_observations_topic
    from services.common.faust_broker import run_faust_worker

    try:
        ruleset = load_rules(settings.alerts_rules_file)
    except RulesFileError as error:
        Console(stderr=True).print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    ensure_observations_topic(settings)
    run_faust_worker(create_app(settings, ruleset), settings)


def alerts_worker(
    web_port: Annotated[int | None, typer.Option(help="Port of faust's web server (health, stats).")] = None,
    no_web: Annotated[bool, typer.Option("--no-web", help="Do not start faust's web server.")] = False,
    rules: Annotated[
        Path | None, typer.Option(help="Rules file (default CARESIGNAL_ALERTS_RULES_FILE).")
    ] = None,
) -> None:
    """Run the alerts worker: classified evidence in, alerts.raised.v1 out (faust; Ctrl-C stops)."""
    overrides: dict[str, object] = {}
    if web_port is not None:
        overrides["alerts_web_port"] = web_port
    if no_web:
        overrides["alerts_web_enabled"] = False
    if rules is not None:
        overrides["alerts_rules_file"] = rules
    run_worker(AlertsSettings(**overrides))  # type: ignore[arg-type]


@rules_app.command("check")
def check_rules(file: Annotated[Path, typer.Argument(help="YAML rules file.")]) -> None:
    """Validate a rules file; list its rules, or every problem with the rule and field it is in."""
    try:
        ruleset = load_rules(file)
    except RulesFileError as error:
        Console(stderr=True).print(str(error), markup=False)
        raise typer.Exit(1) from error
    rules = Table("id", "kind", "enabled", "severity", "silence", title=str(file))
    for rule in ruleset.rules:
        enabled = "yes" if rule.enabled else "no"
        rules.add_row(rule.id, rule.kind, enabled, rule.severity.value, str(rule.silence))
    console.print(rules)
    console.print(f"{len(ruleset.rules)} rules, {len(ruleset.enabled())} enabled: OK")


def _print_alerts(listing: AlertList) -> None:
    rows = [
        [a.alert_id, a.occurred_at.isoformat(timespec="minutes"), a.status.value, a.severity.value]
        + [f"v{a.version} {a.change.value}", a.rule_kind.value, a.key.get("code"), a.reason]
        for a in listing.alerts
    ]
    columns = ["id", "latest", "status", "severity", "version", "rule", "code", "reason"]
    console.print(table(f"{listing.total} alerts", columns, rows))


@alerts_app.command("list")
def list_command(
    command: typer.Context,
    status: AlertStatus | None = None,
    rule_kind: AlertRuleKind | None = None,
    code: str | None = None,
    severity: AlertSeverity | None = None,
    size: int = 50,
    as_json: JsonFlag = False,
) -> None:
    """Alerts, newest first."""
    with elasticsearch_session(AlertsSettings(), command) as (es, settings):
        listing = lifecycle.list_alerts(
            es,
            Names(settings),
            AlertFilters(status=status, rule_kind=rule_kind, code=code, severity=severity),
            size,
        )
    return print_json(listing) if as_json else _print_alerts(listing)


def _change(
    command: typer.Context, alert_id: UUID, target: AlertStatus, by: str, note: str | None, as_json: bool
) -> None:
    with elasticsearch_session(AlertsSettings(), command) as (es, settings):
        producer = SharedProducer(settings, max_block_ms=10_000)
        try:
            view = lifecycle.change_status(
                es,
                Names(settings),
                StatusPublisher(settings, producer),
                alert_id,
                target,
                StatusChange(by=by, note=note),
            )
        finally:
            producer.close()
    if as_json:
        return print_json(view)
    console.print(f"alert {view.alert_id} is now {view.status.value} (by {view.status_by})")


@alerts_app.command("ack")
def ack_command(
    command: typer.Context,
    alert_id: UUID,
    by: Annotated[str, typer.Option()],
    note: str | None = None,
    as_json: JsonFlag = False,
) -> None:
    """Acknowledge an open alert."""
    _change(command, alert_id, AlertStatus.ACKNOWLEDGED, by, note, as_json)


@alerts_app.command("close")
def close_command(
    command: typer.Context,
    alert_id: UUID,
    by: Annotated[str, typer.Option()],
    note: str | None = None,
    as_json: JsonFlag = False,
) -> None:
    """Close an open or acknowledged alert."""
    _change(command, alert_id, AlertStatus.CLOSED, by, note, as_json)


def register(app: typer.Typer) -> None:
    """Add this service's commands to the root app."""
    app.command("alerts-worker")(alerts_worker)
    app.add_typer(rules_app, name="alert-rules")
    app.add_typer(alerts_app, name="alerts")
