"""Per-key locks, so that the seen check, the send and the record of one evidence id happen as one step.

Two requests carrying the same id in one process: the second waits until the first has recorded (or
failed), then finds the id seen. Locks are taken in sorted order (no deadlock between overlapping batches)
and exist only while someone holds or waits for them.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager


class KeyLocks:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[Hashable, tuple[threading.Lock, int]] = {}

    @contextmanager
    def holding(self, keys: Iterable[Hashable]) -> Iterator[None]:
        ordered = sorted(set(keys), key=repr)
        with self._guard:
            locks = []
            for key in ordered:
                lock, users = self._locks.get(key, (threading.Lock(), 0))
                self._locks[key] = (lock, users + 1)
                locks.append(lock)
        acquired: list[threading.Lock] = []
        try:
            for lock in locks:
                lock.acquire()
                acquired.append(lock)
            yield
        finally:
            for lock in reversed(acquired):
                lock.release()
            with self._guard:
                for key in ordered:
                    lock, users = self._locks[key]
                    if users == 1:
                        del self._locks[key]
                    else:
                        self._locks[key] = (lock, users - 1)
