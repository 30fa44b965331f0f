"""Place-name and provider-name matching against the bundled ONS lookups."""

from __future__ import annotations

import pytest

from schemas.common import AreaRef
from services.classify.gazetteer import NamedArea, ProviderGazetteer, match_place, most_specific

OLDHAM = "E08000004"
LEEDS = "E08000035"
GREATER_MANCHESTER_ICB = "E54000057"
NORTH_WEST = "E12000002"


def test_match_place_finds_oldham_with_icb_and_region() -> None:
    area = match_place("Oldham")
    assert area is not None
    assert (area.local_authority_code, area.icb_code, area.region_code) == (
        OLDHAM,
        GREATER_MANCHESTER_ICB,
        NORTH_WEST,
    )
    assert area.local_authority_name == "Oldham"


def test_match_place_finds_leeds_inside_free_text() -> None:
    area = match_place("a care home just outside Leeds city centre")
    assert area is not None and area.local_authority_code == LEEDS
    assert area.region_name == "Yorkshire and The Humber"


def test_match_place_maps_district_to_its_upper_tier_authority() -> None:
    area = match_place("Sevenoaks")
    assert area is not None
    assert (area.local_authority_name, area.region_name) == ("Kent", "South East")
    assert area.icb_name == "NHS Kent and Medway Integrated Care Board"


@pytest.mark.parametrize(
    "text", ["Leeds and Bradford", "Oldham or Devon", "Richmond", "Newport", "", "the ward"]
)
def test_match_place_returns_none_when_ambiguous_or_unknown(text: str) -> None:
    assert match_place(text) is None


def test_match_place_prefers_the_longest_name() -> None:
    city = match_place("City of London")
    assert city is not None and city.local_authority_name == "City of London"
    icb = match_place("North East London")
    assert icb is not None and icb.icb_code == "E54000029" and icb.local_authority_code is None


def test_match_place_nests_authority_inside_its_region() -> None:
    area = match_place("Oldham, North West")
    assert area is not None and area.local_authority_code == OLDHAM


def test_match_place_knows_icb_short_names_and_regions() -> None:
    icb = match_place("Greater Manchester ICB")
    assert icb is not None and (icb.icb_code, icb.region_code, icb.local_authority_code) == (
        GREATER_MANCHESTER_ICB,
        NORTH_WEST,
        None,
    )
    region = match_place("the South West")
    assert region is not None and region.region_name == "South West" and region.icb_code is None


def test_match_place_reads_reordered_city_names() -> None:
    bristol = match_place("Bristol")
    assert bristol is not None and bristol.local_authority_name == "Bristol, City of"
    hull = match_place("Hull")
    assert hull is not None and hull.local_authority_code == "E06000010"
    st_helens = match_place("St Helens")
    assert st_helens is not None and st_helens.local_authority_name == "St. Helens"


def test_match_place_does_not_match_inside_words() -> None:
    assert match_place("Leedsborough") is None


def _oldham() -> AreaRef:
    area = match_place("Oldham")
    assert area is not None
    return area


def test_provider_gazetteer_matches_exact_and_contained_names() -> None:
    gazetteer = ProviderGazetteer([NamedArea("The Royal Oldham Hospital", _oldham())])
    assert gazetteer.match("Royal Oldham Hospital") == _oldham()
    assert gazetteer.match("royal oldham hospital A&E department") == _oldham()
    assert gazetteer.match("Royal Oldham") == _oldham()


def test_provider_gazetteer_ignores_generic_names() -> None:
    gazetteer = ProviderGazetteer(
        [NamedArea("Supported Living", _oldham()), NamedArea("The Care Home", _oldham())]
    )
    assert len(gazetteer) == 0
    assert gazetteer.match("Supported Living") is None
    assert gazetteer.match("Care Home") is None


def test_provider_gazetteer_refuses_single_word_containment() -> None:
    gazetteer = ProviderGazetteer([NamedArea("Treetops Nursing Home", _oldham())])
    assert gazetteer.match("Treetops") is None
    assert gazetteer.match("Oldham") is None
    assert gazetteer.match("Treetops Nursing") == _oldham()


def test_provider_gazetteer_returns_none_when_names_span_areas() -> None:
    leeds = match_place("Leeds")
    assert leeds is not None
    gazetteer = ProviderGazetteer(
        [NamedArea("Park House Dental Practice", _oldham()), NamedArea("Park House Dental Practice", leeds)]
    )
    assert gazetteer.match("Park House Dental Practice") is None


def test_most_specific_keeps_the_nested_candidate_and_refuses_conflicts() -> None:
    region = AreaRef(region_code=NORTH_WEST)
    assert most_specific([region, _oldham()]) == _oldham()
    assert most_specific([_oldham(), AreaRef(local_authority_code=LEEDS)]) is None
    assert most_specific([]) is None
