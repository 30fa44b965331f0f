"""Commands of the index service, mounted on the `caresignal` app: the worker, search and profiles."""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from typing import Annotated

import typer

from schemas import SentimentLabel, SeverityLevel, SourceType
from services.common import metrics
from services.common.indices import Names
from services.common.logs import configure_logging
from services.common.terminal import JsonFlag, console, elasticsearch_session, print_json, table
from services.common.tracing import configure_tracing
from services.index import profiles, search
from services.index.backfill import backfill_clusters
from services.index.config import IndexSettings
from services.index.models import (
    InspectionResults,
    PerCapacity,
    SearchFilters,
    Share,
    SoftIntelligence,
    SortOrder,
)
from services.index.repair import repair_inspection_results


def run_worker(settings: IndexSettings) -> None:
    """Index until SIGTERM/SIGINT; the current batch is finished and committed before exit."""
    from services.index.worker import Indexer

    configure_logging(settings)
    configure_tracing(settings, "caresignal-index")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if settings.index_metrics_enabled:
        metrics.serve(settings.index_metrics_port, settings.index_metrics_host)
    Indexer(settings).run(stop)


def index_worker(
    metrics_port: Annotated[
        int | None, typer.Option(help="Serve Prometheus /metrics on this port; give each worker its own.")
    ] = None,
) -> None:
    """Index classified evidence, locations and alerts from Kafka into Elasticsearch (until SIGTERM)."""
    overrides = (
        {} if metrics_port is None else {"index_metrics_enabled": True, "index_metrics_port": metrics_port}
    )
    run_worker(IndexSettings(**overrides))  # type: ignore[arg-type]


def search_command(
    command: typer.Context,
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
    with elasticsearch_session(IndexSettings(), command) as (es, settings):
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
        return print_json(page)
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
        table(f"{page.total} results", ["date", "location", "sentiment", "statements", "text"], rows)
    )
    if page.next_cursor:
        console.print(f"next page: --cursor {page.next_cursor}")


def area(
    command: typer.Context,
    code: str,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    as_json: JsonFlag = False,
) -> None:
    """Profile of a local authority, ICB (E54) or region (E12), by code or name (e.g. Oldham)."""
    with elasticsearch_session(IndexSettings(), command) as (es, settings):
        profile = profiles.area_profile(es, Names(settings), code, date_from=date_from, date_to=date_to)
    if as_json:
        return print_json(profile)
    console.print(f"[bold]{profile.area.name}[/bold] ({profile.area.level} {profile.area.code})")
    _print_soft_intelligence(profile.soft_intelligence)
    _print_inspection_results(profile.inspection_results)
    _print_per_capacity(profile.per_capacity)


def provider(
    command: typer.Context,
    identifier: str,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    as_json: JsonFlag = False,
) -> None:
    """Profile of a CQC provider id or location id."""
    with elasticsearch_session(IndexSettings(), command) as (es, settings):
        profile = profiles.provider_profile(
            es, Names(settings), identifier, date_from=date_from, date_to=date_to
        )
    if as_json:
        return print_json(profile)
    console.print(f"[bold]{profile.kind} {profile.id}[/bold]")
    _print_soft_intelligence(profile.soft_intelligence)
    _print_inspection_results(profile.inspection_results)
    _print_per_capacity(profile.per_capacity)
    rows = [[loc.location_id, loc.name, loc.overall, loc.key_questions] for loc in profile.locations]
    console.print(table("Locations", ["location", "name", "overall", "key questions"], rows))


def _print_soft_intelligence(section: SoftIntelligence) -> None:
    console.print(f"{section.total} items. {section.counts}")
    for comparison in section.comparisons:
        rows = [
            [
                row.title,
                f"{row.area.negative}/{row.area.total}",
                _share(row.area),
                _share(row.comparator),
                "" if row.q_value is None else f"{row.q_value:.3f}",
                row.flag.value.replace("_", " "),
            ]
            for row in comparison.rows
        ]
        columns = ["", "negative/items", "share (95% interval)", comparison.comparator_name, "q", "flag"]
        title = f"Negative share by {comparison.by.replace('_', ' ')} against {comparison.comparator_name}"
        console.print(table(title, columns, rows))
    months = [
        [m.month, m.total, m.negative, _pct(m.negative_share), m.volume_change, m.negative_share_change]
        for m in section.trend.months
    ]
    columns = ["month", "items", "negative", "share", "volume change", "share change"]
    console.print(table("Soft intelligence by month", columns, months))
    terms = section.emerging_terms
    rows = [[t.term, t.count, t.earlier_count, f"{t.q_value:.4f}"] for t in terms.terms]
    console.print(table(f"Emerging terms ({terms.status})", ["term", "recent items", "earlier", "q"], rows))


def _print_per_capacity(capacity: PerCapacity) -> None:
    console.print(
        f"{capacity.items} items, {capacity.registered_locations} registered locations: "
        f"{_ratio(capacity.items_per_location)} per location "
        f"(England {_ratio(capacity.england_items_per_location)}); "
        f"{_ratio(capacity.care_home_items_per_100_beds)} care-home items per 100 beds"
    )


def _share(share: Share) -> str:
    if share.share is None:
        return ""
    return f"{share.share:.0%} ({share.interval_low:.0%}–{share.interval_high:.0%})"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _print_inspection_results(section: InspectionResults) -> None:
    console.print(f"{section.locations} registered locations. {section.counts}")
    rows = [[b.value, b.count] for b in section.current_overall]
    console.print(table("Current overall ratings", ["rating", "locations"], rows))
    changes = section.changes
    console.print(
        f"Ratings changed in the period: {changes.improved} improved, {changes.declined} declined, "
        f"{changes.changed} to or from not rated"
    )
    rows = [[b.value, b.count] for b in section.since_last_inspection]
    console.print(table("Time since last inspection", ["since", "locations"], rows))


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:+.0%}" if value < 0 else f"{value:.0%}"


def repair_inspection_results_command(
    command: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would change; write nothing.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Re-derive indexed inspection results' sentiment, key question and statements from their ratings."""
    with elasticsearch_session(IndexSettings(), command) as (es, settings):
        summary = repair_inspection_results(es, Names(settings), dry_run=dry_run)
    if as_json:
        return print_json(summary)
    verb = "would repair" if dry_run else "repaired"
    console.print(
        f"{summary.scanned} inspection results: {verb} {summary.repaired}, "
        f"{summary.unchanged} already right, {summary.superseded} superseded by a newer classification, "
        f"{summary.failed} failed"
    )
    if summary.failed:
        raise typer.Exit(1)


def backfill_clusters_command(command: typer.Context, as_json: JsonFlag = False) -> None:
    """Cluster near-duplicates among evidence indexed before classify did (documents without a cluster)."""
    with elasticsearch_session(IndexSettings(), command) as (es, settings):
        summary = backfill_clusters(es, Names(settings))
    if as_json:
        return print_json(summary)
    console.print(
        f"{summary.scanned} documents without a cluster: {summary.clustered} clustered "
        f"({summary.copies} copies of an earlier item), {summary.failed} failed"
    )
    if summary.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this service's commands to the root app."""
    app.command("index-worker")(index_worker)
    app.command("search")(search_command)
    app.command("area")(area)
    app.command("provider")(provider)
    app.command("repair-inspection-results")(repair_inspection_results_command)
    app.command("backfill-clusters")(backfill_clusters_command)
