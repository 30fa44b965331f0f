"""The England overview's tiles: the 153 councils grouped by region, each coloured by a chosen measure.

No map tiles from the internet and no geography to download: regions are placed roughly north to
south in reading order, councils alphabetically inside them, and every tile carries its number as text.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.index.models import AreaActivity

REGION_ORDER = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
MEASURES = {
    "negative": "Negative items",
    "high_severity": "High-severity items",
    "total": "All items",
    "open_alerts": "Open alerts",
}
LEVELS = 4


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    value: int
    level: int  # 0 (none) .. LEVELS (most)


@dataclass(frozen=True)
class RegionTiles:
    name: str
    tiles: tuple[Tile, ...]


def level(value: int, highest: int) -> int:
    """0 for none; otherwise 1..LEVELS by the value's share of the highest (equal-width bands)."""
    if value <= 0 or highest <= 0:
        return 0
    return min(LEVELS, 1 + (LEVELS * (value - 1)) // highest)


def legend(highest: int) -> list[tuple[int, str]]:
    """(level, 'from–to') for each band, from the same rule as `level`."""
    bands: list[tuple[int, str]] = [(0, "None")]
    for band in range(1, LEVELS + 1):
        members = [value for value in range(1, highest + 1) if level(value, highest) == band]
        if members:
            low, high = members[0], members[-1]
            bands.append((band, f"{low:,}" if low == high else f"{low:,} to {high:,}"))
    return bands


def region_tiles(areas: list[AreaActivity], measure: str) -> tuple[list[RegionTiles], int]:
    """Tiles per region in REGION_ORDER, and the highest value (for the legend)."""
    values = {area.code: int(getattr(area, measure)) for area in areas}
    highest = max(values.values(), default=0)
    regions = []
    for region in REGION_ORDER:
        members = sorted((area for area in areas if area.region == region), key=lambda area: area.name)
        tiles = tuple(
            Tile(area.code, area.name, values[area.code], level(values[area.code], highest))
            for area in members
        )
        regions.append(RegionTiles(region, tiles))
    return regions, highest
