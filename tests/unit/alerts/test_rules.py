"""The rules file: the default validates; mistakes are reported with the rule and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from services.alerts.config import DEFAULT_RULES_FILE
from services.alerts.rules import FlatlineRule, RulesFileError, SpikeRule, load_rules, parse_rules


def test_rules_default_file_validates() -> None:
    rules = load_rules(DEFAULT_RULES_FILE)
    kinds = {rule.kind for rule in rules.enabled()}
    assert kinds == {"rolling_spike", "severity", "rating_downgrade", "flatline", "new_term", "campaign"}


def test_rules_durations_accept_short_and_iso_forms() -> None:
    rules = parse_rules(
        "rules:\n"
        "  - {id: a, kind: spike, window: 24h, silence: P2D}\n"
        "  - {id: b, kind: flatline, window: 30m, silence: 90}\n"
    )
    spike, flatline = rules.rules
    assert isinstance(spike, SpikeRule) and spike.window == timedelta(hours=24)
    assert spike.silence == timedelta(days=2)
    assert isinstance(flatline, FlatlineRule) and flatline.window == timedelta(minutes=30)
    assert flatline.silence == timedelta(seconds=90)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "rules:\n  - {id: x, kind: spike, ratio: 0.5}\n",
            "rule 'x' (spike.ratio): Input should be greater than 1",
        ),
        (
            "rules:\n  - {id: x, kind: spike, ratoi: 3}\n",
            "rule 'x' (spike.ratoi): Extra inputs are not permitted",
        ),
        (
            "rules:\n  - {id: x, kind: surge}\n",
            "rule 'x' (-): Input tag 'surge' found using 'kind' does not match",
        ),
        ("rules:\n  - {id: x, kind: spike, window: soon}\n", "rule 'x' (spike.window)"),
        ("rules:\n  - {id: x, kind: spike}\n  - {id: x, kind: severity}\n", "rule id 'x' is used twice"),
        (
            "rules:\n  - {id: Bad Id, kind: severity}\n",
            "rule 'Bad Id' (severity.id): String should match pattern",
        ),
        ("rules: [\n", "not valid YAML"),
        ("- just a list\n", "expected a mapping with a 'rules' list"),
    ],
)
def test_rules_errors_name_the_rule_and_field(text: str, expected: str) -> None:
    with pytest.raises(RulesFileError) as caught:
        parse_rules(text, "my-rules.yaml")
    assert str(caught.value).startswith("my-rules.yaml:")
    assert expected in str(caught.value)


def test_rules_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RulesFileError, match="cannot read"):
        load_rules(tmp_path / "absent.yaml")


def test_rules_disabled_rules_are_left_out() -> None:
    rules = parse_rules("rules:\n  - {id: a, kind: severity, enabled: false}\n  - {id: b, kind: severity}\n")
    assert [rule.id for rule in rules.enabled()] == ["b"]
