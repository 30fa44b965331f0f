"""Builders and helpers shared by the tests (tests/ is on sys.path): events and fakes, one module per
service; waiting with a deadline; clean-up of a test's prefixed topics and indices; the browser harness."""
