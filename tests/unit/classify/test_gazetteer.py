"""Provider-name matching: known provider and location names mapped to their areas."""

from __future__ import annotations

from schemas.common import AreaRef
from services.classify.gazetteer import NamedArea, ProviderGazetteer
from services.common.areas import match_place


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
