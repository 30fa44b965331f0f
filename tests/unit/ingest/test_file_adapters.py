from __future__ import annotations

import json

from schemas.evidence import MAX_TEXT_CHARS, AuthorRole, SourceType
from services.ingest.readers import InputFormat


def _evidence(outcomes):
    assert [outcome.error for outcome in outcomes if outcome.error] == []
    return [event for outcome in outcomes for event in outcome.mapped.evidence]


def test_healthwatch_csv_and_json_samples_map_to_feedback(map_file, samples):
    csv_events = _evidence(map_file(samples / "healthwatch_feedback.csv", "healthwatch"))
    json_events = _evidence(map_file(samples / "healthwatch_feedback.json", "healthwatch"))
    assert len(csv_events) == 150 and len(json_events) == 50
    events = csv_events + json_events
    assert {event.source_type for event in events} == {SourceType.HEALTHWATCH_FEEDBACK}
    assert {event.area.local_authority_name for event in events} >= {
        "Oldham",
        "Kent",
        "Devon",
        "Leeds",
        "Camden",
    }
    assert all(event.area.local_authority_code for event in events)
    assert any(event.provider.location_id for event in events)
    assert {event.metadata.get("star_rating") for event in events} >= {1, 5}
    assert AuthorRole.RELATIVE_OR_CARER in {event.author_role for event in events}
    assert len({event.evidence_id for event in events}) == 200


def test_call_centre_samples_map_contact_types_and_flags(map_file, samples):
    events = _evidence(map_file(samples / "call_centre_notes.csv", "call-centre"))
    events += _evidence(map_file(samples / "call_centre_notes.jsonl", "call-centre"))
    assert len(events) == 160
    roles = {event.author_role for event in events}
    assert roles >= {AuthorRole.MEMBER_OF_PUBLIC, AuthorRole.RELATIVE_OR_CARER, AuthorRole.PROFESSIONAL}
    assert roles & {AuthorRole.STAFF, AuthorRole.WHISTLEBLOWER}
    assert any(event.metadata.get("safeguarding_referral_made") for event in events)
    assert any("NHS number" in event.text for event in events)


def test_social_sample_maps_platform_post_ids_and_places(map_file, samples):
    events = _evidence(map_file(samples / "social_comments.jsonl", "social"))
    assert len(events) == 140
    assert all(event.source_reference.count(":") == 1 for event in events)
    assert any(event.area.local_authority_code and event.area.place for event in events)
    assert all(event.author_role is AuthorRole.MEMBER_OF_PUBLIC for event in events)


def test_directory_sample_gives_references_and_ignores_provider_rows(map_file, samples):
    outcomes = map_file(samples / "cqc_directory.csv", "cqc-directory")
    assert all(outcome.error is None for outcome in outcomes)
    ignored = [outcome for outcome in outcomes if outcome.mapped.ignored]
    references = [ref for outcome in outcomes for ref in outcome.mapped.locations]
    assert ignored and references
    assert all(ref.area.local_authority_code for ref in references)


def test_invalid_rows_are_rejected_with_reasons(map_file, tmp_path):
    header = "feedback_id,healthwatch_area,service_name,feedback_date,star_rating,feedback_text\n"
    rows = [
        "1,Healthwatch Oldham,Oakwood,2026-10-01,4,Lovely staff\n",
        "2,Healthwatch Oldham,Oakwood,2026-10-01,4,\n",  # missing text
        "3,Healthwatch Oldham,Oakwood,2026-02-30,4,Impossible date\n",
        "4,Healthwatch Oldham,Oakwood,2099-01-01,4,Future date\n",
        f"5,Healthwatch Oldham,Oakwood,2026-10-01,4,{'x' * (MAX_TEXT_CHARS + 1)}\n",
        "6,Healthwatch Oldham,Oakwood,2026-10-01\n",  # too few fields
        "7,Healthwatch Oldham,Oakwood,2026-10-01,9,Nine stars\n",
    ]
    path = tmp_path / "feedback.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    outcomes = map_file(path, "healthwatch")
    codes = {outcome.record.reference: outcome.error.code for outcome in outcomes if outcome.error}
    assert codes == {
        "feedback.csv:row 3": "MissingText",
        "feedback.csv:row 4": "ImpossibleDate",
        "feedback.csv:row 5": "ImpossibleDate",
        "feedback.csv:row 6": "TextTooLong",
        "feedback.csv:row 7": "MalformedCsv",
        "feedback.csv:row 8": "InvalidField",
    }
    assert outcomes[4].record.raw.startswith(b"5,Healthwatch Oldham")


def test_same_item_gives_the_same_evidence_id(map_file, samples):
    first = _evidence(map_file(samples / "social_comments.jsonl", "social", InputFormat.JSONL))
    second = _evidence(map_file(samples / "social_comments.jsonl", "social", InputFormat.JSONL))
    assert [event.evidence_id for event in first] == [event.evidence_id for event in second]


def test_one_contact_id_twice_in_a_file_with_different_notes_rejects_the_second(map_file, tmp_path):
    notes = tmp_path / "notes.jsonl"
    row = {"contact_id": "NCSC-1", "contact_date": "2026-10-01", "note": "First note."}
    notes.write_text(
        "\n".join(json.dumps(line) for line in (row, {**row, "note": "Another note."}, row)) + "\n"
    )
    first, second, third = map_file(notes, "call-centre")
    assert first.error is None and third.error is None  # an identical repeat stays "already seen"
    assert second.error is not None and second.error.code == "ConflictingDuplicate"
    assert "notes.jsonl:line 1" in second.error.reason
