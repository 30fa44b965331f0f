"""The England overview's tiles: every council once, bands that match their legend."""

from __future__ import annotations

from schemas.reference import local_authorities
from services.index.models import AreaActivity
from services.web.tiles import LEVELS, legend, level, region_tiles


def _activity(code: str, name: str, region: str, negative: int) -> AreaActivity:
    zero = dict(total=0, high_severity=0, previous_total=0, previous_negative=0, previous_high_severity=0)
    return AreaActivity(code=code, name=name, region=region, negative=negative, open_alerts=0, **zero)


def test_tiles_place_all_153_councils_in_the_nine_regions() -> None:
    areas = [_activity(a.code, a.name, a.region_name, i) for i, a in enumerate(local_authorities().values())]
    regions, highest = region_tiles(areas, "negative")
    assert len(regions) == 9
    assert sorted(t.code for r in regions for t in r.tiles) == sorted(local_authorities())
    assert highest == 152


def test_tiles_levels_agree_with_the_legend() -> None:
    for highest in (1, 3, 4, 7, 100):
        bands = dict(legend(highest))
        for value in range(0, highest + 1):
            band = level(value, highest)
            assert 0 <= band <= LEVELS and band in bands
        assert level(highest, highest) == LEVELS or highest < LEVELS
    assert level(0, 10) == 0 and level(1, 10) == 1 and level(10, 10) == LEVELS
