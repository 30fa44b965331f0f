"""The two kinds of failure every stream edge routes on, and the errors an HTTP request can report."""


class PoisonMessageError(Exception):
    """The message itself is bad: dead-letter it, commit, and carry on."""

    def __init__(self, message: str, error_type: str | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type or type(self).__name__


class TransientError(Exception):
    """A dependency is unhealthy: retry with backoff; never dead-letter because of it."""


class QueryError(Exception):
    """Base of every error a request can report to its caller; `DomainErrorRoute` maps it to its status."""

    status_code = 400


class NotFoundError(QueryError):
    status_code = 404


class InvalidRequestError(QueryError):
    """A malformed cursor, page size or filter combination."""

    status_code = 400


class SearchUnavailableError(QueryError):
    """Elasticsearch (or Kafka, for alert changes) is unreachable or failing."""

    status_code = 503
