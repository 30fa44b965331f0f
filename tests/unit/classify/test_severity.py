"""Severity as a model of harm: every reason with incidents told in everyday words, benign texts that use
the same words, and each context cue that cancels a trigger."""

from __future__ import annotations

import pytest

from schemas.evidence import SentimentLabel, SeverityLevel
from services.classify.pipeline.decisions import incident_sentiment, positive_probability
from services.classify.pipeline.severity_patterns import REASONS

# reason -> (incidents that must carry it, texts with the same words that must not)
EXAMPLES: dict[str, tuple[list[str], list[str]]] = {
    "abuse": (
        [
            "A carer slapped my mother.",
            "An agency nurse was seen hitting a patient.",
            "The night nurse shouted at him and he cried.",
            "My dad was verbally abused by a member of staff.",
            "One of the carers pinches her arms so she keeps still.",
        ],
        [
            "I hit my head on the cupboard at home, they checked me over.",
            "The paramedic held my hand and pushed me in a wheelchair to the ward.",
            "They are firm but fair with the residents and never rough.",
        ],
    ),
    "sexual_abuse": (
        [
            "A support worker was sending sexual messages to a vulnerable resident.",
            "She told us a staff member touched her breasts in the bathroom.",
        ],
        ["The carers help her shower and dress and always knock first."],
    ),
    "financial_abuse": (
        [
            "Money has gone missing from her purse.",
            "A carer has been using his bank card for cash withdrawals.",
        ],
        ["We manage mum's money ourselves and the home keeps receipts for everything."],
    ),
    "neglect": (
        [
            "Mum was left in soiled sheets for hours.",
            "Nobody turned him for two days and he now has a pressure sore.",
            "The carers missed three visits in a row and she had nothing to eat or drink.",
        ],
        [
            "A nurse checked for pressure sores every day.",
            "Not once has dad been left wet; they change him promptly.",
        ],
    ),
    "restraint": (
        [
            "He was held face down by four staff.",
            "They locked him in his room at night.",
            "She is given sedatives crushed in her yoghurt without her knowledge.",
        ],
        [
            "The team finished restraint reduction training and it shows.",
            "He was never restrained or put in seclusion.",
        ],
    ),
    "medication_error": (
        ["Mum was given another resident's tablets and collapsed; she was rushed to A&E."],
        ["The pharmacist noticed the wrong dose on the prescription and corrected it before I took any."],
    ),
    "unexplained_injury": (
        ["There are unexplained bruises on both wrists.", "She had a black eye and nobody could explain it."],
        ["There was a small bruise from the blood test, the nurse had warned me."],
    ),
    "environmental_danger": (
        [
            "The fire doors are wedged open and the alarm is not working.",
            "There are ligature points in the bathrooms.",
        ],
        ["Fire drills happen monthly and the fire doors close automatically."],
    ),
    "closed_culture": (
        [
            "Staff are too frightened of the manager to speak up.",
            "Incident forms get torn up and we are told to keep things in house.",
        ],
        ["Whistleblowing posters are up in the staff room.", "The manager listens when we raise concerns."],
    ),
    "serious_harm": (
        ["He was left unsupervised, fell and broke his hip on the ward."],
        ["Great care after my hip fracture, the team had me walking the next day."],
    ),
    "death": (
        ["My father died after waiting six hours for an ambulance.", "Her death could have been prevented."],
        [
            "The nurses made his death peaceful, thank you.",
            "Getting a parking space is a matter of life and death here.",
        ],
    ),
    "safeguarding": (
        ["I raised a safeguarding concern about the home.", "The police were called after the incident."],
        ["There were no safeguarding concerns.", "Staff had good safeguarding training."],
    ),
    "unsafe_staffing": (
        ["Only one nurse for thirty patients at night.", "Staffing levels are dangerously low."],
        ["The ward was short staffed but the nurses still found time for me."],
    ),
}


def test_severity_reason_codes_are_exact() -> None:
    assert REASONS == (
        "abuse",
        "sexual_abuse",
        "financial_abuse",
        "neglect",
        "restraint",
        "medication_error",
        "unexplained_injury",
        "environmental_danger",
        "closed_culture",
        "serious_harm",
        "death",
        "safeguarding",
        "unsafe_staffing",
    )
    assert set(EXAMPLES) == set(REASONS)


@pytest.mark.parametrize("reason", REASONS)
def test_severity_flags_incidents_high_with_their_reason(rules_analyser, reason: str) -> None:
    for text, analysis in zip(EXAMPLES[reason][0], rules_analyser.analyse(EXAMPLES[reason][0]), strict=True):
        assert analysis.severity.level is SeverityLevel.HIGH, text
        assert reason in analysis.severity.reasons, (text, analysis.severity)
        assert analysis.severity.matches, text
        assert all(match in text for match in analysis.severity.matches)


@pytest.mark.parametrize("reason", REASONS)
def test_severity_ignores_benign_texts_with_the_same_words(rules_analyser, reason: str) -> None:
    for text, analysis in zip(EXAMPLES[reason][1], rules_analyser.analyse(EXAMPLES[reason][1]), strict=True):
        assert analysis.severity.level is SeverityLevel.NORMAL, (text, analysis.severity)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        (
            "I was worried about abuse in care homes after the news, but this one is wonderful.",
            "fear and news",
        ),
        ("If the ambulance had been later he could have died.", "hypothetical"),
        ("You read about residents being neglected in other homes.", "news"),
        ("All staff do safeguarding adults level 3 training.", "policy"),
        ("There was no abuse of any kind.", "negation"),
        ("The waiting room was boring to death.", "idiom"),
        ("Security dealt quickly with an abusive patient who was swearing at staff.", "other setting"),
        (
            "Thank you for the care at the end of life, you made his death peaceful.",
            "gratitude without fault",
        ),
        (
            "My nan died last week and the staff came to the funeral. We will never forget their kindness.",
            "a thanking sentence is no fault",
        ),
        ("There was a programme on television about a hospital where patients were abused.", "news"),
        ("My neighbour's husband hit her for years; the nurse helped her find a refuge.", "other setting"),
        ("The lift was broken for a week so Mum could not come down to the garden.", "no danger"),
    ],
)
def test_severity_context_cancels_the_trigger(rules_analyser, text: str, cue: str) -> None:
    (analysis,) = rules_analyser.analyse([text])
    assert analysis.severity.level is SeverityLevel.NORMAL, (cue, analysis.severity)


@pytest.mark.parametrize(
    ("text", "overrules"),
    [
        ("Nobody has ever shouted at Mum here, they are patient even on her worst days.", True),
        ("If a resident had an unexplained bruise it would be reported to the council.", True),
        ("My husband passed away peacefully in his sleep with his favourite music on.", True),
        ("The carer held his hand until he slept.", False),
        ("A carer slapped my gran across the face.", False),
    ],
)
def test_severity_context_the_harm_classifier_must_not_overrule(rules_nlp, text: str, overrules) -> None:
    doc = rules_nlp(text)
    assert rules_nlp.get_pipe("severity").overrules_classifier(doc, 0, len(doc._.redaction.text)) is overrules


def test_severity_is_high_whatever_the_sentiment(rules_analyser) -> None:
    (analysis,) = rules_analyser.analyse(["Thank you for dealing so well with the carer who slapped my mum."])
    assert analysis.severity.level is SeverityLevel.HIGH
    assert analysis.severity.reasons == ["abuse"]


def test_severity_reports_several_reasons_in_framework_order(rules_analyser) -> None:
    (analysis,) = rules_analyser.analyse(
        ["They restrained him, he was neglected and then he died of dehydration."]
    )
    assert analysis.severity.reasons == ["neglect", "restraint", "death"]


def test_severity_negation_stops_at_clause_break(rules_analyser) -> None:
    (analysis,) = rules_analyser.analyse(["No one listened, and she was neglected."])
    assert "neglect" in analysis.severity.reasons


def test_severity_outcome_needs_a_companion_in_a_neighbouring_sentence(rules_analyser) -> None:
    alone, with_fault = rules_analyser.analyse(
        [
            "Mum passed away on the ward last spring.",
            "We waited nine hours for the ambulance. Mum passed away that night.",
        ]
    )
    assert alone.severity.level is SeverityLevel.NORMAL
    assert with_fault.severity.reasons == ["death"]


def test_severity_matches_and_evidence_come_from_the_redacted_text(rules_nlp) -> None:
    doc = rules_nlp("My mum Jane Smith was slapped by Mr Brown, call 07700 900123.")
    redacted = doc._.redaction.text
    assert "Jane" not in redacted and "Brown" not in redacted
    assert doc._.severity_reasons == ["abuse"]
    for reason, start, end in doc._.severity_evidence:
        assert reason == "abuse"
        assert redacted[start:end] in doc._.severity_matches
    assert all(match in redacted for match in doc._.severity_matches)


def test_an_incident_is_negative_whatever_words_tell_it(rules_analyser) -> None:
    """The rules-only pipeline has no sentiment model (neutral); an incident makes the item negative."""
    incident, benign = rules_analyser.analyse(["A carer slapped my mother.", "The carers are lovely."])
    assert incident.sentiment.label is SentimentLabel.NEGATIVE
    assert benign.sentiment.label is SentimentLabel.NEUTRAL


@pytest.mark.parametrize(
    ("sentiment", "positive", "expected"),
    [
        (("positive", 0.8, 0.7), 0.8, ("negative", 0.2, -0.7)),
        (("neutral", 0.6, 0.1), 0.25, ("negative", 0.75, -0.1)),
        (("negative", 0.9, -0.85), 0.05, ("negative", 0.9, -0.85)),
        (("mixed", 0.7, 0.1), 0.45, ("mixed", 0.7, 0.1)),
    ],
)
def test_incident_sentiment_turns_positive_and_neutral_negative(sentiment, positive, expected) -> None:
    assert incident_sentiment(sentiment, positive) == expected


def test_positive_probability_from_a_three_class_decision() -> None:
    assert positive_probability(("positive", 0.8, 0.7)) == 0.8
    assert positive_probability(("neutral", 0.6, 0.1)) == pytest.approx(0.25)
    assert positive_probability(("negative", 0.9, -0.85)) == 0.0
