"""API keys in settings: named, with a role, hashed or (in dev) in clear; matched in constant time."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from services.common.api_keys import (
    STORED_KEY_PREFIX,
    ConfiguredKey,
    fingerprint,
    key_hash,
    matching_key,
    new_key,
)
from services.common.config import CommonSettings
from services.common.roles import Permission, Principal, Role


def test_new_keys_are_long_random_and_prefixed() -> None:
    keys = {new_key() for _ in range(50)}
    assert len(keys) == 50
    assert all(key.startswith(STORED_KEY_PREFIX) and len(key) >= 40 for key in keys)


def test_a_key_is_matched_by_its_hash_and_names_its_role() -> None:
    keys = [
        ConfiguredKey(name="ingest", role=Role.PRODUCER, sha256=key_hash("first-secret")),
        ConfiguredKey(name="ops", role=Role.ADMIN, key=SecretStr("second-secret")),
    ]
    assert matching_key(keys, "first-secret") == keys[0]
    assert matching_key(keys, "second-secret") == keys[1]
    assert matching_key(keys, "third-secret") is None
    assert fingerprint(key_hash("x")) == "key:" + key_hash("x")[:12]


def test_bare_strings_in_settings_stay_admin_keys() -> None:
    settings = CommonSettings(api_keys=["one-key", "two-key"])
    assert [(key.name, key.role) for key in settings.api_keys] == [
        ("configured-1", Role.ADMIN),
        ("configured-2", Role.ADMIN),
    ]
    assert matching_key(settings.api_keys, "two-key").name == "configured-2"


@pytest.mark.parametrize(
    "entry",
    [
        {"name": "x", "role": "viewer"},
        {"name": "x", "role": "viewer", "key": "k", "sha256": "0" * 64},
        {"name": "x", "role": "nobody", "key": "k"},
        {"name": "Has Spaces", "role": "viewer", "key": "k"},
        {"name": "x", "role": "viewer", "sha256": "not-a-hash"},
    ],
)
def test_malformed_key_entries_are_refused(entry: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        CommonSettings(api_keys=[entry])


def test_roles_grant_their_permissions_cumulatively_and_producers_only_submit() -> None:
    def principal(role: Role) -> Principal:
        return Principal(subject="s", name="n", role=role, client="api-key")

    assert principal(Role.VIEWER).can(Permission.READ) and not principal(Role.VIEWER).can(Permission.EXPORT)
    assert principal(Role.ANALYST).can(Permission.EXPORT)
    assert not principal(Role.ANALYST).can(Permission.READ_RESTRICTED)
    assert principal(Role.SENSITIVE).can(Permission.READ_RESTRICTED)
    assert all(principal(Role.ADMIN).can(permission) for permission in Permission)
    assert [p for p in Permission if principal(Role.PRODUCER).can(p)] == [Permission.INGEST]
