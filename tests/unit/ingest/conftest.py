"""Helpers for the ingest unit tests: map a sample file without any I/O beyond reading it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.ingest.adapters import adapter_for
from services.ingest.mapping import map_batch
from services.ingest.readers import InputFormat, detect_format, read_records
from services.ingest.records import MappingContext, Outcome

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


MapFile = Callable[..., list[Outcome]]


def _map_file(path: Path, source: str, input_format: InputFormat | None = None) -> list[Outcome]:
    with path.open("rb") as stream:
        records = list(read_records(stream, input_format or detect_format(path), path.name))
    return map_batch(adapter_for(source), records, MappingContext(received_at=NOW, reference=""))


@pytest.fixture
def map_file() -> MapFile:
    """Read and map a file the way `caresignal ingest` does, without sending anything."""
    return _map_file


@pytest.fixture
def samples() -> Path:
    return SAMPLES
