"""`caresignal api-keys create | list | revoke` (machine clients' keys, kept hashed); `caresignal audit`."""

from __future__ import annotations

import getpass
from datetime import datetime
from typing import Annotated

import typer

from services.access.audit_trail import AuditFilters, search_audit
from services.common.config import CommonSettings
from services.common.indices import Names
from services.common.key_store import create_key, list_keys, revoke_key
from services.common.roles import Role
from services.common.terminal import JsonFlag, console, elasticsearch_session, print_json, table

keys_app = typer.Typer(help="API keys for machine clients (hashed, named, revocable).", no_args_is_help=True)


def _operator() -> str:
    return f"cli:{getpass.getuser()}"


@keys_app.command("create")
def create(
    command: typer.Context,
    name: Annotated[str, typer.Argument(help="Who uses it, e.g. healthwatch-producer.")],
    role: Annotated[Role, typer.Option(help="What it may do (see the README's access table).")],
) -> None:
    """Make a key and print it once: it is stored hashed and cannot be shown again."""
    with elasticsearch_session(CommonSettings(), command) as (es, settings):
        key, stored = create_key(es, Names(settings), name, role, by=_operator())
    console.print(f"API key [bold]{stored.name}[/bold] ({stored.role.value}, {stored.fingerprint}):")
    typer.echo(key)


@keys_app.command("list")
def list_command(command: typer.Context, as_json: JsonFlag = False) -> None:
    """Every key made, active and revoked (never the keys themselves)."""
    with elasticsearch_session(CommonSettings(), command) as (es, settings):
        keys = list_keys(es, Names(settings))
    if as_json:
        typer.echo("[" + ",".join(key.model_dump_json() for key in keys) + "]")
        return
    rows = [
        [key.name, key.role.value, key.fingerprint, key.created_at, key.created_by, key.revoked_at]
        for key in keys
    ]
    console.print(table("API keys", ["name", "role", "fingerprint", "created", "by", "revoked"], rows))


@keys_app.command("revoke")
def revoke(command: typer.Context, name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke the active key of that name: refused from the next request on."""
    with elasticsearch_session(CommonSettings(), command) as (es, settings):
        stored = revoke_key(es, Names(settings), name, by=_operator())
    console.print(f"revoked {stored.name} ({stored.fingerprint})")


def audit(
    command: typer.Context,
    actor: Annotated[str | None, typer.Option(help="A subject (key:…, a token's sub) or a name.")] = None,
    action: Annotated[str | None, typer.Option(help="E.g. 'GET /v1/search/export'.")] = None,
    item: Annotated[str | None, typer.Option(help="An evidence or alert id returned or asked for.")] = None,
    outcome: Annotated[str | None, typer.Option(help="allowed, denied or failed.")] = None,
    text: Annotated[str | None, typer.Option(help="Words in the query text searched for.")] = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    size: int = 50,
    as_json: JsonFlag = False,
) -> None:
    """Search the audit trail, newest first: who looked at an item, who exported which search."""
    filters = AuditFilters(
        actor=actor,
        action=action,
        item=item,
        outcome=outcome,
        text=text,
        date_from=date_from,
        date_to=date_to,
    )
    with elasticsearch_session(CommonSettings(), command) as (es, settings):
        page = search_audit(es, Names(settings), filters, size)
    if as_json:
        print_json(page)
        return
    rows = [
        [
            event.occurred_at.isoformat(timespec="seconds"),
            event.actor.name or "(unknown)",
            event.actor.role,
            event.action,
            event.query_text,
            event.result_count if event.result_count is not None else len(event.result_ids),
            event.status_code,
            event.client_address,
        ]
        for event in page.events
    ]
    columns = ["when", "who", "role", "action", "query", "results", "status", "from"]
    console.print(table(f"{page.total} audit events", columns, rows))


def register(app: typer.Typer) -> None:
    """Add this service's commands to the root app."""
    app.add_typer(keys_app, name="api-keys")
    app.command("audit")(audit)
