"""Batches sent to Elasticsearch and not yet settled: what may overlap them, and the corrections they carry.

The worker keeps up to `index_bulk_concurrency` bulk requests in flight and settles them (dead letters,
then the offset commit) strictly in the order they were consumed. Overlapping is safe when the order of
writes does not matter: an `index` with an external version (evidence, locations) ends the same
whichever arrives first. Every other write (updates of alerts and corrected items, unversioned
documents) is ordered: a batch touching the id of such a write in flight waits until it is settled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field

from schemas import EvidenceCorrected
from services.index.batch import Message
from services.index.documents import Action

COMMUTATIVE_VERSION_TYPES = {"external", "external_gte"}


def is_commutative(action: Action) -> bool:
    """Whether this write ends the same whatever order it meets other writes of its id in."""
    return (
        action.get("_op_type", "index") == "index" and action.get("version_type") in COMMUTATIVE_VERSION_TYPES
    )


@dataclass
class InFlight:
    """One batch whose bulk requests run on the sender pool; `future` returns its retry count."""

    batch: list[Message]
    began: float
    corrections: dict[str, EvidenceCorrected] = field(default_factory=dict)  # decoded in this batch
    ids: set[str] = field(default_factory=set)
    ordered_ids: set[str] = field(default_factory=set)
    future: Future[int] | None = None

    def __post_init__(self) -> None:
        for message in self.batch:
            for action in message.actions:
                self.ids.add(str(action["_id"]))
                if not is_commutative(action):
                    self.ordered_ids.add(str(action["_id"]))

    def conflicts_with(self, other: InFlight) -> bool:
        """True when the two batches write an id where order matters (so this one must wait)."""
        return bool(self.ordered_ids & other.ids or self.ids & other.ordered_ids)


def latest_of(
    found: Mapping[str, EvidenceCorrected], corrections: Iterable[EvidenceCorrected]
) -> dict[str, EvidenceCorrected]:
    """The latest correction per item of `found` (what Elasticsearch returned) and `corrections` (those of
    batches still in flight, not yet written when it was asked). The latest `occurred_at` wins, as the
    corrections index's external version decides; on a tie the later write."""
    latest = dict(found)
    for correction in corrections:
        evidence_id = str(correction.evidence_id)
        current = latest.get(evidence_id)
        if current is None or correction.occurred_at >= current.occurred_at:
            latest[evidence_id] = correction
    return latest
