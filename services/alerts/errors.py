"""Errors of the alert lifecycle; `DomainErrorRoute` maps each to its HTTP status."""

from __future__ import annotations

from services.common.errors import QueryError


class InvalidTransitionError(QueryError):
    """The alert cannot move to the requested status from its current one."""

    status_code = 409
