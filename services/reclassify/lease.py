"""Only one `caresignal reclassify` at a time: a lease document in Elasticsearch (`reclassify-lease-v1`).

The lease is created with `op_type=create`, so of two runs started together exactly one gets it; the
other stops at once and names the holder. The holder renews the lease before every write to the new
indices and every checkpoint, each time conditionally on the lease being unchanged since its own last
write (sequence number and primary term): a holder whose lease was taken over stops there instead of
writing beside the new holder. A lease expires `seconds` after its last renewal; a killed run's lease is
taken over at once from the same host (its process is gone), from elsewhere once it has expired, and the
new holder resumes the run from its last checkpoint.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from elasticsearch import ConflictError, Elasticsearch

from services.common.indices import Names

log = logging.getLogger(__name__)
LEASE_ID = "reclassify"
LEASE_SECONDS = 120.0
LEASE_MAPPING = {"dynamic": False, "properties": {"expires_at": {"type": "date"}}}
Clock = Callable[[], datetime]


class LeaseHeldError(RuntimeError):
    """Another run holds the lease."""


class LeaseLostError(RuntimeError):
    """The lease was taken over (it had expired): this run must stop writing."""


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    token: str  # tells this holder from an earlier process that had the same pid

    @classmethod
    def this_process(cls) -> Holder:
        return cls(socket.gethostname(), os.getpid(), uuid.uuid4().hex)

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}"


class Lease:
    def __init__(
        self,
        es: Elasticsearch,
        names: Names,
        seconds: float = LEASE_SECONDS,
        holder: Holder | None = None,
        clock: Clock = lambda: datetime.now(UTC),
        alive: Callable[[int], bool] = process_alive,
    ) -> None:
        self.es = es
        self.index = names.reclassify_lease_index
        self.seconds = seconds
        self.holder = holder or Holder.this_process()
        self.clock = clock
        self.alive = alive
        self._version: dict[str, int] | None = None  # our last write: if_seq_no and if_primary_term

    def acquire(self) -> None:
        """Take the lease, or raise LeaseHeldError naming the live holder."""
        self.es.options(ignore_status=400).indices.create(index=self.index, mappings=LEASE_MAPPING)
        for _ in range(3):  # a holder may release it between our create and our read
            try:
                self._write(op_type="create")
                return
            except ConflictError:
                found = self.es.options(ignore_status=404).get(index=self.index, id=LEASE_ID)
            if found.body.get("found"):
                self._take_over(found["_source"], found["_seq_no"], found["_primary_term"])
                return
        raise LeaseHeldError("the lease keeps changing hands: try again")

    def _take_over(self, held: dict[str, Any], seq_no: int, primary_term: int) -> None:
        """Replace a stale lease, unless another run replaced it first."""
        if not self._stale(held):
            raise LeaseHeldError(
                f"another reclassify holds the lease: process {held['pid']} on {held['host']}, "
                f"renewed at {held['renewed_at']}, until {held['expires_at']}"
            )
        try:
            self._write(if_seq_no=seq_no, if_primary_term=primary_term)
        except ConflictError as error:
            raise LeaseHeldError("another reclassify took over the stale lease first") from error
        log.warning("took over the stale lease of process %s on %s", held["pid"], held["host"])

    def renew(self) -> None:
        """Extend the lease; LeaseLostError when it is no longer ours."""
        if self._version is None:
            raise LeaseLostError("the lease is not held")
        try:
            self._write(**self._version)
        except ConflictError as error:
            self._version = None
            raise LeaseLostError("the lease was taken over by another reclassify: stopping") from error

    def release(self) -> None:
        if self._version is None:
            return
        self.es.options(ignore_status=[404, 409]).delete(index=self.index, id=LEASE_ID, **self._version)
        self._version = None

    def __enter__(self) -> Lease:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()

    def _stale(self, held: dict[str, Any]) -> bool:
        expired = datetime.fromisoformat(held["expires_at"]) <= self.clock()
        gone = held["host"] == self.holder.host and not self.alive(int(held["pid"]))
        return expired or gone

    def _write(self, **conditions: Any) -> None:
        now = self.clock()
        document = {
            "host": self.holder.host,
            "pid": self.holder.pid,
            "token": self.holder.token,
            "renewed_at": now.isoformat(),
            "expires_at": (now + timedelta(seconds=self.seconds)).isoformat(),
        }
        written = self.es.index(index=self.index, id=LEASE_ID, document=document, **conditions)
        self._version = {"if_seq_no": written["_seq_no"], "if_primary_term": written["_primary_term"]}
