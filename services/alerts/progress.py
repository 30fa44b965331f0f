"""The latest occurred_at this worker has read per classified partition (event-time progress)."""

from __future__ import annotations

from datetime import datetime

from services.alerts.domain import WatermarkTick


class Progress:
    def __init__(self) -> None:
        self.maxima: dict[int, datetime] = {}
        self.changed = False

    def see(self, partition: int, occurred_at: datetime) -> None:
        if partition not in self.maxima or occurred_at > self.maxima[partition]:
            self.maxima[partition] = occurred_at
            self.changed = True

    def take_tick(self) -> WatermarkTick | None:
        """A tick when progress moved since the last one, else None."""
        if not self.changed:
            return None
        self.changed = False
        return WatermarkTick(maxima=dict(self.maxima))
