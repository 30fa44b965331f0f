"""Evidence → observations: one per rule and group key, keyed so a key always lands in one partition."""

from __future__ import annotations

from factories.alerts import at, classified, high_severity, inspection, negative
from pytest import raises

from schemas.common import Rating
from schemas.evidence import SentimentLabel, SourceType
from services.alerts.codec import decode_stage, encode_stage
from services.alerts.config import DEFAULT_RULES_FILE
from services.alerts.observations import observations_for
from services.alerts.rules import RulesFileError, load_rules, parse_rules

RULES = load_rules(DEFAULT_RULES_FILE).enabled()


def test_observations_share_a_kafka_key_per_rule_and_key() -> None:
    first = observations_for(negative(at("2025-06-02"), location_id="1-9"), RULES)
    second = observations_for(negative(at("2025-06-20"), location_id="1-9"), RULES)
    assert [o.state_key for o in first] == [o.state_key for o in second]
    assert len({o.state_key for o in first}) == len(first)
    assert {o.rule_id for o in first} == {
        "negative-spike-la",
        "negative-spike-la-statement",
        "negative-spike-location",
        "source-flatline-la",
        "new-term-la",
    }


def test_observations_round_trip_through_the_stage_codec() -> None:
    for observation in observations_for(high_severity(at("2025-06-02")), RULES):
        assert decode_stage(encode_stage(observation)) == observation


def test_observations_of_new_term_carry_the_terms_of_negative_items_only() -> None:
    lemmas = "a resident catch scabies and the staff be rude"
    [observation] = [
        o
        for o in observations_for(negative(at("2025-06-02"), lemmas=lemmas), RULES)
        if o.rule_id == "new-term-la"
    ]
    assert observation.terms == ["resident", "catch", "scabies", "staff"]
    neutral = classified(occurred_at=at("2025-06-02"), lemmas=lemmas)
    assert [o for o in observations_for(neutral, RULES) if o.rule_id == "new-term-la"] == []


def test_every_rule_in_the_rules_file_declares_what_it_counts() -> None:
    text = DEFAULT_RULES_FILE.read_text()
    soft = [SourceType.HEALTHWATCH_FEEDBACK, SourceType.CALL_CENTRE_NOTE, SourceType.SOCIAL_MEDIA_COMMENT]
    assert text.count("source_types:") == len(RULES)
    for rule in RULES:
        expected = [SourceType.INSPECTION_RESULT] if rule.kind == "rating_downgrade" else soft
        assert rule.source_types == expected, rule.id


def test_inspection_results_feed_only_the_rating_rule() -> None:
    for rating in (Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT):
        item = inspection(at("2025-06-02"), rating, previous=Rating.GOOD, sentiment=SentimentLabel.NEGATIVE)
        assert {o.rule_id for o in observations_for(item, RULES)} == {"rating-downgrade"}


def test_rules_count_soft_intelligence_unless_told_otherwise() -> None:
    rules = parse_rules(
        "rules:\n"
        "  - {id: spike, kind: spike}\n"
        "  - {id: calls, kind: spike, source_types: [call_centre_note]}\n"
        "  - {id: severe, kind: severity}\n"
        "  - {id: newterm, kind: new_term}\n"
        "  - {id: flat, kind: flatline}\n"
    ).enabled()
    item = negative(at("2025-06-02"), source_type=SourceType.INSPECTION_RESULT)
    assert observations_for(item, rules) == []
    social = negative(at("2025-06-02"), source_type=SourceType.SOCIAL_MEDIA_COMMENT)
    assert {o.rule_id for o in observations_for(social, rules)} == {"spike", "newterm", "flat"}
    call = negative(at("2025-06-02"), source_type=SourceType.CALL_CENTRE_NOTE)
    assert {o.rule_id for o in observations_for(call, rules)} == {"spike", "calls", "newterm", "flat"}


def test_a_rating_rule_counts_inspection_results_only() -> None:
    with raises(RulesFileError, match="inspection results only"):
        parse_rules("rules:\n  - {id: d, kind: rating_downgrade, source_types: [healthwatch_feedback]}\n")
