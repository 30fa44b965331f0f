"""The harm classifier: its training records, its cross-validated threshold, and how decisions use it."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.training import Example

import services.classify.pipeline  # noqa: F401  (registers factories)
from services.classify.analyser import EvidenceAnalyser
from services.classify.evaluation.written import load_written_items
from services.classify.pipeline.segments import MIN_ITEM_CHARS
from services.classify.pipeline.severity_patterns import INCIDENT
from services.classify.training.harm_data import (
    HARM_LABELS,
    TRAINING_SPLITS,
    WRITTEN_CORPUS,
    harm_cats,
    harm_records,
)
from services.classify.training.harm_tuning import HARM_PRECISION, tune_harm_threshold
from services.classify.training.registered import build_records

MISSED_BY_RULES = "Mum kept telling us the night lady hurts her when nobody else is about."


def test_harm_records_train_on_development_splits_only_and_comments_as_negatives(tiny_corpus: Path) -> None:
    records = harm_records(tiny_corpus)
    written = [r for r in records if r.corpus == WRITTEN_CORPUS]
    comments = [r for r in records if r.corpus != WRITTEN_CORPUS]
    ids = {r.uid.removeprefix("written:") for r in written}
    items = load_written_items()
    assert ids == {item.id for item in items if item.split in TRAINING_SPLITS}
    assert not ids & {item.id for item in items if item.split in ("test", "holdout")}
    assert comments and all(not any(harm_cats(r).values()) for r in comments)
    incident = next(r for r in written if INCIDENT in r.statements)
    assert harm_cats(incident)[INCIDENT] == 1.0 and sum(harm_cats(incident).values()) >= 2


def test_harm_folds_split_written_items_and_comments(tiny_corpus: Path) -> None:
    train = {r.uid for r in build_records(tiny_corpus, "harm", "train", 4, 1, "none")}
    held = {r.uid for r in build_records(tiny_corpus, "harm", "heldout", 4, 1, "none")}
    assert train and held and not train & held
    assert train | held == {r.uid for r in harm_records(tiny_corpus)}


def oof_from(records, score) -> dict:
    labels = list(HARM_LABELS)
    rows = [[score(r) if label == INCIDENT else 0.0 for label in labels] for r in records]
    return {
        "harm": {"labels": labels, "folds": [{"fold": 0, "uids": [r.uid for r in records], "scores": rows}]}
    }


def test_harm_threshold_is_the_lowest_precise_enough_score(tiny_corpus: Path) -> None:
    records = harm_records(tiny_corpus)
    written = [r for r in records if r.corpus == WRITTEN_CORPUS]
    benign = {r.uid for r in written if INCIDENT not in r.statements}

    # incidents score 0.8, benign written items 0.6 (too many false alarms at or below 0.6), comments 0.1
    def score(record) -> float:
        if INCIDENT in record.statements:
            return 0.8
        return 0.6 if record.uid in benign else 0.1

    decided = tune_harm_threshold(oof_from(records, score), tiny_corpus)
    assert decided["threshold"] == pytest.approx(0.61)
    assert decided["precision"] == 1.0 and decided["recall"] == 1.0
    assert decided["corpus_flagged"] == 0
    assert decided["precision"] >= HARM_PRECISION


def test_harm_threshold_refuses_a_classifier_that_flags_survey_comments(tiny_corpus: Path) -> None:
    records = harm_records(tiny_corpus)
    decided = tune_harm_threshold(
        oof_from(records, lambda r: 0.8 if INCIDENT in r.statements or r.corpus != WRITTEN_CORPUS else 0.1),
        tiny_corpus,
    )
    assert decided["threshold"] > 0.8  # every threshold that finds the incidents also flags the comments


@pytest.fixture(scope="module")
def harm_nlp():
    """The rule components after a small harm classifier fitted on written incidents and benign texts."""
    nlp = spacy.blank("en")
    harm = nlp.add_pipe("caresignal_linear_textcat", name="harm", config={"class_weight": "balanced"})
    items = [item for item in load_written_items() if item.split in TRAINING_SPLITS]
    texts = [item.text for item in items] + [MISSED_BY_RULES] * 3
    cats = [
        {INCIDENT: float(item.severity == "high"), "abuse": float("abuse" in item.reasons)} for item in items
    ] + [{INCIDENT: 1.0, "abuse": 1.0}] * 3
    examples = [Example.from_dict(nlp.make_doc(t), {"cats": c}) for t, c in zip(texts, cats, strict=True)]
    harm.initialize(lambda: examples)
    nlp.add_pipe("caresignal_redactor", name="redactor").initialize(use_lookups=False)
    for factory in ("redacted_doc", "statement_rules", "severity", "segments", "decisions"):
        nlp.add_pipe(f"caresignal_{factory}", name=factory)
    nlp.disable_pipe("harm")  # run by `segments`
    return nlp


def analyse_with(nlp, threshold: float | None, texts: list[str]):
    nlp.get_pipe("decisions").configure(
        [], {}, {}, None, None, None if threshold is None else {"threshold": threshold}
    )
    return EvidenceAnalyser(nlp).analyse(texts)


def test_harm_classifier_flags_an_incident_the_rules_miss(harm_nlp) -> None:
    (alone,) = analyse_with(harm_nlp, None, [MISSED_BY_RULES])
    assert alone.severity.level.value == "normal"
    (flagged,) = analyse_with(harm_nlp, 0.5, [MISSED_BY_RULES])
    assert flagged.severity.level.value == "high"
    assert flagged.severity.reasons == ["abuse"]
    (strict,) = analyse_with(harm_nlp, 1.01, [MISSED_BY_RULES])
    assert strict.severity.level.value == "normal"


def test_rules_keep_their_reasons_and_benign_text_stays_normal(harm_nlp) -> None:
    ruled, benign = analyse_with(
        harm_nlp,
        0.5,
        ["Money has gone missing from her purse.", "The nurses were kind and the food was lovely."],
    )
    assert ruled.severity.reasons == ["financial_abuse"]
    assert benign.severity.level.value == "normal"


def test_harm_classifier_does_not_overrule_context_or_thanks(harm_nlp) -> None:
    negated, thanked = analyse_with(
        harm_nlp, 0.0, ["Nobody has ever slapped my gran here.", "Thank you, he passed away peacefully."]
    )
    assert negated.severity.level.value == "normal"
    assert thanked.severity.level.value == "normal"
    (flagged,) = analyse_with(harm_nlp, 0.0, ["The new manager sat with my gran for an hour."])
    assert flagged.severity.level.value == "high"  # threshold 0: everything else is flagged


def test_long_items_are_flagged_by_their_worst_segment(harm_nlp) -> None:
    story = " ".join(
        [
            "We chose the home because it was close to us and the garden is beautiful in summer.",
            "The activities team organise something every afternoon and mum enjoys the singing.",
            MISSED_BY_RULES,
            "We have asked for a meeting with the manager and are waiting to hear back from her.",
            "The food is good and the laundry comes back clean and folded every week without fail.",
            "Visiting is flexible and the reception staff always greet us by name when we arrive.",
            "Overall we would still recommend it to friends, with that one worry.",
        ]
    )
    assert len(story) >= MIN_ITEM_CHARS
    (analysis,) = analyse_with(harm_nlp, 0.5, [story])
    assert analysis.severity.reasons == ["abuse"]
    flagged = [segment for segment in analysis.segments if segment.severity_reasons]
    assert [segment.text for segment in flagged] == [MISSED_BY_RULES]
    assert analysis.severity.matches == [MISSED_BY_RULES]
