"""Severity: every reason code with positive and negative examples, negation and praise false positives."""

from __future__ import annotations

import pytest

from schemas.evidence import SeverityLevel
from services.classify.pipeline.severity_patterns import REASONS

EXAMPLES: dict[str, tuple[list[str], list[str]]] = {
    "abuse": (
        [
            "A carer slapped her across the face.",
            "My dad was verbally abused by a member of staff.",
            "She was roughly handled during personal care.",
            "Money was stolen from residents' rooms.",
            "The night nurse shouted at him and he cried.",
            "He was physically assaulted by a worker.",
        ],
        [
            "There was no abuse of any kind.",
            "The staff were lovely and never shouted.",
            "I hit my head on the cupboard at home, they checked me over.",
        ],
    ),
    "neglect": (
        [
            "Mum was left in soiled sheets for hours.",
            "He was neglected and developed pressure sores.",
            "She was dehydrated when she came back from the home.",
            "Nobody answered; he was left on the floor.",
        ],
        [
            "My mum was never neglected.",
            "She was not neglected in any way, the care was great.",
            "They checked on him every hour.",
        ],
    ),
    "serious_harm": (
        [
            "He fell and broke his hip on the ward.",
            "The wrong medication was given and she was rushed to hospital.",
            "She suffered a serious injury after the hoist failed.",
            "He was admitted with sepsis.",
        ],
        [
            "No serious harm came to him.",
            "The fall was minor and he was fine.",
            "The paramedics treated my broken heart with kindness.",
        ],
    ),
    "death": (
        [
            "My father died after waiting six hours for an ambulance.",
            "She passed away on the ward.",
            "Her death could have been prevented.",
        ],
        ["They saved my life, thank you.", "The ambulance came quickly and he is recovering."],
    ),
    "safeguarding": (
        [
            "I raised a safeguarding concern about the home.",
            "The police were called after the incident.",
            "The safeguarding team are investigating.",
            "She is at risk of harm at home.",
        ],
        [
            "There were no safeguarding concerns.",
            "Staff had good safeguarding training.",
            "I felt safe and well looked after.",
        ],
    ),
    "restraint": (
        [
            "Three staff held him down on the floor.",
            "She was restrained and put in seclusion.",
            "They locked him in his room at night.",
            "Rapid tranquillisation was used without explanation.",
        ],
        [
            "He was never restrained.",
            "Staff calmed him down by talking with him.",
            "They held my hand the whole time.",
        ],
    ),
    "whistleblowing": (
        [
            "I am a whistleblower from the home.",
            "I work there and staff are afraid to raise concerns.",
            "Staff who speak up are victimised for raising concerns.",
            "Managers covered up the incident.",
        ],
        ["I was not afraid to ask questions.", "The whistle on the kettle was loud."],
    ),
    "unsafe_staffing": (
        [
            "The ward is always short staffed at night.",
            "Only one nurse for thirty patients.",
            "There are not enough staff to help people eat.",
            "Staffing levels are dangerously low.",
        ],
        [
            "The staff were not short staffed today and had time for us.",
            "There was plenty of staff.",
            "The staff were excellent.",
        ],
    ),
}


def test_severity_reason_codes_are_exact() -> None:
    assert REASONS == (
        "abuse",
        "neglect",
        "serious_harm",
        "death",
        "safeguarding",
        "restraint",
        "whistleblowing",
        "unsafe_staffing",
    )
    assert set(EXAMPLES) == set(REASONS)


@pytest.mark.parametrize("reason", REASONS)
def test_severity_flags_positive_examples_high(rules_analyser, reason: str) -> None:
    for text, analysis in zip(EXAMPLES[reason][0], rules_analyser.analyse(EXAMPLES[reason][0]), strict=True):
        assert analysis.severity.level is SeverityLevel.HIGH, text
        assert reason in analysis.severity.reasons, (text, analysis.severity)
        assert analysis.severity.matches, text
        assert all(match in text for match in analysis.severity.matches)


@pytest.mark.parametrize("reason", REASONS)
def test_severity_ignores_negative_examples(rules_analyser, reason: str) -> None:
    for text, analysis in zip(EXAMPLES[reason][1], rules_analyser.analyse(EXAMPLES[reason][1]), strict=True):
        assert reason not in analysis.severity.reasons, (text, analysis.severity)


@pytest.mark.parametrize(
    "text",
    [
        "I felt safe.",
        "No concerns at all, wonderful care.",
        "Good",
        "Nothing to improve.",
        "Staff were kind and caring.",
        "The ambulance arrived within ten minutes.",
    ],
)
def test_severity_praise_is_normal(rules_analyser, text: str) -> None:
    (analysis,) = rules_analyser.analyse([text])
    assert analysis.severity.level is SeverityLevel.NORMAL
    assert analysis.severity.reasons == []


def test_severity_is_high_whatever_the_sentiment(rules_analyser) -> None:
    (analysis,) = rules_analyser.analyse(["The staff were wonderful when my mum passed away, thank you."])
    assert analysis.severity.level is SeverityLevel.HIGH
    assert analysis.severity.reasons == ["death"]


def test_severity_reports_several_reasons_in_framework_order(rules_analyser) -> None:
    (analysis,) = rules_analyser.analyse(["They restrained him, he was neglected and then he died."])
    assert analysis.severity.reasons == ["neglect", "death", "restraint"]


def test_severity_negation_stops_at_clause_break(rules_analyser) -> None:
    (analysis,) = rules_analyser.analyse(["No one listened, and she was neglected."])
    assert "neglect" in analysis.severity.reasons
