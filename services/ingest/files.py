"""`caresignal ingest FILE`: stream one file through an adapter into Kafka."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from services.common.kafka import create_producer
from services.ingest.adapters import Source, adapter_for
from services.ingest.config import IngestSettings
from services.ingest.intake import Intake
from services.ingest.readers import CountingReader, InputFormat, detect_format, read_records
from services.ingest.seen_store import SeenStore
from services.ingest.summary import IngestSummary


class UnsupportedInputError(ValueError):
    """The file's format cannot be told, or the source does not come in that format."""


def resolve_format(path: Path, source: Source, given: InputFormat | None) -> InputFormat:
    input_format = given or detect_format(path)
    if input_format is None:
        raise UnsupportedInputError(f"cannot tell the format of {path.name}: pass --format csv|json|jsonl")
    allowed = adapter_for(source).formats
    if input_format not in allowed:
        names = ", ".join(allowed)
        raise UnsupportedInputError(f"--source {source} reads {names}, not {input_format}")
    return input_format


@contextmanager
def open_intake(settings: IngestSettings) -> Iterator[Intake]:
    """An Intake with its own producer and seen store, both closed on exit."""
    store = SeenStore(settings.seen_store_file())
    try:
        producer = create_producer(settings)
        try:
            yield Intake(settings, producer, store)
        finally:
            producer.close()
    finally:
        store.close()


def ingest_file(
    path: Path,
    source: Source,
    settings: IngestSettings,
    *,
    input_format: InputFormat | None = None,
    on_progress: Callable[[IngestSummary, int], None] | None = None,
) -> IngestSummary:
    """Ingest every record of `path`; `on_progress(summary, bytes_read)` runs after each batch."""
    adapter = adapter_for(source)
    resolved = resolve_format(path, source, input_format)
    with _open(path) as stream, open_intake(settings) as intake:
        counting = CountingReader(stream)
        records = read_records(counting, resolved, path.name)
        on_batch = (lambda summary: on_progress(summary, counting.position)) if on_progress else None
        return intake.ingest(records, adapter, on_batch=on_batch)


@contextmanager
def _open(path: Path) -> Iterator[BinaryIO]:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as stream:  # type: ignore[operator]
        yield stream  # type: ignore[misc]
