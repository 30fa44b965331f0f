"""Where the last complete CQC poll of each API ended, so the next poll can start there."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path


class PollMarks:
    """A small JSON file mapping API base URL → end of its last complete poll (ISO 8601)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def get(self, base_url: str) -> datetime | None:
        mark = self._read().get(base_url.rstrip("/"))
        return datetime.fromisoformat(mark) if mark else None

    def set(self, base_url: str, until: datetime) -> None:
        """Record `until` for the API; written to a temporary file and renamed, so never half written."""
        marks = {**self._read(), base_url.rstrip("/"): until.isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.tmp")
        partial.write_text(json.dumps(marks, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(partial, self.path)
