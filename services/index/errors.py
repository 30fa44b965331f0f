"""Domain errors of the query side; the API maps each to one HTTP status in one place."""

from __future__ import annotations


class QueryError(Exception):
    """Base of every error a query can report to its caller."""

    status_code = 400


class NotFoundError(QueryError):
    status_code = 404


class InvalidTransitionError(QueryError):
    """The alert cannot move to the requested status from its current one."""

    status_code = 409


class InvalidRequestError(QueryError):
    """A malformed cursor, page size or filter combination."""

    status_code = 400


class SearchUnavailableError(QueryError):
    """Elasticsearch (or Kafka, for alert changes) is unreachable or failing."""

    status_code = 503


class StatusNotPublishedError(SearchUnavailableError):
    """The status change event was certainly not written to the topic."""


class StatusUnconfirmedError(SearchUnavailableError):
    """The broker did not confirm the status change event in time; it may still be written."""
