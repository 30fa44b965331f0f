"""API keys made by `caresignal api-keys` (or `/v1/api-keys`), kept hashed in Elasticsearch.

One document per key, its id the key's SHA-256: a lookup is one real-time GET, so a revoked key stops
working on the next request. Revoking keeps the document (who had which key, until when).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError
from pydantic import BaseModel, ConfigDict

from services.common.api_keys import fingerprint, key_hash, new_key
from services.common.errors import QueryError
from services.common.indices import Names
from services.common.roles import Role

MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "name": {"type": "keyword"},
        "role": {"type": "keyword"},
        "fingerprint": {"type": "keyword"},
        "created_at": {"type": "date"},
        "created_by": {"type": "keyword"},
        "revoked_at": {"type": "date"},
        "revoked_by": {"type": "keyword"},
    },
}


REVOKED = {"exists": {"field": "revoked_at"}}


class KeyExistsError(QueryError):
    status_code = 409


class KeyNotFoundError(QueryError):
    status_code = 404


class StoredKey(BaseModel):
    """What is kept about a key (never the key)."""

    model_config = ConfigDict(frozen=True)

    name: str
    role: Role
    fingerprint: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _ensure_index(es: Elasticsearch, names: Names) -> None:
    if not es.indices.exists(index=names.api_keys_index):
        es.options(ignore_status=400).indices.create(
            index=names.api_keys_index,
            mappings=MAPPING,
            settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
        )


def list_keys(es: Elasticsearch, names: Names) -> list[StoredKey]:
    """Every key ever made, newest first."""
    if not es.indices.exists(index=names.api_keys_index):
        return []
    found = es.search(
        index=names.api_keys_index, size=10_000, sort=[{"created_at": "desc"}], query={"match_all": {}}
    )
    return [StoredKey.model_validate(hit["_source"]) for hit in found["hits"]["hits"]]


def create_key(es: Elasticsearch, names: Names, name: str, role: Role, by: str) -> tuple[str, StoredKey]:
    """A new key (returned once, never stored) under a name no active key has."""
    _ensure_index(es, names)
    if any(stored.name == name and stored.active for stored in list_keys(es, names)):
        raise KeyExistsError(f"an active API key is already named {name!r}: revoke it first")
    key = new_key()
    digest = key_hash(key)
    stored = StoredKey(
        name=name, role=role, fingerprint=fingerprint(digest), created_at=datetime.now(UTC), created_by=by
    )
    es.create(
        index=names.api_keys_index, id=digest, document=stored.model_dump(mode="json"), refresh="wait_for"
    )
    return key, stored


def revoke_key(es: Elasticsearch, names: Names, name: str, by: str) -> StoredKey:
    """Revoke the active key of that name; it is refused from the next request on."""
    if es.indices.exists(index=names.api_keys_index):
        found = es.search(
            index=names.api_keys_index,
            size=1,
            query={
                "bool": {
                    "filter": [{"term": {"name": name}}],
                    "must_not": [{"exists": {"field": "revoked_at"}}],
                }
            },
        )
        for hit in found["hits"]["hits"]:
            changes = {"revoked_at": datetime.now(UTC).isoformat(), "revoked_by": by}
            es.update(index=names.api_keys_index, id=hit["_id"], doc=changes, refresh="wait_for")
            return StoredKey.model_validate(hit["_source"] | changes)
    raise KeyNotFoundError(f"no active API key is named {name!r}")


def find_key(es: Elasticsearch, names: Names, key: str) -> StoredKey | None:
    """The active stored key, or None (unknown or revoked)."""
    try:
        found = es.get(index=names.api_keys_index, id=key_hash(key), realtime=True)
    except NotFoundError:
        return None
    stored = StoredKey.model_validate(found["_source"])
    return stored if stored.active else None
