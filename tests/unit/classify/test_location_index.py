"""The location table: newest version wins, tombstones delete, the name gazetteer follows the table."""

from __future__ import annotations

import pytest
from factories.classify import ROYAL_OLDHAM_ID, royal_oldham
from pydantic import ValidationError

from schemas.cloudevents import encode
from services.classify.agents import LocationIndex


def test_location_index_keeps_the_newest_version() -> None:
    index = LocationIndex(refresh_seconds=0)
    assert index.apply(ROYAL_OLDHAM_ID.encode(), encode(royal_oldham(5, name="Royal Oldham v5")))
    assert not index.apply(ROYAL_OLDHAM_ID.encode(), encode(royal_oldham(3, name="Royal Oldham v3")))
    known = index.get(ROYAL_OLDHAM_ID)
    assert known is not None and known.name == "Royal Oldham v5"
    assert known.area.region_name == "North West"  # completed from the reference data


def test_location_index_deletes_on_tombstones() -> None:
    index = LocationIndex(refresh_seconds=0)
    index.apply(ROYAL_OLDHAM_ID.encode(), encode(royal_oldham()))
    index.apply(ROYAL_OLDHAM_ID.encode(), None)
    assert index.get(ROYAL_OLDHAM_ID) is None
    assert index.providers().match("Royal Oldham Hospital") is None


def test_location_index_gazetteer_follows_the_table() -> None:
    index = LocationIndex(refresh_seconds=0)
    assert index.providers().match("Royal Oldham Hospital") is None
    index.apply(ROYAL_OLDHAM_ID.encode(), encode(royal_oldham()))
    area = index.providers().match("Royal Oldham Hospital")
    assert area is not None and area.local_authority_code == "E08000004"


def test_location_index_rebuilds_the_gazetteer_at_most_every_refresh_period() -> None:
    index = LocationIndex(refresh_seconds=3600)
    index.apply(ROYAL_OLDHAM_ID.encode(), encode(royal_oldham()))
    assert index.providers().match("Royal Oldham Hospital") is not None  # first build is immediate
    index.apply(ROYAL_OLDHAM_ID.encode(), None)
    assert index.providers().match("Royal Oldham Hospital") is not None  # stale until the period passes


def test_location_index_rejects_invalid_records() -> None:
    with pytest.raises(ValidationError):
        LocationIndex(refresh_seconds=0).apply(b"x", b"not a location")
