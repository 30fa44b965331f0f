"""Rule-covered quality statements: hand-written positive and negative examples for each."""

from __future__ import annotations

import pytest

from services.classify.pipeline.statement_patterns import PHRASES, TOKEN_PATTERNS
from services.classify.statements import statement_ids

# statement id -> (texts that must match, texts that must not)
EXAMPLES: dict[str, tuple[list[str], list[str]]] = {
    "safe.learning_culture": (
        [
            "After the fall they told us lessons were learned and the incident was reported.",
            "Managers investigate incidents and share learning from incidents with the team.",
            "There is a strong safety culture and staff report near misses.",
        ],
        ["The nurse taught me how to use my inhaler.", "I learned a lot about my condition."],
    ),
    "well_led.freedom_to_speak_up": (
        [
            "Staff told me they are afraid to raise concerns with the manager.",
            "I feel able to speak up about poor practice.",
            "We have a freedom to speak up guardian.",
        ],
        ["The doctor spoke loudly so Dad could hear.", "Please speak to reception first."],
    ),
    "well_led.capable_leaders": (
        [
            "The registered manager is visible and approachable.",
            "Senior leadership never listens to staff.",
            "The management team were supportive throughout.",
        ],
        ["The paramedics were quick and kind.", "I managed to get an appointment."],
    ),
    "caring.workforce_wellbeing": (
        [
            "Staff morale is low and everyone is burnt out.",
            "The carers are overworked and exhausted staff leave.",
            "We get regular supervision sessions and feel valued.",
        ],
        ["The staff were lovely to my mum.", "The ward was very busy but clean."],
    ),
    "well_led.environmental_sustainability": (
        [
            "The trust has a green plan to reach net zero carbon emissions.",
            "They have cut single use plastic and started recycling.",
        ],
        ["The garden was lovely and green.", "The room was too hot."],
    ),
    "well_led.shared_direction_culture": (
        [
            "Everyone understands the vision and values of the home.",
            "There is a toxic culture on the unit.",
            "There is a blame culture among senior staff.",
        ],
        ["The food was culturally appropriate for Dad.", "My value of the service is high."],
    ),
    "well_led.workforce_edi": (
        [
            "Overseas nurses face racism at work from colleagues.",
            "The trust publishes its WRES data.",
            "Staff networks help build a diverse workforce.",
        ],
        ["The nurses were from all over the world and all lovely.", "Work was done quickly."],
    ),
    "well_led.partnerships_communities": (
        [
            "The hospice works in partnership with local charities and community groups.",
            "Partnership working with the council has improved discharge.",
        ],
        ["My partner came with me to the appointment.", "The community nurse visited on Monday."],
    ),
    "responsive.planning_for_future": (
        [
            "They helped us write an advance care plan and a DNACPR was discussed.",
            "Her end of life wishes were respected and she died in her preferred place of death.",
            "We sorted out lasting power of attorney with the social worker.",
        ],
        ["The future looks bright.", "We planned the trip for next week."],
    ),
    "effective.healthier_lives": (
        [
            "The nurse gave me advice on healthy eating and to stop smoking.",
            "They offered a flu jab and an annual health check.",
            "The physio encouraged exercise.",
        ],
        ["The food was healthy and hot.", "He lives in a care home."],
    ),
    "effective.staff_teams_work_together": (
        [
            "I had to tell my story again to every department.",
            "The departments don't talk to each other at all.",
            "The teams work well together on the ward.",
        ],
        ["The staff talked to me kindly.", "My story is a happy one."],
    ),
    "effective.consent": (
        [
            "They gave him the injection without his permission.",
            "A mental capacity assessment was done.",
            "He was sectioned under the Mental Health Act.",
            "The nurse asked for my consent before the scan.",
        ],
        ["The nurse asked me how I was feeling.", "He was very content in the home."],
    ),
    "safe.involving_people_to_manage_risks": (
        [
            "They did a falls risk assessment with Mum and agreed a plan.",
            "The team explained the risks and let me decide about going out alone.",
            "We wrote a safety plan together.",
        ],
        ["The ambulance driver drove safely.", "There was a risk of rain."],
    ),
    "caring.treating_people_as_individuals": (
        [
            "They treated me as an individual, not just a number.",
            "Staff respected his religious needs and halal diet.",
            "They know her likes and dislikes and her life history.",
        ],
        ["The individual rooms were clean.", "A number of staff were off sick."],
    ),
    "responsive.equity_in_experiences_outcomes": (
        [
            "I was discriminated against because of my disability.",
            "They booked an interpreter for my mother.",
            "Reasonable adjustments were made for my son's learning disability.",
            "The nurse made racist comments.",
        ],
        ["The nurse explained everything in plain English.", "The appointment was at a reasonable time."],
    ),
}

RULE_ONLY = [
    "safe.learning_culture",
    "well_led.freedom_to_speak_up",
    "well_led.capable_leaders",
    "caring.workforce_wellbeing",
    "well_led.environmental_sustainability",
    "well_led.shared_direction_culture",
    "well_led.workforce_edi",
    "well_led.partnerships_communities",
    "responsive.planning_for_future",
    "effective.healthier_lives",
    "effective.staff_teams_work_together",
    "effective.consent",
    "safe.involving_people_to_manage_risks",
    "caring.treating_people_as_individuals",
    "responsive.equity_in_experiences_outcomes",
]


def _rule_hits(nlp, text: str) -> dict[str, float]:
    return nlp(text)._.rule_statements


def test_statement_rules_cover_every_listed_statement() -> None:
    covered = set(PHRASES) | set(TOKEN_PATTERNS)
    assert set(RULE_ONLY) <= covered
    assert set(RULE_ONLY) <= set(EXAMPLES)
    assert covered <= set(statement_ids())


@pytest.mark.parametrize("statement", sorted(EXAMPLES))
def test_statement_rules_match_positive_examples(rules_nlp, statement: str) -> None:
    for text in EXAMPLES[statement][0]:
        assert statement in _rule_hits(rules_nlp, text), text


@pytest.mark.parametrize("statement", sorted(EXAMPLES))
def test_statement_rules_ignore_negative_examples(rules_nlp, statement: str) -> None:
    for text in EXAMPLES[statement][1]:
        assert statement not in _rule_hits(rules_nlp, text), text


def test_statement_rules_mark_method_rules(rules_analyser) -> None:
    (analysis,) = rules_analyser.analyse(["Staff morale is low and the registered manager is never visible."])
    found = {s.id: s for s in analysis.quality_statements}
    assert {"caring.workforce_wellbeing", "well_led.capable_leaders"} <= set(found)
    assert all(s.method == "rules" and 0 < s.score <= 1 for s in found.values())
    assert "caring" in analysis.key_questions and "well_led" in analysis.key_questions


def test_statement_rules_are_case_insensitive(rules_nlp) -> None:
    assert "responsive.planning_for_future" in _rule_hits(rules_nlp, "END OF LIFE CARE WAS SUPERB")
