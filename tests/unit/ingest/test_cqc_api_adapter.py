from __future__ import annotations

import json
from datetime import UTC, datetime

from schemas.common import KeyQuestion, Rating
from schemas.evidence import AuthorRole, SourceType, evidence_id_for
from services.ingest.adapters.cqc_api import map_location
from services.ingest.records import MappingContext, RatingSeen

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _context(*seen: RatingSeen) -> MappingContext:
    return MappingContext(received_at=NOW, reference="test", ratings_seen=seen)


def _location(samples, location_id: str) -> dict:
    records = json.loads((samples / "cqc_locations.json").read_text(encoding="utf-8"))
    return next(record for record in records if record["locationId"] == location_id)


def test_cqc_sample_maps_every_location_with_areas_from_the_reference(map_file, samples):
    outcomes = map_file(samples / "cqc_locations.json", "cqc-api")
    assert len(outcomes) == 10 and all(outcome.error is None for outcome in outcomes)
    for outcome in outcomes:
        (reference,) = outcome.mapped.locations
        assert reference.area.local_authority_code == "E08000004"  # Oldham
        assert reference.area.icb_code == "E54000057"
        assert reference.area.region_code == "E12000002"
        assert reference.version > 0


def test_cqc_rating_change_carries_the_previous_rating_from_history(samples):
    mapped = map_location(_location(samples, "1-117977107"), _context())
    by_reference = {event.source_reference: event for event in mapped.evidence}
    safe_2017 = by_reference["1-117977107:safe:2017-11-25"]
    assert safe_2017.inspection.key_question is KeyQuestion.SAFE
    assert safe_2017.inspection.rating is Rating.GOOD
    assert safe_2017.inspection.previous_rating is Rating.REQUIRES_IMPROVEMENT
    assert by_reference["1-117977107:caring:2017-11-25"].inspection.previous_rating is None  # unchanged
    overall = by_reference["1-117977107:overall:2024-01-05"]
    assert overall.text.startswith(
        "Overall rating for Avonleigh Gardens: Good (report 2024-01-05); Safe: Good"
    )
    assert overall.author_role is AuthorRole.INSPECTOR
    assert overall.evidence_id == evidence_id_for(
        SourceType.INSPECTION_RESULT, "1-117977107:overall:2024-01-05"
    )
    assert overall.inspection.report_link_id == "e19ee120-d7d6-4218-966f-eff683852a6a"


def test_cqc_previous_rating_comes_from_an_earlier_version_seen(samples):
    record = _location(samples, "1-2951007475")
    record.pop("historicRatings", None)
    current = record["currentRatings"]["overall"]
    seen = RatingSeen("1-2951007475", "overall", datetime(2015, 1, 1, tzinfo=UTC), "Outstanding")
    mapped = map_location(record, _context(seen))
    overall = next(event for event in mapped.evidence if event.inspection.key_question is None)
    assert overall.inspection.rating.value == current["rating"]
    assert overall.inspection.previous_rating is Rating.OUTSTANDING
    assert "previously Outstanding" in overall.text


def test_cqc_key_questions_are_matched_by_name_not_position(samples):
    record = _location(samples, "1-117977107")
    record["currentRatings"]["overall"]["keyQuestionRatings"].reverse()
    record["currentRatings"]["overall"]["keyQuestionRatings"][0]["rating"] = "Inadequate"  # now 'Effective'
    mapped = map_location(record, _context())
    (reference,) = mapped.locations
    assert reference.key_question_ratings[KeyQuestion.EFFECTIVE].rating is Rating.INADEQUATE
    assert reference.key_question_ratings[KeyQuestion.SAFE].rating is Rating.GOOD


def test_cqc_location_without_ratings_gives_only_a_reference(samples):
    records = json.loads((samples / "cqc_locations.json").read_text(encoding="utf-8"))
    record = next(record for record in records if "currentRatings" not in record)
    mapped = map_location(record, _context())
    assert mapped.evidence == () and len(mapped.locations) == 1
    assert mapped.locations[0].overall_rating is None


def test_cqc_no_published_rating_is_not_evidence(samples):
    mapped = map_location(_location(samples, "1-10431632228"), _context())
    assert mapped.evidence == ()
    assert mapped.locations[0].overall_rating.rating is Rating.NO_PUBLISHED_RATING


def test_cqc_version_is_the_newest_date_or_fetch_time(samples):
    record = _location(samples, "1-117977107")
    assert map_location(record, _context()).locations[0].version == int(
        datetime(2024, 4, 2, tzinfo=UTC).timestamp() * 1000
    )  # deregistrationDate
    fetched = MappingContext(received_at=NOW, reference="t", fetched_at=NOW)
    assert map_location(record, fetched).locations[0].version == int(NOW.timestamp() * 1000)


def test_cqc_reference_carries_last_inspection_care_home_and_beds(samples):
    (home,) = map_location(_location(samples, "1-117977107"), _context()).locations
    assert home.last_inspection_at == datetime(2023, 12, 11, tzinfo=UTC)
    assert (home.care_home, home.number_of_beds) == (True, 59)
    (dentist,) = map_location(_location(samples, "1-10431632228"), _context()).locations
    assert (dentist.last_inspection_at, dentist.care_home, dentist.number_of_beds) == (None, False, 0)
