"""Processing metrics of the classify worker: Prometheus series (shared ones from services/common/metrics.py
plus classify's own) and the running totals of its periodic log line."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from prometheus_client import Counter as PromCounter
from prometheus_client import Gauge

from services.common import metrics as shared

SERVICE = "classify"
AREA_RESOLUTIONS = PromCounter(
    "caresignal_classify_area_resolution", "Classified items by area resolution method.", ["method"]
)
UNRESOLVED_LOCATION_IDS = PromCounter(
    "caresignal_classify_unresolved_location_ids", "Location ids not yet in the location table."
)
LOCATIONS_RECORDED = PromCounter(
    "caresignal_classify_locations_recorded", "Location reference records stored in the table."
)
LOCATIONS_REJECTED = PromCounter(
    "caresignal_classify_locations_rejected", "Invalid location reference records skipped."
)
DUPLICATION = PromCounter(
    "caresignal_classify_duplication",
    "Classified items by near-duplicate kind (original, exact, near; none: not compared).",
    ["kind"],
)
NEARDUP_ITEMS = Gauge(
    "caresignal_classify_neardup_items", "Items held in the near-duplicate clusters of every area."
)
NEARDUP_BYTES = Gauge("caresignal_classify_neardup_bytes", "Memory of the near-duplicate clusters' arrays.")
ANALYSIS_CACHE = PromCounter(
    "caresignal_classify_analysis_cache",
    "Texts answered by the exact-repeat analysis cache (hit) or analysed by the model (miss).",
    ["result"],
)
ASSIGNED_PARTITIONS = Gauge(
    "caresignal_classify_assigned_partitions", "Input partitions this worker consumes."
)


@dataclass
class ClassifyMetrics:
    """Kept by the agents: each record_* call updates the Prometheus series and the log line's totals."""

    started_at: float = field(default_factory=time.monotonic)
    classified: int = 0
    dead_lettered: Counter[str] = field(default_factory=Counter)
    area_resolutions: Counter[str] = field(default_factory=Counter)
    unresolved_location_ids: int = 0
    duplication: Counter[str] = field(default_factory=Counter)
    locations_recorded: int = 0
    locations_rejected: int = 0
    batches: int = 0
    batch_seconds_sum: float = 0.0
    last_batch_items_per_second: float = 0.0
    lag: dict[tuple[str, int], int] = field(default_factory=dict)

    def record_classified(self, topic: str, method: str, unresolved: bool) -> None:
        self.classified += 1
        self.area_resolutions[method] += 1
        shared.count_items(SERVICE, topic, ["done"])
        AREA_RESOLUTIONS.labels(method).inc()
        if unresolved:
            self.unresolved_location_ids += 1
            UNRESOLVED_LOCATION_IDS.inc()

    def record_duplication(self, kind: str) -> None:
        self.duplication[kind] += 1
        DUPLICATION.labels(kind).inc()

    def record_clusters(self, items: int, nbytes: int) -> None:
        NEARDUP_ITEMS.set(items)
        NEARDUP_BYTES.set(nbytes)

    def record_dead_letter(self, topic: str, error_type: str) -> None:
        self.dead_lettered[error_type] += 1
        shared.count_items(SERVICE, topic, ["dead_lettered"])

    def record_location(self, recorded: bool) -> None:
        if recorded:
            self.locations_recorded += 1
            LOCATIONS_RECORDED.inc()
        else:
            self.locations_rejected += 1
            LOCATIONS_REJECTED.inc()

    def observe_batch(self, items: int, seconds: float) -> None:
        self.batches += 1
        self.batch_seconds_sum += seconds
        self.last_batch_items_per_second = items / seconds if seconds > 0 else 0.0
        shared.BATCH_SECONDS.labels(SERVICE).observe(seconds)

    def record_lag(self, lag: dict[tuple[str, int], int]) -> None:
        """Lag of every assigned input partition (all of them, so revoked ones disappear)."""
        self.lag = lag
        ASSIGNED_PARTITIONS.set(len(lag))
        shared.record_lag(SERVICE, lag)

    @property
    def processed(self) -> int:
        return self.classified + self.dead_lettered.total()

    def items_per_second(self) -> float:
        """Average rate since the worker started."""
        elapsed = time.monotonic() - self.started_at
        return self.processed / elapsed if elapsed > 0 else 0.0

    def summary(self) -> str:
        """One log line: counts, rate, latency and lag."""
        mean = self.batch_seconds_sum / self.batches if self.batches else 0.0
        return (
            f"classified={self.classified} dead_lettered={self.dead_lettered.total()} batches={self.batches} "
            f"mean_batch_s={mean:.3f} items_per_s={self.items_per_second():.1f} "
            f"last_batch_items_per_s={self.last_batch_items_per_second:.1f} lag={sum(self.lag.values())} "
            f"resolutions={dict(self.area_resolutions)} "
            f"unresolved_location_ids={self.unresolved_location_ids} "
            f"locations_recorded={self.locations_recorded} duplication={dict(self.duplication)}"
        )
