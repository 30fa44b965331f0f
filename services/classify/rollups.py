"""Roll-ups from quality statements (and keyword rules) to key questions and local-authority themes.

Local-authority assessment themes follow CQC's assessment framework for local authorities, whose nine
quality statements sit under four themes; the cross-cutting themes are the ones CQC reports across them.
Statements give the theme; keyword rules add it when the text names the topic but no statement fired.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from schemas.common import KEY_QUESTIONS, KeyQuestion
from services.classify.statements import key_question_of

THEMES: tuple[str, ...] = ("working_with_people", "providing_support", "ensuring_safety", "leadership")
CROSS_CUTTING_THEMES: tuple[str, ...] = (
    "access",
    "commissioning",
    "market_shaping",
    "workforce",
    "personalisation",
    "discharge",
    "integration_partnership",
)

THEME_STATEMENTS: dict[str, frozenset[str]] = {
    "working_with_people": frozenset(
        {
            "effective.assessing_needs",
            "effective.healthier_lives",
            "responsive.equity_in_experiences_outcomes",
        }
    ),
    "providing_support": frozenset(
        {
            "responsive.care_provision_integration_continuity",
            "well_led.partnerships_communities",
        }
    ),
    "ensuring_safety": frozenset({"safe.safe_systems_pathways_transitions", "safe.safeguarding"}),
    "leadership": frozenset(
        {
            "well_led.governance_management_sustainability",
            "well_led.learning_improvement_innovation",
            "well_led.capable_leaders",
            "well_led.shared_direction_culture",
        }
    ),
}

THEME_KEYWORDS: dict[str, re.Pattern[str]] = {
    "working_with_people": re.compile(
        r"\b(care act assessments?|needs assessments?|carers?'? assessments?|social care assessments?|"
        r"assessment of (my|his|her|their) needs|social worker|prevention services?|early help)\b"
    ),
    "providing_support": re.compile(
        r"\b(care packages?|package of care|home care|domiciliary care|direct payments?|respite|"
        r"day centres?|reablement|supported living|extra care housing|commissioned services?)\b"
    ),
    "ensuring_safety": re.compile(
        r"\b(safeguarding (concerns?|referrals?|enquir(y|ies)|team|alerts?)|section 42|"
        r"adult safeguarding|safeguarding adults board)\b"
    ),
    "leadership": re.compile(
        r"\b(council leadership|director of adult social services|dass|senior leadership|scrutiny committee|"
        r"governance|co-production|coproduction)\b"
    ),
}

CROSS_CUTTING_STATEMENTS: dict[str, frozenset[str]] = {
    "access": frozenset({"responsive.equity_in_access"}),
    "workforce": frozenset(
        {"safe.safe_effective_staffing", "caring.workforce_wellbeing", "well_led.workforce_edi"}
    ),
    "personalisation": frozenset(
        {
            "responsive.person_centred_care",
            "caring.treating_people_as_individuals",
            "caring.independence_choice_control",
        }
    ),
    "integration_partnership": frozenset(
        {
            "responsive.care_provision_integration_continuity",
            "effective.staff_teams_work_together",
            "well_led.partnerships_communities",
        }
    ),
}

CROSS_CUTTING_KEYWORDS: dict[str, re.Pattern[str]] = {
    "access": re.compile(
        r"\b(waiting lists?|waiting times?|waited (for )?(weeks|months|hours)|could(n't| not) get an? "
        r"(appointment|assessment)|hard to get through|access to (services|care|support))\b"
    ),
    "commissioning": re.compile(
        r"\b(commission(ed|ing|ers?)?|procurement|tender(ed|ing)?|contract(ed|s)? (with|to provide)|"
        r"block contracts?|spot purchas\w*)\b"
    ),
    "market_shaping": re.compile(
        r"\b(market shaping|market position statement|care market|provider market|market sustainability|"
        r"fee rates?|fair cost of care|(care home|home care|provider) (closures?|capacity)|"
        r"sufficiency of (care|provision|supply)|lack of (care home|home care|domiciliary care) "
        r"(places|beds|providers|capacity))\b"
    ),
    "workforce": re.compile(
        r"\b(recruitment|retention|staff shortages?|short[- ]staffed|understaffed|agency staff|vacanc(y|ies)|"
        r"staff turnover|workforce)\b"
    ),
    "personalisation": re.compile(
        r"\b(direct payments?|personal budgets?|personal health budgets?|personalised|personalisation|"
        r"person[- ]centred|choice and control)\b"
    ),
    "discharge": re.compile(
        r"\b(discharg(e|ed|es|ing)|sent home from (the )?hospital|delayed transfers? of care|bed blocking|"
        r"hospital to home|step[- ]down)\b"
    ),
    "integration_partnership": re.compile(
        r"\b(joined[- ]up|integrated care|health and social care (working|together)|partnership working|"
        r"multi[- ]agency|between health and (social )?care|with the nhs)\b"
    ),
}


def key_questions(statement_ids: Iterable[str]) -> list[KeyQuestion]:
    mapping = key_question_of()
    found = {mapping[sid] for sid in statement_ids if sid in mapping}
    return [kq for kq in KEY_QUESTIONS if kq in found]


def _rollup(
    statement_ids: Iterable[str],
    text: str,
    by_statement: dict[str, frozenset[str]],
    by_keyword: dict[str, re.Pattern[str]],
    order: tuple[str, ...],
) -> list[str]:
    ids = set(statement_ids)
    lower = text.lower()
    found = {name for name, members in by_statement.items() if ids & members}
    found |= {name for name, pattern in by_keyword.items() if name not in found and pattern.search(lower)}
    return [name for name in order if name in found]


def themes(statement_ids: Iterable[str], text: str) -> list[str]:
    """Local-authority assessment themes."""
    return _rollup(statement_ids, text, THEME_STATEMENTS, THEME_KEYWORDS, THEMES)


def cross_cutting_themes(statement_ids: Iterable[str], text: str) -> list[str]:
    return _rollup(
        statement_ids, text, CROSS_CUTTING_STATEMENTS, CROSS_CUTTING_KEYWORDS, CROSS_CUTTING_THEMES
    )
