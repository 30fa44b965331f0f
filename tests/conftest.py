"""Fixtures shared by all tests: settings isolated per test by uuid-suffixed topic and index prefixes."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}-"
