"""The two kinds of failure every edge routes on."""


class PoisonMessageError(Exception):
    """The message itself is bad: dead-letter it, commit, and carry on."""

    def __init__(self, message: str, error_type: str | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type or type(self).__name__


class TransientError(Exception):
    """A dependency is unhealthy: retry with backoff; never dead-letter because of it."""
