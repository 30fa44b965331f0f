"""Contracts: committed JSON Schemas match the models, and every example validates against both."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from schemas import EvidenceClassified, EvidenceReceived, SourceType, evidence_id_for, read_inspection_result
from schemas.cloudevents import cloudevent_headers, encode
from schemas.generate import EVENT_MODELS, JSON_DIR, schema_documents
from schemas.reference import local_authorities, quality_statements
from schemas.topics import TOPIC_CATALOGUE, Topic

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"
MODELS = {model.__name__: model for model in EVENT_MODELS}
EXAMPLE_FILES = sorted(EXAMPLES.glob("*/*.json"))


def test_json_schemas_committed_are_not_stale() -> None:
    for name, text in schema_documents().items():
        committed = JSON_DIR / name
        assert committed.exists(), f"{name} missing: run `make schemas`"
        assert committed.read_text() == text, f"{name} is stale: run `make schemas` and commit"


def test_every_event_model_has_examples() -> None:
    assert {path.parent.name for path in EXAMPLE_FILES} == set(MODELS)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_validates_against_model_and_json_schema(path: Path) -> None:
    document = json.loads(path.read_text())
    model = MODELS[path.parent.name]
    event = model.model_validate(document)
    jsonschema.validate(document, json.loads((JSON_DIR / f"{model.__name__}.schema.json").read_text()))
    assert model.model_validate_json(encode(event)) == event


def test_evidence_id_is_deterministic_per_source_type_and_reference() -> None:
    first = evidence_id_for(SourceType.SOCIAL_MEDIA_COMMENT, "x:123")
    assert first == evidence_id_for("social_media_comment", "x:123")
    assert first != evidence_id_for(SourceType.SOCIAL_MEDIA_COMMENT, "x:124")
    assert first != evidence_id_for(SourceType.CALL_CENTRE_NOTE, "x:123")


def test_evidence_rejects_blank_text_and_naive_dates() -> None:
    document = json.loads((EXAMPLES / "EvidenceReceived" / "healthwatch_feedback.json").read_text())
    with pytest.raises(ValidationError, match="text is blank"):
        EvidenceReceived.model_validate({**document, "text": "   "})
    with pytest.raises(ValidationError, match="timezone"):
        EvidenceReceived.model_validate({**document, "occurred_at": "2025-06-03T14:05:00"})
    with pytest.raises(ValidationError):
        EvidenceReceived.model_validate({**document, "source_type": "fax"})


def test_consumers_ignore_unknown_fields() -> None:
    document = json.loads((EXAMPLES / "EvidenceReceived" / "healthwatch_feedback.json").read_text())
    assert EvidenceReceived.model_validate({**document, "added_in_a_later_minor": 1})


def test_cloudevent_headers_carry_routing_attributes() -> None:
    event = EvidenceReceived.model_validate_json(
        (EXAMPLES / "EvidenceReceived" / "call_centre_note.json").read_text()
    )
    headers = dict(cloudevent_headers(event))
    assert headers["ce_id"] == str(event.event_id).encode()
    assert headers["ce_type"] == b"uk.caresignal.evidence.received.v1"
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_source"] == b"caresignal/ingest/call-centre"
    assert headers["ce_time"].endswith(b"Z")


def test_topic_catalogue_names_and_policies() -> None:
    names = [spec.topic.value for spec in TOPIC_CATALOGUE]
    assert sorted(names) == sorted(topic.value for topic in Topic)
    for spec in TOPIC_CATALOGUE:
        if spec.topic.value.endswith(".dlq"):
            assert spec.topic.value.removesuffix(".dlq") in names
    locations = next(spec for spec in TOPIC_CATALOGUE if spec.topic is Topic.LOCATIONS_REFERENCE)
    assert locations.config()["cleanup.policy"] == "compact"
    raw = next(spec for spec in TOPIC_CATALOGUE if spec.topic is Topic.EVIDENCE_RECEIVED)
    assert int(raw.config()["retention.ms"]) <= 7 * 86_400_000


def test_reference_data_is_complete() -> None:
    statements = quality_statements()
    assert len(statements) == 34
    assert {s.key_question for s in statements} == {"safe", "effective", "caring", "responsive", "well_led"}
    assert len(local_authorities()) == 153
    assert local_authorities()["E08000004"].name == "Oldham"


def test_classified_inspection_result_example_reads_its_rating_not_its_text() -> None:
    event = EvidenceClassified.model_validate_json(
        (EXAMPLES / "EvidenceClassified" / "inspection_result.json").read_text()
    )
    assert event.inspection is not None and event.inspection.rating.value == "Requires improvement"
    assert (event.sentiment.label.value, event.sentiment.method) == ("negative", "rating")
    assert event.quality_statements == [] and event.severity.reasons == []
    assert read_inspection_result(event) == event
