"""Severity triggers: who did what to whom, as token patterns per reason code (matched on LOWER).

Each reason has `acts` (enough on their own: "a carer slapped my mum", "held face down by four staff") and
may have `outcomes` that count only with a companion cue of kind `needs` in the same or a neighbouring
sentence: a death or serious injury is an incident when something went wrong (`fault`: "after waiting nine
hours", "nobody checked"), a medication error when it did harm (`harm`), an injury when nobody can explain
it (`unexplained`). Context cues that cancel a trigger (negation, hypotheticals, fears, reported news,
training and policy talk) are in `severity_cues.py`; the logic is in `severity.py`. The patterns themselves
are in `harm_people.py`, `harm_care.py` and `harm_events.py`.
"""

from __future__ import annotations

from typing import Any

import spacy

from schemas.evidence import SEVERITY_REASONS
from services.classify.pipeline.harm_care import (
    MEDICATION_ERROR,
    NEGLECT,
    NEGLECT_OUTCOMES,
    RESTRAINT,
    UNEXPLAINED_INJURY,
)
from services.classify.pipeline.harm_events import (
    CLOSED_CULTURE,
    DEATH_ACTS,
    DEATH_OUTCOMES,
    ENVIRONMENTAL_DANGER,
    SAFEGUARDING,
    SERIOUS_HARM_ACTS,
    SERIOUS_HARM_OUTCOMES,
    UNSAFE_STAFFING,
)
from services.classify.pipeline.harm_people import ABUSE, FINANCIAL_ABUSE, SEXUAL_ABUSE

REASONS = SEVERITY_REASONS  # the contract's reason codes, in the order items carry them
INCIDENT = "incident"  # the `harm` classifier's flag label (its other labels are the reasons)

TRIGGERS: dict[str, dict[str, Any]] = {
    "abuse": {"acts": ABUSE},
    "sexual_abuse": {"acts": SEXUAL_ABUSE},
    "financial_abuse": {"acts": FINANCIAL_ABUSE},
    "neglect": {"acts": NEGLECT, "outcomes": NEGLECT_OUTCOMES, "needs": "fault"},
    "restraint": {"acts": RESTRAINT},
    "medication_error": {"outcomes": MEDICATION_ERROR, "needs": "harm"},
    "unexplained_injury": {"outcomes": UNEXPLAINED_INJURY, "needs": "unexplained"},
    "environmental_danger": {"acts": ENVIRONMENTAL_DANGER},
    "closed_culture": {"acts": CLOSED_CULTURE},
    "serious_harm": {"acts": SERIOUS_HARM_ACTS, "outcomes": SERIOUS_HARM_OUTCOMES, "needs": "fault"},
    "death": {"acts": DEATH_ACTS, "outcomes": DEATH_OUTCOMES, "needs": "fault"},
    "safeguarding": {"acts": SAFEGUARDING},
    "unsafe_staffing": {"acts": UNSAFE_STAFFING},
}


@spacy.registry.misc("caresignal.harm_patterns.v1")
def harm_patterns() -> dict[str, dict[str, Any]]:
    return TRIGGERS
