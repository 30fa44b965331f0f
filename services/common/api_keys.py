"""API keys for machine clients: how a key is made, fingerprinted and hashed; keys named in settings.

A key is shown once when it is made and only its SHA-256 is stored (keys are 256 random bits, so a fast
hash is enough: nothing can be guessed from it). Keys made by `caresignal api-keys create` live in
Elasticsearch (`services/common/key_store.py`); keys named in `CARESIGNAL_API_KEYS` are for bootstrap
and the local stack.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from services.common.roles import Role

STORED_KEY_PREFIX = "cs_"  # keys the store made start with it; only those are looked up there
KEY_NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,62}$"


def new_key() -> str:
    return STORED_KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def fingerprint(digest: str) -> str:
    """Identifies a key in records (audit, corrections) without revealing it."""
    return "key:" + digest[:12]


class ConfiguredKey(BaseModel):
    """A key from settings: `{"name", "role", "key"}` or, better, `{"name", "role", "sha256"}`; a bare
    string is an admin key named after its position."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=KEY_NAME_PATTERN)
    role: Role
    key: SecretStr | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")

    @model_validator(mode="after")
    def _one_of_key_or_hash(self) -> ConfiguredKey:
        if (self.key is None) == (self.sha256 is None):
            raise ValueError("an API key in settings needs exactly one of `key` or `sha256`")
        return self

    @property
    def digest(self) -> str:
        return self.sha256 or key_hash(self.key.get_secret_value() if self.key else "")


def configured_keys(value: Any) -> Any:
    """Bare strings (the old list of shared keys) become admin keys `configured-1`, `configured-2`, ..."""
    if not isinstance(value, list):
        return value
    return [
        {"name": f"configured-{number}", "role": Role.ADMIN, "key": item}
        if isinstance(item, str | SecretStr)
        else item
        for number, item in enumerate(value, start=1)
    ]


def matching_key(keys: list[ConfiguredKey], key: str) -> ConfiguredKey | None:
    """The configured key whose hash is the key's (compared in constant time)."""
    digest = key_hash(key)
    found = None
    for configured in keys:
        if secrets.compare_digest(digest, configured.digest):
            found = configured
    return found
