"""Admin endpoints: machine clients' API keys and the audit trail, mounted by services/api.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, ConfigDict, Field

from services.access.audit_trail import AuditFilters, AuditPage, search_audit
from services.common.api_keys import KEY_NAME_PATTERN
from services.common.auth import AuditReader, KeyManager
from services.common.config import CommonSettings
from services.common.http import DomainErrorRoute, Es, elasticsearch_errors, get_settings
from services.common.indices import Names
from services.common.key_store import StoredKey, create_key, list_keys, revoke_key
from services.common.roles import Role

router = APIRouter(route_class=DomainErrorRoute, tags=["api keys"])
Settings = Annotated[CommonSettings, Depends(get_settings)]


class KeyRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(pattern=KEY_NAME_PATTERN, description="Who uses it.")]
    role: Role


class NewKey(BaseModel):
    key: str = Field(description="Shown once: only its hash is kept.")
    stored: StoredKey


class KeyList(BaseModel):
    keys: list[StoredKey]


@router.get("/v1/api-keys", response_model=KeyList, summary="Every API key made (never the keys)")
def list_endpoint(_: KeyManager, es: Es, settings: Settings) -> KeyList:
    with elasticsearch_errors():
        return KeyList(keys=list_keys(es, Names(settings)))


@router.post("/v1/api-keys", response_model=NewKey, status_code=status.HTTP_201_CREATED, summary="Make a key")
def create_endpoint(caller: KeyManager, es: Es, settings: Settings, request: KeyRequest) -> NewKey:
    with elasticsearch_errors():
        key, stored = create_key(es, Names(settings), request.name, request.role, by=caller.name)
    return NewKey(key=key, stored=stored)


@router.post("/v1/api-keys/{name}/revoke", response_model=StoredKey, summary="Revoke a key at once")
def revoke_endpoint(caller: KeyManager, es: Es, settings: Settings, name: str) -> StoredKey:
    with elasticsearch_errors():
        return revoke_key(es, Names(settings), name, by=caller.name)


@router.get("/v1/audit", response_model=AuditPage, tags=["audit"], summary="Search the audit trail")
def audit_endpoint(
    _: AuditReader,
    es: Es,
    settings: Settings,
    filters: Annotated[AuditFilters, Query()],
    size: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
) -> AuditPage:
    """Who looked at an item (`item`), who exported a search (`action=GET /v1/search/export`), what a
    caller did (`actor`): newest first. This search is itself audited."""
    return search_audit(es, Names(settings), filters, size, cursor)
