"""Fixtures shared by all tests: settings isolated per test by uuid-suffixed topic and index prefixes.

Tests are marked by the folder they live in, so `-m "not integration"` deselects every test that needs
the engines (a `pytestmark` in a conftest marks nothing).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FOLDER_MARKERS = frozenset({"integration", "cluster", "browser"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each test the markers of the folders it lives in (e.g. tests/integration/browser/)."""
    for item in items:
        for folder in item.path.relative_to(TESTS).parts[:-1]:
            if folder in FOLDER_MARKERS:
                item.add_marker(folder)


@pytest.fixture
def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}-"
