"""The audit trail: one event per action a person or machine client took through the API, web app or CLI."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from schemas.common import Event, Frozen

MAX_AUDITED_IDS = 1000  # ids past this are counted, not listed


class AuditActor(Frozen):
    """Who acted: an API key (by name and fingerprint) or a signed-in person; None fields: not known."""

    subject: str | None = Field(
        default=None, description="'key:<fingerprint>', the token's `sub`, or 'os:<user>@<host>' (a command)."
    )
    name: str | None = Field(default=None, description="The key's name, the person's name or the OS user.")
    role: str | None = Field(default=None, description="viewer, analyst, sensitive, admin or producer.")
    client: str | None = Field(
        default=None, description="'api-key', the OpenID Connect client id, or 'cli' (1.1)."
    )


class AuditRecorded(Event):
    """One request: who, what (endpoint, filters, query text, the ids returned or their count), when, from
    where, and the outcome. Published before the response is sent: when it cannot be, the request fails.

    1.1: `via` may be `cli`, a `caresignal` command that reads Elasticsearch, audited before it reads
    (action and path: the command, e.g. 'caresignal search'; status 0; the actor its OS user).
    """

    event_type: ClassVar[str] = "uk.caresignal.audit.recorded.v1"
    schema_revision: ClassVar[str] = "1.1"

    actor: AuditActor
    via: Literal["api", "web", "cli"] = Field(description="The JSON API, the web app or the CLI (1.1).")
    action: str = Field(
        description="Method and route, e.g. 'GET /v1/search' or 'GET /areas/{code}'; a command, e.g. "
        "'caresignal search'."
    )
    path: str = Field(description="The path requested (a command: the command).")
    path_params: dict[str, str] = Field(default_factory=dict)
    filters: dict[str, list[str]] = Field(default_factory=dict, description="Query parameters but `q`.")
    query_text: str | None = Field(default=None, description="The words searched for (`q`), as sent.")
    result_ids: list[str] = Field(
        default_factory=list,
        description=f"Ids of the items or alerts returned (first {MAX_AUDITED_IDS}).",
    )
    result_count: int | None = Field(default=None, description="How many matched (a search's total).")
    covered: dict[str, str] = Field(
        default_factory=dict,
        description="What an export covered, as the route resolved it (a review pack: its area's code and "
        "level, and the period's bounds).",
    )
    status_code: int = Field(description="The HTTP status; 0 for a command (audited before it answers).")
    outcome: Literal["allowed", "denied", "failed"]
    client_address: str | None = Field(
        default=None, description="The caller's address as the API saw it; a command's host name."
    )
    user_agent: str | None = None
