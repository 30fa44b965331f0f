"""`caresignal api-keys create | list | revoke`: machine clients' keys, kept hashed in Elasticsearch."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from services.common.config import CommonSettings
from services.common.indices import Names
from services.common.key_store import create_key, list_keys, revoke_key
from services.common.roles import Role
from services.common.terminal import JsonFlag, console, elasticsearch_session, table

keys_app = typer.Typer(help="API keys for machine clients (hashed, named, revocable).", no_args_is_help=True)


def _operator() -> str:
    return f"cli:{getpass.getuser()}"


@keys_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Who uses it, e.g. healthwatch-producer.")],
    role: Annotated[Role, typer.Option(help="What it may do (see the README's access table).")],
) -> None:
    """Make a key and print it once: it is stored hashed and cannot be shown again."""
    with elasticsearch_session(CommonSettings()) as (es, settings):
        key, stored = create_key(es, Names(settings), name, role, by=_operator())
    console.print(f"API key [bold]{stored.name}[/bold] ({stored.role.value}, {stored.fingerprint}):")
    typer.echo(key)


@keys_app.command("list")
def list_command(as_json: JsonFlag = False) -> None:
    """Every key made, active and revoked (never the keys themselves)."""
    with elasticsearch_session(CommonSettings()) as (es, settings):
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
def revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke the active key of that name: refused from the next request on."""
    with elasticsearch_session(CommonSettings()) as (es, settings):
        stored = revoke_key(es, Names(settings), name, by=_operator())
    console.print(f"revoked {stored.name} ({stored.fingerprint})")


def register(app: typer.Typer) -> None:
    """Add this service's commands to the root app."""
    app.add_typer(keys_app, name="api-keys")
