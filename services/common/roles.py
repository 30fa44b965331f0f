"""Who may do what: the roles, the permissions each grants, and the caller a request acts for.

The access matrix lives here once; the README's table is written from it and
`tests/unit/common/test_route_access.py` calls every route as every role against its own copy.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    SENSITIVE = "sensitive"
    ADMIN = "admin"
    PRODUCER = "producer"  # machine clients that only submit evidence


class Permission(StrEnum):
    READ = "read"  # search, items, profiles, overview, alerts, corrections' history
    EXPORT = "export"
    CORRECT = "correct"  # report a misclassification
    ACT_ON_ALERTS = "act-on-alerts"  # acknowledge, close
    READ_RULES = "read-rules"
    READ_RESTRICTED = "read-restricted"
    INGEST = "ingest"
    MANAGE_KEYS = "manage-keys"
    READ_AUDIT = "read-audit"


_VIEWER = frozenset({Permission.READ})
_ANALYST = _VIEWER | {Permission.EXPORT, Permission.CORRECT, Permission.ACT_ON_ALERTS, Permission.READ_RULES}
_SENSITIVE = _ANALYST | {Permission.READ_RESTRICTED}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: _VIEWER,
    Role.ANALYST: _ANALYST,
    Role.SENSITIVE: _SENSITIVE,
    Role.ADMIN: _SENSITIVE | {Permission.MANAGE_KEYS, Permission.READ_AUDIT, Permission.INGEST},
    Role.PRODUCER: frozenset({Permission.INGEST}),
}


class Principal(BaseModel):
    """The identity a request acts for: an API key's name or a signed-in person."""

    model_config = ConfigDict(frozen=True)

    subject: str  # stable id: "key:<fingerprint>" or the token's `sub`
    name: str  # the key's name or the person's name
    role: Role
    client: str  # "api-key", or the OpenID Connect client the token was issued to

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]
