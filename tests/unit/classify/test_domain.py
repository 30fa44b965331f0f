"""build_classified: the mapping from a received item, its analysis and its area to EvidenceClassified."""

from __future__ import annotations

from datetime import timedelta

from factories.classify import NOW, ROYAL_OLDHAM_ID, received, royal_oldham
from factories.fakes import FakeAnalyser

from schemas.common import ProviderRef
from schemas.evidence import SegmentEvidence, Sentiment, SentimentLabel
from services.classify.domain import SOURCE, build_classified, classified_event_id
from services.classify.gazetteer import ProviderGazetteer
from services.classify.resolve import KnownLocation, resolve

LATER = NOW + timedelta(minutes=5)


def _classify(item, location=None):  # type: ignore[no-untyped-def]
    (analysis,) = FakeAnalyser().analyse([item.text])
    resolution = resolve(item, location, ProviderGazetteer(()))
    return build_classified(item, analysis, resolution, "caresignal_evidence", "1.2.0", LATER)


def test_build_classified_carries_identity_time_and_model() -> None:
    item = received(metadata={"survey": "fft"})
    classified = _classify(item)
    assert classified.event_id == classified_event_id(item.evidence_id, "1.2.0")
    assert classified.event_id != classified_event_id(item.evidence_id, "1.3.0")
    assert classified.correlation_id == item.evidence_id == classified.evidence_id
    assert classified.occurred_at == item.occurred_at and classified.classified_at == LATER
    assert classified.source == SOURCE
    assert (classified.model_name, classified.model_version) == ("caresignal_evidence", "1.2.0")
    assert classified.metadata == {"survey": "fft"}
    assert classified.evidence_category.value == "peoples_experience"


def test_build_classified_is_deterministic() -> None:
    item = received()
    assert _classify(item).event_id == _classify(item).event_id


def test_build_classified_publishes_only_the_redacted_text() -> None:
    classified = _classify(received(text="Mrs Smith was left alone all night."))
    assert classified.text == "[PERSON] was left alone all night."
    assert classified.redactions == {"PERSON": 1}
    assert "smith" not in classified.lemmas


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
    item = received(text="Mrs Smith was slapped. " * 30)
    (analysis,) = FakeAnalyser().analyse([item.text])
    segment = SegmentEvidence(
        start=0,
        end=22,
        text=analysis.redacted_text[:22],
        quality_statements=["safe.safeguarding"],
        severity_reasons=["abuse"],
        sentiment=Sentiment(label=SentimentLabel.NEGATIVE, score=0.9, polarity=-0.85),
    )
    analysis = analysis.model_copy(update={"segments": [segment]})
    resolution = resolve(item, None, ProviderGazetteer(()))
    classified = build_classified(item, analysis, resolution, "caresignal_evidence", "1.2.0", LATER)
    assert classified.segments == [segment]
    assert classified.text[segment.start : segment.end] == segment.text == "[PERSON] was slapped. "
