"""Area resolution precedence: location reference > given codes > gazetteer > unknown."""

from __future__ import annotations

from factories.classify import ROYAL_OLDHAM_ID, received, royal_oldham

from schemas.common import AreaRef, ProviderRef
from services.classify.gazetteer import ProviderGazetteer
from services.classify.resolve import AreaResolutionMethod, KnownLocation, complete_area, is_newer, resolve

NO_PROVIDERS = ProviderGazetteer(())


def _known() -> KnownLocation:
    return KnownLocation.from_reference(royal_oldham())


def _with_table() -> ProviderGazetteer:
    return ProviderGazetteer(_known().named_areas())


def test_resolve_prefers_the_location_reference_over_given_codes() -> None:
    item = received(
        provider=ProviderRef(location_id=ROYAL_OLDHAM_ID),
        area=AreaRef(local_authority_code="E08000035", place="Leeds"),
    )
    resolution = resolve(item, _known(), NO_PROVIDERS)
    assert resolution.method is AreaResolutionMethod.LOCATION_REFERENCE
    assert resolution.area.local_authority_code == "E08000004"
    assert resolution.area.region_name == "North West"  # filled from the reference data
    assert resolution.area.place == "Leeds"  # the place as given is kept
    assert resolution.provider == ProviderRef(
        location_id=ROYAL_OLDHAM_ID, provider_id="RW6", name="The Royal Oldham Hospital"
    )
    assert resolution.unresolved_location_id is None


def test_resolve_fills_missing_levels_of_given_codes() -> None:
    resolution = resolve(received(area=AreaRef(local_authority_code="E08000004")), None, NO_PROVIDERS)
    assert resolution.method is AreaResolutionMethod.GIVEN
    assert (resolution.area.icb_code, resolution.area.region_code) == ("E54000057", "E12000002")
    assert resolution.area.local_authority_name == "Oldham"


def test_resolve_keeps_given_values_over_reference_values() -> None:
    given = AreaRef(local_authority_code="E08000004", icb_code="E54000099")
    resolution = resolve(received(area=given), None, NO_PROVIDERS)
    assert resolution.area.icb_code == "E54000099"
    assert resolution.area.region_code == "E12000002"


def test_resolve_falls_back_when_location_id_is_not_in_the_table_and_records_it() -> None:
    item = received(provider=ProviderRef(location_id="1-404", name="Royal Oldham Hospital"))
    resolution = resolve(item, None, _with_table())
    assert resolution.method is AreaResolutionMethod.GAZETTEER
    assert resolution.area.local_authority_code == "E08000004"
    assert resolution.unresolved_location_id == "1-404"
    assert resolution.provider.location_id == "1-404"


def test_resolve_matches_royal_oldham_hospital_by_name_with_the_table() -> None:
    resolution = resolve(received(provider=ProviderRef(name="Royal Oldham Hospital")), None, _with_table())
    assert resolution.method is AreaResolutionMethod.GAZETTEER
    assert resolution.area.local_authority_name == "Oldham"
    assert resolution.area.icb_code == "E54000057"


def test_resolve_does_not_guess_from_a_provider_name_without_the_table() -> None:
    resolution = resolve(received(provider=ProviderRef(name="Royal Oldham Hospital")), None, NO_PROVIDERS)
    assert resolution.method is AreaResolutionMethod.UNKNOWN
    assert resolution.area == AreaRef()


def test_resolve_uses_place_names_last() -> None:
    resolution = resolve(received(area=AreaRef(place="Leeds")), None, NO_PROVIDERS)
    assert resolution.method is AreaResolutionMethod.GAZETTEER
    assert resolution.area.local_authority_code == "E08000035"
    assert resolution.area.place == "Leeds"


def test_resolve_marks_ambiguous_places_unknown() -> None:
    resolution = resolve(received(area=AreaRef(place="Leeds or Oldham")), None, NO_PROVIDERS)
    assert resolution.method is AreaResolutionMethod.UNKNOWN
    assert resolution.area == AreaRef(place="Leeds or Oldham")


def test_resolve_marks_items_without_any_hint_unknown() -> None:
    resolution = resolve(received(), None, _with_table())
    assert resolution.method is AreaResolutionMethod.UNKNOWN


def test_complete_area_reads_an_authority_name_alone() -> None:
    area = complete_area(AreaRef(local_authority_name="Oldham"))
    assert area is not None and area.local_authority_code == "E08000004"


def test_complete_area_keeps_unknown_codes_as_given_and_ignores_empty_areas() -> None:
    assert complete_area(AreaRef(local_authority_code="E99999999")) == AreaRef(
        local_authority_code="E99999999"
    )
    assert complete_area(AreaRef(place="somewhere")) is None


def test_is_newer_takes_later_or_equal_versions() -> None:
    old, new = KnownLocation.from_reference(royal_oldham(1)), KnownLocation.from_reference(royal_oldham(2))
    assert is_newer(new, old) and is_newer(new, new) and not is_newer(old, new) and is_newer(old, None)
