"""Re-classification's pure parts: an indexed item classified again keeps everything but its labels, and
the switch to the next generation is one list of alias actions."""

from __future__ import annotations

from datetime import timedelta

from factories.fakes import FakeAnalyser
from factories.index import BASE_TIME, evidence

from schemas import SentimentLabel
from schemas.common import ProviderRef
from services.classify.domain import classified_event_id, reclassified
from services.common.config import CommonSettings
from services.common.indices import UNRESTRICTED_FILTER, Names
from services.index.generations import GENERATION, MONTH, read_switch_actions, retire_actions

LATER = BASE_TIME + timedelta(days=30)


def test_reclassified_item_gets_the_new_labels_and_model_and_keeps_the_rest() -> None:
    stored = evidence("hw-1", text="Mrs Smith was left alone", sentiment=SentimentLabel.POSITIVE)
    stored = stored.model_copy(update={"redactions": {"PERSON": 2}})
    analyser = FakeAnalyser()
    (analysis,) = analyser.analyse([stored.text])
    again = reclassified(
        stored, analysis, analyser.redact, analyser.model_name, analyser.model_version, LATER
    )
    assert again.evidence_id == stored.evidence_id and again.occurred_at == stored.occurred_at
    assert again.area == stored.area and again.provider == stored.provider  # a known location: its name kept
    assert again.event_id == classified_event_id(stored.evidence_id, analyser.model_version)
    assert again.classified_at == LATER > stored.classified_at  # wins over the old document's version
    assert [s.id for s in again.quality_statements] == ["safe.safeguarding"]
    assert again.sentiment.label is SentimentLabel.NEGATIVE
    assert again.model_version == "0.0.1" and again.model_name == "fake_evidence"
    assert "Smith" not in again.text and "[PERSON]" in again.text  # redacted again: only further away
    assert again.redactions == {"PERSON": 3}


def test_reclassified_item_goes_through_the_disclosure_rules_again() -> None:
    """An item indexed before the allow-list: its extras, reference, given name and place are published
    as classify publishes them now."""
    stored = evidence("note from Jane Doe", text="Left alone", location_id="1-999")
    stored = stored.model_copy(
        update={
            "provider": ProviderRef(location_id="not an id", provider_id=None, name="Home run by Jane Doe"),
            "area": stored.area.model_copy(update={"place": "near Jane Doe's house"}),
            "metadata": {"author_handle": "@jane", "star_rating": 2, "unresolved_location_id": "1-999"},
        }
    )
    analyser = FakeAnalyser()
    (analysis,) = analyser.analyse([stored.text])
    again = reclassified(
        stored, analysis, analyser.redact, analyser.model_name, analyser.model_version, LATER
    )
    published = again.model_dump_json()
    assert "Jane" not in published and "@jane" not in published
    assert again.metadata == {"star_rating": 2, "unresolved_location_id": "1-999"}
    assert again.provider.location_id is None  # not the shape of a CQC id
    assert again.area.local_authority_code == stored.area.local_authority_code


def test_the_switch_moves_searches_first_and_retires_the_old_indices_after() -> None:
    names = Names(CommonSettings(es_index_prefix="t-"))
    months = [
        ("2025.02", "t-evidence-v1-2025.02", "t-evidence-v1-gen1-2025.02"),  # a month's first index
        ("2025.03", "t-evidence-v1-gen1-2025.03", "t-evidence-v1-gen2-2025.03"),  # re-classified before
    ]
    reads = read_switch_actions(names, months)
    unrestricted = "t-evidence-unrestricted"  # the filtered view moves with the alias
    assert reads[:4] == [
        {"remove": {"index": "t-evidence-v1-2025.02", "alias": "t-evidence", "must_exist": False}},
        {"add": {"index": "t-evidence-v1-gen1-2025.02", "alias": "t-evidence"}},
        {"remove": {"index": "t-evidence-v1-2025.02", "alias": unrestricted, "must_exist": False}},
        {
            "add": {
                "index": "t-evidence-v1-gen1-2025.02",
                "alias": unrestricted,
                "filter": UNRESTRICTED_FILTER,
            }
        },
    ]
    assert reads[4:] == [
        {"remove": {"index": "t-evidence-v1-gen1-2025.03", "alias": "t-evidence", "must_exist": False}},
        {"add": {"index": "t-evidence-v1-gen2-2025.03", "alias": "t-evidence"}},
        {"remove": {"index": "t-evidence-v1-gen1-2025.03", "alias": unrestricted, "must_exist": False}},
        {
            "add": {
                "index": "t-evidence-v1-gen2-2025.03",
                "alias": unrestricted,
                "filter": UNRESTRICTED_FILTER,
            }
        },
        {
            "remove": {
                "index": "t-evidence-v1-gen1-2025.03",
                "alias": "t-evidence-v1-2025.03",
                "must_exist": False,
            }
        },
        {
            "add": {
                "index": "t-evidence-v1-gen2-2025.03",
                "alias": "t-evidence-v1-2025.03",
                "is_write_index": True,
            }
        },
    ]
    assert not any("remove_index" in action for action in reads)  # nothing deleted under running searches
    assert retire_actions(names, months) == [
        {"remove_index": {"index": "t-evidence-v1-2025.02"}},
        {
            "add": {
                "index": "t-evidence-v1-gen1-2025.02",
                "alias": "t-evidence-v1-2025.02",
                "is_write_index": True,
            }
        },
        {"remove_index": {"index": "t-evidence-v1-gen1-2025.03"}},
    ]


def test_generation_and_month_are_read_from_index_names() -> None:
    assert MONTH.search("t-evidence-v1-gen12-2025.03").group(1) == "2025.03"
    assert GENERATION.search("t-evidence-v1-gen12-2025.03").group(1) == "12"
    assert GENERATION.search("t-evidence-v1-2025.03") is None
