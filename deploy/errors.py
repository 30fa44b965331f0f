"""Errors of the local stack, each with a message that says what to do."""


class StackError(RuntimeError):
    """The local stack could not be set up, started or stopped."""
