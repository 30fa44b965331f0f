"""Regression: the hand-written evaluation set (services/classify/evaluation/written_items.jsonl).

The floors sit just under today's scores (see the model card): a change to the severity patterns or cues
that loses incidents or flags benign texts fails here.
"""

from __future__ import annotations

from collections import Counter

import pytest

from services.classify.evaluation.written import load_written_items, written_report
from services.classify.pipeline.severity_patterns import REASONS

# split -> (precision, recall) of the high flag, severity rules alone (no trained model)
FLOORS = {"dev": (0.97, 0.97), "test": (0.90, 0.78), "dev2": (0.97, 0.97), "holdout": (0.80, 0.45)}


@pytest.fixture(scope="module")
def scored(rules_analyser):
    items = load_written_items()
    return items, rules_analyser.analyse([item.text for item in items])


def test_written_set_covers_every_reason_and_benign_texts() -> None:
    items = load_written_items()
    assert len(items) >= 150
    assert len({item.id for item in items}) == len(items)
    reasons = Counter(reason for item in items for reason in item.reasons)
    assert set(reasons) == set(REASONS)
    assert min(reasons.values()) >= 4
    assert sum(item.severity == "normal" for item in items) >= 100
    assert all(item.reasons for item in items if item.severity == "high")


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_written_set_severity_flag_holds(scored, split: str) -> None:
    items, analyses = scored
    report = written_report(items, analyses, split)
    precision, recall = FLOORS[split]
    assert report.flag.precision >= precision, report.false_alarms
    assert report.flag.recall >= recall, report.misses


def test_written_set_flagged_incidents_carry_their_reasons(scored) -> None:
    """The rules' reasons, on the rounds the rules were written against (not `dev3`, `dev4`, `holdout2`:
    rounds for the harm classifier, scored in the model card)."""
    rule_rounds = ("dev", "test", "dev2", "holdout")
    pairs = [(item, analysis) for item, analysis in zip(*scored, strict=True) if item.split in rule_rounds]
    report = written_report([item for item, _ in pairs], [analysis for _, analysis in pairs], "all")
    found = sum(found for found, _ in report.reason_recall.values())
    expected = sum(expected for _, expected in report.reason_recall.values())
    assert found / expected >= 0.85, report.reason_recall


# The trained model (rules + harm classifier) on the splits it never trained on (`dev4`: looked at).
TRAINED_FLOORS = {
    "test": (0.87, 0.95),
    "holdout": (0.78, 0.88),
    "holdout2": (0.88, 0.95),
    "dev4": (0.88, 0.92),
}


@pytest.fixture(scope="module")
def scored_by_model(trained_model_dir):
    from services.classify.analyser import EvidenceAnalyser

    items = load_written_items()
    return items, EvidenceAnalyser.load(trained_model_dir).analyse([item.text for item in items])


@pytest.mark.slow
@pytest.mark.parametrize("split", sorted(TRAINED_FLOORS))
def test_trained_model_finds_incidents_in_unseen_written_items(scored_by_model, split: str) -> None:
    items, analyses = scored_by_model
    report = written_report(items, analyses, split)
    precision, recall = TRAINED_FLOORS[split]
    assert report.flag.precision >= precision, report.false_alarms
    assert report.flag.recall >= recall, report.misses


@pytest.mark.slow
@pytest.mark.parametrize("split", sorted(TRAINED_FLOORS))
def test_trained_model_reads_unseen_incidents_as_negative(scored_by_model, split: str) -> None:
    """An incident is bad news however it is told (see `decisions.incident_sentiment`)."""
    items, analyses = scored_by_model
    incidents = [
        analysis.sentiment.label.value
        for item, analysis in zip(items, analyses, strict=True)
        if item.split == split and item.severity == "high"
    ]
    assert sum(label == "negative" for label in incidents) / len(incidents) >= 0.9
