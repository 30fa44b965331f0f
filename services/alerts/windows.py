"""Tumbling event-time windows aligned on a Monday, so weekly windows read as 'the week of <Monday>'."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

WINDOW_ORIGIN = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday


def window_start(at: datetime, size: timedelta) -> datetime:
    """Start of the window of `size` that holds `at`."""
    return WINDOW_ORIGIN + ((at - WINDOW_ORIGIN) // size) * size


def previous_starts(start: datetime, size: timedelta, count: int) -> list[datetime]:
    """Starts of the `count` windows before the one starting at `start`, most recent first."""
    return [start - size * n for n in range(1, count + 1)]


def describe_window(start: datetime, size: timedelta) -> str:
    """'the week of 2025-06-02', 'on 2025-06-02', or 'the 3-day window from 2025-06-02 00:00'."""
    if size == timedelta(days=7):
        return f"the week of {start:%Y-%m-%d}"
    if size == timedelta(days=1):
        return f"the day of {start:%Y-%m-%d}"
    return f"the {describe_size(size)} window from {start:%Y-%m-%d %H:%M}"


def describe_size(size: timedelta) -> str:
    """'week', 'day', '3-day', '6-hour', '15-minute'."""
    if size == timedelta(days=7):
        return "week"
    if size == timedelta(days=1):
        return "day"
    seconds = int(size.total_seconds())
    for unit, length in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds % length == 0:
            return f"{seconds // length}-{unit}"
    return f"{seconds}-second"
