"""Counts and rejects of an ingest run, as shown to the caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

MAX_REJECTS_KEPT = 50


class Status(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ALREADY_SEEN = "already_seen"
    IGNORED = "ignored"


@dataclass(frozen=True)
class ItemResult:
    """What happened to one record."""

    reference: str
    status: Status
    evidence_ids: tuple[UUID, ...] = ()
    location_ids: tuple[str, ...] = ()
    error_type: str | None = None
    reason: str | None = None


@dataclass
class IngestSummary:
    """read = accepted + rejected + already_seen + ignored."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0
    already_seen: int = 0
    ignored: int = 0
    rejects: list[ItemResult] = field(default_factory=list)
    batch_seconds: list[float] = field(default_factory=list)

    def add(self, results: list[ItemResult], seconds: float) -> None:
        self.batch_seconds.append(seconds)
        for result in results:
            self.read += 1
            match result.status:
                case Status.ACCEPTED:
                    self.accepted += 1
                case Status.REJECTED:
                    self.rejected += 1
                    if len(self.rejects) < MAX_REJECTS_KEPT:
                        self.rejects.append(result)
                case Status.ALREADY_SEEN:
                    self.already_seen += 1
                case Status.IGNORED:
                    self.ignored += 1

    def counts(self) -> dict[str, int]:
        """The four counts of `caresignal ingest --json`."""
        return {
            "read": self.read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "already_seen": self.already_seen,
        }
