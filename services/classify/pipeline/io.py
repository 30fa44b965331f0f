"""Byte-reproducible serialisation helpers (gzip without timestamps)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import srsly


def write_gzip_json(path: Path, data: Any) -> None:
    """gzip'd JSON with mtime 0, so the same data gives the same bytes."""
    payload = srsly.json_dumps(data).encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(payload)


def read_gzip_json(path: Path) -> Any:
    return srsly.read_gzip_json(path)
