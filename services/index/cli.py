"""Commands of the index service, mounted on the `caresignal` app: worker, API, search, profiles, alerts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated
from uuid import UUID

import typer
from elasticsearch import Elasticsearch
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from schemas import AlertRuleKind, AlertSeverity, AlertStatus, SentimentLabel, SeverityLevel, SourceType
from services.index import alerts, profiles, search
from services.index.config import IndexSettings
from services.index.errors import QueryError
from services.index.models import AlertFilters, AlertList, SearchFilters, SortOrder, StatusChange
from services.index.publisher import StatusPublisher
from services.index.templates import Names

console = Console()
alerts_app = typer.Typer(help="List, acknowledge and close alerts.", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


@contextmanager
def _client() -> Iterator[tuple[Elasticsearch, IndexSettings]]:
    settings = IndexSettings()
    es = Elasticsearch(**settings.es_options())
    try:
        yield es, settings
    except QueryError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    finally:
        es.close()


def _print_json(model: BaseModel) -> None:
    typer.echo(model.model_dump_json(indent=2))


def _table(title: str, columns: list[str], rows: list[list[object]]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    return table


def index_worker() -> None:
    """Index classified evidence, locations and alerts from Kafka into Elasticsearch (until SIGTERM)."""
    from services.index.runner import run_worker

    run_worker()


def api(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the HTTP API (services.api:create_app) with uvicorn."""
    import uvicorn

    uvicorn.run("services.api:create_app", factory=True, host=host, port=port)


def search_command(
    text: Annotated[str, typer.Argument(help="Words to search for ('' for all).")] = "",
    local_authority: str | None = None,
    icb: str | None = None,
    region: str | None = None,
    provider_id: str | None = None,
    location_id: str | None = None,
    quality_statement: str | None = None,
    theme: str | None = None,
    source_type: SourceType | None = None,
    sentiment: SentimentLabel | None = None,
    severity: SeverityLevel | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    sort: SortOrder = SortOrder.RELEVANCE,
    size: int = 20,
    cursor: str | None = None,
    as_json: JsonFlag = False,
) -> None:
    """Full-text search over evidence with filters."""
    given = locals()
    filters = SearchFilters(**{name: given[name] for name in SearchFilters.model_fields if name in given})
    with _client() as (es, settings):
        page = search.search_evidence(
            es,
            Names(settings),
            text,
            filters,
            sort=sort,
            size=min(size, settings.query_max_page_size),
            cursor=cursor,
        )
    if as_json:
        return _print_json(page)
    rows = [
        [
            h.occurred_at.date(),
            h.provider.location_id,
            h.sentiment.value,
            ", ".join(h.quality_statement_ids),
            h.text[:90],
        ]
        for h in page.hits
    ]
    console.print(
        _table(f"{page.total} results", ["date", "location", "sentiment", "statements", "text"], rows)
    )
    if page.next_cursor:
        console.print(f"next page: --cursor {page.next_cursor}")


def area(code: str, as_json: JsonFlag = False) -> None:
    """Profile of a local authority, ICB (E54) or region (E12)."""
    with _client() as (es, settings):
        profile = profiles.area_profile(es, Names(settings), code)
    if as_json:
        return _print_json(profile)
    where = f"[bold]{profile.area.name}[/bold] ({profile.area.level} {profile.area.code})"
    console.print(f"{where}: {profile.evidence.total} items, {profile.locations} locations")
    _print_lens(profile.evidence)
    console.print(
        _table("Current ratings", ["rating", "locations"], [[b.value, b.count] for b in profile.ratings])
    )


def provider(identifier: str, as_json: JsonFlag = False) -> None:
    """Profile of a CQC provider id or location id."""
    with _client() as (es, settings):
        profile = profiles.provider_profile(es, Names(settings), identifier)
    if as_json:
        return _print_json(profile)
    console.print(f"[bold]{profile.kind} {profile.id}[/bold]: {profile.evidence.total} items")
    _print_lens(profile.evidence)
    rows = [[loc.location_id, loc.name, loc.overall, loc.key_questions] for loc in profile.locations]
    console.print(_table("Locations", ["location", "name", "overall", "key questions"], rows))


def _print_lens(lens: profiles.Lens) -> None:
    rows = [
        [c.quality_statement, c.count, c.negative, _pct(c.share), _pct(c.england_share), _pct(c.difference)]
        for c in lens.compared_with_england
    ]
    columns = ["quality statement", "items", "negative", "share", "England", "difference"]
    console.print(_table("Negative evidence against England", columns, rows))
    months = [[m.month, m.total, m.negative, m.high_severity] for m in lens.monthly]
    console.print(_table("Monthly", ["month", "items", "negative", "high severity"], months))
    terms = [[t.term, t.count, t.background_count] for t in lens.emerging_terms]
    console.print(_table("Emerging terms", ["term", "items", "England"], terms))


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:+.0%}" if value < 0 else f"{value:.0%}"


def _print_alerts(listing: AlertList) -> None:
    rows = [
        [a.alert_id, a.occurred_at.isoformat(timespec="minutes"), a.status.value, a.severity.value]
        + [a.rule_kind.value, a.key.get("code"), a.reason]
        for a in listing.alerts
    ]
    columns = ["id", "raised", "status", "severity", "rule", "code", "reason"]
    console.print(_table(f"{listing.total} alerts", columns, rows))


@alerts_app.command("list")
def list_command(
    status: AlertStatus | None = None,
    rule_kind: AlertRuleKind | None = None,
    code: str | None = None,
    severity: AlertSeverity | None = None,
    size: int = 50,
    as_json: JsonFlag = False,
) -> None:
    """Alerts, newest first."""
    with _client() as (es, settings):
        listing = alerts.list_alerts(
            es,
            Names(settings),
            AlertFilters(status=status, rule_kind=rule_kind, code=code, severity=severity),
            size,
        )
    return _print_json(listing) if as_json else _print_alerts(listing)


def _change(alert_id: UUID, target: AlertStatus, by: str, note: str | None, as_json: bool) -> None:
    with _client() as (es, settings):
        publish = StatusPublisher(settings)
        try:
            view = alerts.change_status(
                es, Names(settings), publish, alert_id, target, StatusChange(by=by, note=note)
            )
        finally:
            publish.close()
    if as_json:
        return _print_json(view)
    console.print(f"alert {view.alert_id} is now {view.status.value} (by {view.status_by})")


@alerts_app.command("ack")
def ack_command(
    alert_id: UUID, by: Annotated[str, typer.Option()], note: str | None = None, as_json: JsonFlag = False
) -> None:
    """Acknowledge an open alert."""
    _change(alert_id, AlertStatus.ACKNOWLEDGED, by, note, as_json)


@alerts_app.command("close")
def close_command(
    alert_id: UUID, by: Annotated[str, typer.Option()], note: str | None = None, as_json: JsonFlag = False
) -> None:
    """Close an open or acknowledged alert."""
    _change(alert_id, AlertStatus.CLOSED, by, note, as_json)


def register(app: typer.Typer) -> None:
    """Add this service's commands to the root app."""
    app.command("index-worker")(index_worker)
    app.command("api")(api)
    app.command("search")(search_command)
    app.command("area")(area)
    app.command("provider")(provider)
    app.add_typer(alerts_app, name="alerts")
