"""Errors of the alert lifecycle; `DomainErrorRoute` maps each to its HTTP status."""

from __future__ import annotations

from services.common.errors import QueryError, SearchUnavailableError


class InvalidTransitionError(QueryError):
    """The alert cannot move to the requested status from its current one."""

    status_code = 409


class StatusNotPublishedError(SearchUnavailableError):
    """The status change event was certainly not written to the topic."""


class StatusUnconfirmedError(SearchUnavailableError):
    """The broker did not confirm the status change event in time; it may still be written."""
