"""Reference lookups (services/common/areas.py): places, councils, ICBs and regions by name and code."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from schemas.common import AreaRef
from services.common.areas import find_area, match_place, most_specific, resolve_area

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


def test_most_specific_keeps_the_nested_candidate_and_refuses_conflicts() -> None:
    oldham = match_place("Oldham")
    region = AreaRef(region_code=NORTH_WEST)
    assert most_specific([region, oldham]) == oldham
    assert most_specific([oldham, AreaRef(local_authority_code=LEEDS)]) is None
    assert most_specific([]) is None


COUNCIL_NAMES = {
    "Oldham": OLDHAM,
    "oldham": OLDHAM,
    "Bristol, City of": "E06000023",
    "City of Bristol": "E06000023",
    "Bristol City Council": "E06000023",
    "Healthwatch Kent": "E10000016",
    "Sevenoaks": "E10000016",
    "Kingston upon Hull, City of": "E06000010",
    "Hull": "E06000010",
    "County Durham": "E06000047",
    "St Helens": "E08000013",
    "Leeds City Council": LEEDS,
}


@pytest.fixture(scope="module")
def web() -> TestClient:
    """The web app without its lifespan: an area named in an address redirects to its code before any
    query, so the Elasticsearch client it is given is never called (nothing listens on port 9)."""
    from services.api import create_app

    app = create_app()
    app.state.es = Elasticsearch("http://127.0.0.1:9")
    return TestClient(app, follow_redirects=False)


def asked_everywhere(name: str, web: TestClient) -> dict[str, str]:
    """The code a user's name for an area comes to in the API/CLI and in each place the web app takes one."""
    from services.index.areas import resolve_area as query_area
    from services.web.routes.alerts import area_code

    return {
        "api and cli": query_area(name).code,
        "web finder": web.get("/areas", params={"q": name}).headers["location"].removeprefix("/areas/"),
        "web address": web.get(f"/areas/{quote(name)}").headers["location"].removeprefix("/areas/"),
        "web alerts filter": area_code(name),
    }


@pytest.mark.parametrize(("name", "code"), COUNCIL_NAMES.items())
def test_council_names_resolve_identically_everywhere(name: str, code: str, web: TestClient) -> None:
    """Ingest (a source names a council), classify (completes a given area), the API/CLI (a user asks
    for an area) and the web app all go through services/common/areas.py, so they agree on every name."""
    from services.classify.resolve import complete_area
    from services.index.areas import resolve_area as query_area

    ingested = resolve_area(name)
    completed = complete_area(AreaRef(local_authority_name=name))
    assert completed is not None
    assert ingested.local_authority_code == completed.local_authority_code == code
    assert ingested.icb_code == completed.icb_code and ingested.region_code == completed.region_code
    assert set(asked_everywhere(name, web).values()) == {code}
    asked = query_area(name)
    assert asked.level == "local_authority" and asked.resolved_from == name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("NHS Greater Manchester ICB", GREATER_MANCHESTER_ICB),
        ("north west", NORTH_WEST),
        ("Devon", "E10000008"),
    ],
)
def test_icb_and_region_names_resolve_identically_in_the_api_and_the_web_app(
    name: str, code: str, web: TestClient
) -> None:
    assert set(asked_everywhere(name, web).values()) == {code}


def test_find_area_takes_codes_and_names_of_every_level() -> None:
    assert find_area("Oldham") == ("E08000004", "Oldham", "local_authority", "Oldham")
    assert find_area(" e08000004 ") == ("E08000004", "Oldham", "local_authority", None)
    assert find_area("NHS Greater Manchester ICB").code == GREATER_MANCHESTER_ICB
    assert find_area("North West").level == "region"
    assert find_area("E07000008") == ("E10000003", "Cambridgeshire", "local_authority", "E07000008")
    assert find_area("Devon").level == "local_authority"  # the council, not the ICB of the same name
    assert find_area("Atlantis") is None
    assert find_area("Newport") is None  # ambiguous
