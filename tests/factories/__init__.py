"""Builders shared by the tests: events, fakes and helpers, one module per service (tests/ is on sys.path)."""
