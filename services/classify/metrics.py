"""Processing metrics of the classify worker, rendered in the Prometheus text format and as a log line."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass
class ClassifyMetrics:
    """Counters kept by the agents; read by the /metrics page and the periodic log line."""

    started_at: float = field(default_factory=time.monotonic)
    classified: int = 0
    dead_lettered: Counter[str] = field(default_factory=Counter)
    area_resolutions: Counter[str] = field(default_factory=Counter)
    unresolved_location_ids: int = 0
    locations_recorded: int = 0
    locations_rejected: int = 0
    batches: int = 0
    batch_seconds_sum: float = 0.0
    batch_buckets: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS))
    last_batch_items_per_second: float = 0.0
    lag: dict[tuple[str, int], int] = field(default_factory=dict)
    assigned_partitions: int = 0

    def observe_batch(self, items: int, seconds: float) -> None:
        self.batches += 1
        self.batch_seconds_sum += seconds
        for index, bound in enumerate(LATENCY_BUCKETS):
            if seconds <= bound:
                self.batch_buckets[index] += 1
        self.last_batch_items_per_second = items / seconds if seconds > 0 else 0.0

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
            f"locations_recorded={self.locations_recorded}"
        )

    def render(self) -> str:
        """Prometheus text exposition format (version 0.0.4)."""
        lines = [
            "# HELP caresignal_classify_classified_total Items classified and published.",
            "# TYPE caresignal_classify_classified_total counter",
            f"caresignal_classify_classified_total {self.classified}",
            "# HELP caresignal_classify_dead_lettered_total Items dead-lettered, by error type.",
            "# TYPE caresignal_classify_dead_lettered_total counter",
            *(
                f'caresignal_classify_dead_lettered_total{{error_type="{kind}"}} {count}'
                for kind, count in sorted(self.dead_lettered.items())
            ),
            "# HELP caresignal_classify_area_resolution_total Classified items by area resolution method.",
            "# TYPE caresignal_classify_area_resolution_total counter",
            *(
                f'caresignal_classify_area_resolution_total{{method="{method}"}} {count}'
                for method, count in sorted(self.area_resolutions.items())
            ),
            "# HELP caresignal_classify_unresolved_location_ids_total Location ids not yet in the table.",
            "# TYPE caresignal_classify_unresolved_location_ids_total counter",
            f"caresignal_classify_unresolved_location_ids_total {self.unresolved_location_ids}",
            "# HELP caresignal_classify_locations_recorded_total Location reference records stored.",
            "# TYPE caresignal_classify_locations_recorded_total counter",
            f"caresignal_classify_locations_recorded_total {self.locations_recorded}",
            "# HELP caresignal_classify_batch_seconds Time to classify and publish one batch.",
            "# TYPE caresignal_classify_batch_seconds histogram",
            *(
                f'caresignal_classify_batch_seconds_bucket{{le="{bound}"}} {count}'
                for bound, count in zip(LATENCY_BUCKETS, self.batch_buckets, strict=True)
            ),
            f'caresignal_classify_batch_seconds_bucket{{le="+Inf"}} {self.batches}',
            f"caresignal_classify_batch_seconds_sum {self.batch_seconds_sum:.6f}",
            f"caresignal_classify_batch_seconds_count {self.batches}",
            "# HELP caresignal_classify_items_per_second Items processed per second since start.",
            "# TYPE caresignal_classify_items_per_second gauge",
            f"caresignal_classify_items_per_second {self.items_per_second():.3f}",
            "# HELP caresignal_classify_assigned_partitions Input partitions this worker consumes.",
            "# TYPE caresignal_classify_assigned_partitions gauge",
            f"caresignal_classify_assigned_partitions {self.assigned_partitions}",
            "# HELP caresignal_classify_consumer_lag Messages behind the end of each input partition.",
            "# TYPE caresignal_classify_consumer_lag gauge",
            *(
                f'caresignal_classify_consumer_lag{{topic="{topic}",partition="{partition}"}} {lag}'
                for (topic, partition), lag in sorted(self.lag.items())
            ),
        ]
        return "\n".join(lines) + "\n"
