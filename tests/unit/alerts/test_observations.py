"""Evidence → observations: one per rule and group key, keyed so a key always lands in one partition."""

from __future__ import annotations

from factories.alerts import at, classified, high_severity, negative

from services.alerts.codec import decode_stage, encode_stage
from services.alerts.config import DEFAULT_RULES_FILE
from services.alerts.observations import observations_for
from services.alerts.rules import load_rules

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
