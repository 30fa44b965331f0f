"""The near-duplicate clusters the classify worker assigns: one `AreaIndex` per local authority.

Copies are looked for among the items of the same local authority (items without one share an index of
their own); inspection results, which are published ratings rather than what people say, are never
clustered. The same item always gets the same answer (redeliveries are idempotent), whether this
process decided it or read another worker's decision back from the classified topic (`remember`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from schemas.common import AreaRef
from schemas.evidence import Duplication, SourceType
from services.classify.neardup.index import AreaIndex, Match
from services.classify.neardup.signature import MinHasher, normalise, normalised_hash

NO_AREA = "-"
RECENT = 65_536  # ids decided here, skipped when read back from the topic (their own output, seconds later)


class ClusteredItem(Protocol):
    """What clustering reads of a classified item (an `EvidenceClassified` or its slim read-back)."""

    @property
    def evidence_id(self) -> UUID: ...
    @property
    def source_type(self) -> SourceType: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def text(self) -> str: ...
    @property
    def area(self) -> AreaRef: ...


class NearDuplicates:
    """Every area's index, created on first use, each bounded by `max_items_per_area` and the horizon."""

    def __init__(
        self, hasher: MinHasher, *, threshold: float, horizon_seconds: float, max_items_per_area: int
    ) -> None:
        self.hasher = hasher
        self.threshold = threshold
        self.horizon_seconds = horizon_seconds
        self.max_items_per_area = max_items_per_area
        self.areas: dict[str, AreaIndex] = {}
        self.recent: dict[UUID, None] = {}  # insertion-ordered: the oldest is dropped first

    def __len__(self) -> int:
        return sum(len(index) for index in self.areas.values())

    def nbytes(self) -> int:
        return sum(index.nbytes() for index in self.areas.values())

    def assign(self, item: ClusteredItem) -> Duplication | None:
        """The item's cluster (deciding it now unless the item is held already), or None when it is an
        inspection result or too short to compare."""
        if item.source_type is SourceType.INSPECTION_RESULT:
            return None
        normalised = normalise(item.text)
        signature = self.hasher.signature_of_normalised(normalised)
        if signature is None:
            return None
        index = self._index(item.area)
        at = item.received_at.timestamp()
        match = index.add(item.evidence_id, signature, normalised_hash(normalised), at)
        self.recent[item.evidence_id] = None
        if len(self.recent) > RECENT:
            del self.recent[next(iter(self.recent))]
        return Duplication(cluster_id=match.cluster_id, kind=match.kind, similarity=match.similarity)

    def decided_here(self, evidence_id: UUID) -> bool:
        """Whether this process clustered the item recently (its own output, read back: nothing to do)."""
        return evidence_id in self.recent

    def remember(self, item: ClusteredItem, duplication: Duplication | None) -> None:
        """Hold an item read back from the classified topic with the cluster it was published with; an
        item published without one (before 1.2) is clustered now, like a new one."""
        if item.evidence_id in self.recent:  # decided here a moment ago: held already
            return
        if duplication is None:
            self.assign(item)
            return
        normalised = normalise(item.text)
        signature = self.hasher.signature_of_normalised(normalised)
        if signature is None:
            return
        match = Match(duplication.cluster_id, duplication.similarity, duplication.kind)
        self._index(item.area).remember(
            item.evidence_id, signature, normalised_hash(normalised), item.received_at.timestamp(), match
        )

    def _index(self, area: AreaRef) -> AreaIndex:
        key = area.local_authority_code or NO_AREA
        index = self.areas.get(key)
        if index is None:
            index = self.areas[key] = AreaIndex(
                self.hasher,
                threshold=self.threshold,
                horizon_seconds=self.horizon_seconds,
                max_items=self.max_items_per_area,
            )
        return index
