"""`python -m services` is the `caresignal` command."""

from services.cli import app

app()
