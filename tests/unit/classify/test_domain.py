"""build_classified: the mapping from a received item, its analysis and its area to EvidenceClassified."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories.classify import NOW, ROYAL_OLDHAM_ID, received, royal_oldham
from factories.fakes import FakeAnalyser

from schemas.common import AreaRef, ProviderRef
from schemas.evidence import SegmentEvidence, Sentiment, SentimentLabel, SourceType
from schemas.metadata import METADATA_FIELDS
from services.classify.domain import SOURCE, build_classified, classified_event_id
from services.classify.gazetteer import ProviderGazetteer
from services.classify.resolve import KnownLocation, resolve
from services.common.redaction import redact

LATER = NOW + timedelta(minutes=5)


def redact_text(text: str) -> str:
    return redact(text).text


def _classify(item, location=None):  # type: ignore[no-untyped-def]
    (analysis,) = FakeAnalyser().analyse([item.text])
    resolution = resolve(item, location, ProviderGazetteer(()))
    return build_classified(item, analysis, resolution, "caresignal_evidence", "1.2.0", LATER, redact_text)


def test_build_classified_carries_identity_time_and_model() -> None:
    item = received(metadata={"star_rating": 4, "feedback_from": "Patient"})
    classified = _classify(item)
    assert classified.event_id == classified_event_id(item.evidence_id, "1.2.0")
    assert classified.event_id != classified_event_id(item.evidence_id, "1.3.0")
    assert classified.correlation_id == item.evidence_id == classified.evidence_id
    assert classified.occurred_at == item.occurred_at and classified.classified_at == LATER
    assert classified.source == SOURCE
    assert (classified.model_name, classified.model_version) == ("caresignal_evidence", "1.2.0")
    assert classified.metadata == {"star_rating": 4}
    assert classified.evidence_category.value == "peoples_experience"


def test_build_classified_is_deterministic() -> None:
    item = received()
    assert _classify(item).event_id == _classify(item).event_id


def test_build_classified_publishes_only_the_redacted_text() -> None:
    classified = _classify(received(text="Caller Margaret Brown says Mrs Okafor was left alone all night."))
    assert classified.text == "Caller [PERSON] says Mrs [PERSON] was left alone all night."
    assert classified.redactions == {"PERSON": 2}
    assert "brown" not in classified.lemmas and "okafor" not in classified.lemmas


# What must not be published of each planted identifier (whole values, or their distinctive words).
PLANTED = {
    "name": ("margaret", "brown"),
    "address": ("acacia",),
    "phone": ("07700 900123", "900123"),
    "email": ("margaret.brown@example.com",),
    "handle": ("@maggieb1950", "maggieb1950"),
}
PLANTED_TEXT = (
    "Caller Margaret Brown, 14 Acacia Avenue, 07700 900123, margaret.brown@example.com, @maggieb1950"
)


@pytest.mark.parametrize("source_type", list(SourceType))
def test_build_classified_publishes_no_planted_identifier_in_any_field(source_type: SourceType) -> None:
    item = received(
        f"ref {PLANTED_TEXT}",
        text=f"My mum was neglected. {PLANTED_TEXT}",
        source_type=source_type,
        provider=ProviderRef(location_id=PLANTED_TEXT, provider_id=PLANTED_TEXT, name=PLANTED_TEXT),
        area=AreaRef(
            local_authority_code=PLANTED_TEXT,
            local_authority_name=PLANTED_TEXT,
            icb_code=PLANTED_TEXT,
            icb_name=PLANTED_TEXT,
            region_code=PLANTED_TEXT,
            region_name=PLANTED_TEXT,
            place=PLANTED_TEXT,
        ),
        metadata={key: PLANTED_TEXT for key in [*METADATA_FIELDS[source_type], "anything", "caller_phone"]},
    )
    published = _classify(item).model_dump_json().lower()
    for kind, words in PLANTED.items():
        for word in words:
            assert word not in published, f"{kind}: {word!r} was published"


def test_build_classified_keeps_the_registered_name_and_reference_areas() -> None:
    item = received(
        provider=ProviderRef(location_id=ROYAL_OLDHAM_ID, name="ask for Margaret Brown on ward 3"),
        area=AreaRef(local_authority_code="E08000004", local_authority_name="my mum Edna's town"),
    )
    classified = _classify(item, KnownLocation.from_reference(royal_oldham()))
    assert classified.provider.name == "The Royal Oldham Hospital"
    assert classified.area.local_authority_name == "Oldham"


def test_build_classified_takes_area_and_provider_from_the_resolution() -> None:
    item = received(provider=ProviderRef(location_id=ROYAL_OLDHAM_ID))
    classified = _classify(item, KnownLocation.from_reference(royal_oldham()))
    assert classified.area_resolution == "location_reference"
    assert classified.area.local_authority_code == "E08000004"
    assert classified.provider.provider_id == "RW6"


def test_build_classified_records_a_location_id_missing_from_the_reference() -> None:
    classified = _classify(received(provider=ProviderRef(location_id="1-404")))
    assert classified.area_resolution == "unknown"
    assert classified.metadata["unresolved_location_id"] == "1-404"


def test_build_classified_carries_the_segments_of_a_long_item() -> None:
    item = received(text="Caller Margaret Brown was slapped. " * 30)
    (analysis,) = FakeAnalyser().analyse([item.text])
    segment = SegmentEvidence(
        start=0,
        end=29,
        text=analysis.redacted_text[:29],
        quality_statements=["safe.safeguarding"],
        severity_reasons=["abuse"],
        sentiment=Sentiment(label=SentimentLabel.NEGATIVE, score=0.9, polarity=-0.85),
    )
    analysis = analysis.model_copy(update={"segments": [segment]})
    resolution = resolve(item, None, ProviderGazetteer(()))
    classified = build_classified(
        item, analysis, resolution, "caresignal_evidence", "1.2.0", LATER, redact_text
    )
    assert classified.segments == [segment]
    assert classified.text[segment.start : segment.end] == segment.text == "Caller [PERSON] was slapped. "
