"""Roll-ups: key questions, local-authority themes and cross-cutting themes."""

from __future__ import annotations

from schemas.common import KeyQuestion
from schemas.reference import quality_statements
from services.classify.rollups import (
    CROSS_CUTTING_THEMES,
    THEMES,
    cross_cutting_themes,
    key_questions,
    themes,
)
from services.classify.statements import statement_ids


def test_rollups_statement_table_has_34_quality_statements() -> None:
    assert len(quality_statements()) == 34
    assert len(set(statement_ids())) == 34


def test_rollups_key_questions_in_framework_order() -> None:
    ids = [
        "well_led.capable_leaders",
        "safe.safeguarding",
        "caring.kindness_compassion_dignity",
        "safe.medicines_optimisation",
    ]
    assert key_questions(ids) == [KeyQuestion.SAFE, KeyQuestion.CARING, KeyQuestion.WELL_LED]
    assert key_questions([]) == []
    assert key_questions(["not.a.statement"]) == []


def test_rollups_themes_from_quality_statements() -> None:
    assert themes(["safe.safeguarding"], "") == ["ensuring_safety"]
    assert themes(["effective.assessing_needs", "well_led.governance_management_sustainability"], "") == [
        "working_with_people",
        "leadership",
    ]


def test_rollups_themes_from_keywords() -> None:
    assert themes([], "We waited months for a Care Act assessment.") == ["working_with_people"]
    assert themes([], "The home care package was cut.") == ["providing_support"]
    assert themes([], "Nothing much to say.") == []


def test_rollups_cross_cutting_from_statements_and_keywords() -> None:
    assert cross_cutting_themes(["responsive.equity_in_access"], "") == ["access"]
    text = (
        "The council commissioned a new provider with a long waiting list; "
        "there is a lack of home care capacity, "
        "agency staff everywhere, she has direct payments, was discharged too early and nothing is joined up."
    )
    assert cross_cutting_themes([], text) == list(CROSS_CUTTING_THEMES)


def test_rollups_theme_vocabularies() -> None:
    assert THEMES == ("working_with_people", "providing_support", "ensuring_safety", "leadership")
    assert set(CROSS_CUTTING_THEMES) == {
        "access",
        "commissioning",
        "market_shaping",
        "workforce",
        "personalisation",
        "discharge",
        "integration_partnership",
    }
