"""A local record of what ingest has already delivered: ids the broker acknowledged, and ratings seen.

Written only after the broker acknowledged the messages, so a crash can at worst forget an id (and the
item is sent again under the same deterministic key, which downstream treats as a duplicate).
Keys are scoped by the topic they were sent to, so per-test topic prefixes never share state.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path

from services.ingest.key_locks import KeyLocks
from services.ingest.records import RatingSeen

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    topic TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (topic, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ratings (
    topic TEXT NOT NULL, location_id TEXT NOT NULL, question TEXT NOT NULL, report_date TEXT NOT NULL,
    rating TEXT NOT NULL, PRIMARY KEY (topic, location_id, question, report_date)
) WITHOUT ROWID;
"""
_CHUNK = 500


class SeenStore:
    """sqlite-backed; safe to share between threads (one connection behind a lock)."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._in_flight = KeyLocks()
        with self._lock:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.executescript(_SCHEMA)

    def delivering(self, markers: Iterable[tuple[str, str]]) -> AbstractContextManager[None]:
        """Hold (topic, key) pairs while they are checked, sent and recorded: a concurrent delivery of the
        same keys in this process waits, then finds them seen."""
        return self._in_flight.holding(markers)

    def seen(self, topic: str, keys: Iterable[str]) -> set[str]:
        """Those of `keys` already recorded for `topic`."""
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        with self._lock:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(
                    f"SELECT key FROM seen WHERE topic = ? AND key IN ({marks})", [topic, *chunk]
                )
                found.update(row[0] for row in rows)
        return found

    def record(self, topic: str, keys: Iterable[str], ratings: Iterable[RatingSeen] = ()) -> None:
        """Remember keys the broker acknowledged, and the ratings they carried, in one transaction."""
        with self._lock:
            self._connection.execute("BEGIN")
            try:
                self._connection.executemany(
                    "INSERT OR IGNORE INTO seen (topic, key) VALUES (?, ?)", ((topic, key) for key in keys)
                )
                self._connection.executemany(
                    "INSERT OR REPLACE INTO ratings VALUES (?, ?, ?, ?, ?)",
                    (
                        (topic, item.location_id, item.question, item.report_date.isoformat(), item.rating)
                        for item in ratings
                    ),
                )
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def ratings_for(self, topic: str, location_ids: Iterable[str]) -> tuple[RatingSeen, ...]:
        """Every rating recorded earlier for these locations."""
        wanted = list(dict.fromkeys(location_ids))
        found: list[RatingSeen] = []
        with self._lock:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(
                    "SELECT location_id, question, report_date, rating FROM ratings "
                    f"WHERE topic = ? AND location_id IN ({marks})",
                    [topic, *chunk],
                )
                found.extend(
                    RatingSeen(row[0], row[1], datetime.fromisoformat(row[2]), row[3]) for row in rows
                )
        return tuple(found)

    def close(self) -> None:
        with self._lock:
            self._connection.close()
