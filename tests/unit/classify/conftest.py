"""Fixtures for the classify NLP tests: rule-only pipelines (no model); for `slow` tests, a trained model."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
import spacy

import services.classify.pipeline  # noqa: F401  (registers factories)
from services.classify.analyser import EvidenceAnalyser
from services.classify.config import ClassifySettings
from services.classify.registry import ModelNotFoundError, active_model


@pytest.fixture(scope="session")
def rules_nlp():
    """Blank English with the rule components only (redaction, statement rules, severity, decisions)."""
    nlp = spacy.blank("en")
    redactor = nlp.add_pipe("caresignal_redactor", name="redactor")
    redactor.initialize(use_lookups=False)
    nlp.add_pipe("caresignal_redacted_doc", name="redacted_doc")
    nlp.add_pipe("caresignal_statement_rules", name="statement_rules")
    nlp.add_pipe("caresignal_severity", name="severity")
    nlp.add_pipe("caresignal_segments", name="segments")
    nlp.add_pipe("caresignal_decisions", name="decisions")
    return nlp


@pytest.fixture(scope="session")
def rules_analyser(rules_nlp) -> EvidenceAnalyser:
    return EvidenceAnalyser(rules_nlp)


V6_COLUMNS = [
    "Comment ID",
    "Trust",
    "Respondent ID",
    "FFT answer",
    "Comment sentiment",
    "Staff manner & personal attributes",
    "Timeliness of care",
    "Supplying & understanding medication",
    "Positive experience & gratitude",
    "Labelling not possible",
]
V6_TEXTS = [
    ("The staff were so kind and caring", "1", ["Staff manner & personal attributes"]),
    ("Lovely friendly crew, very polite", "1", ["Staff manner & personal attributes"]),
    ("Rude receptionist and an unhelpful nurse", "5", ["Staff manner & personal attributes"]),
    ("Waited four hours for the ambulance", "5", ["Timeliness of care"]),
    ("The ambulance arrived quickly", "2", ["Timeliness of care"]),
    ("Too long a wait for an appointment", "4", ["Timeliness of care"]),
    ("My tablets were not explained", "4", ["Supplying & understanding medication"]),
    ("Medication was given on time and explained", "2", ["Supplying & understanding medication"]),
    ("Nothing, all good", "1", ["Positive experience & gratitude"]),
    ("Thank you for everything", "1", ["Positive experience & gratitude"]),
    (
        "It was ok I suppose, some good some bad",
        "3",
        ["Timeliness of care", "Staff manner & personal attributes"],
    ),
    ("Did not answer", "", ["Labelling not possible"]),
]


def write_tiny_corpus(directory: Path, copies: int = 6) -> Path:
    """The four shared-data files, small: enough to train every component in seconds."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "pxtextmining_v6_train.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=V6_COLUMNS)
        writer.writeheader()
        for copy in range(copies):
            for i, (text, sentiment, labels) in enumerate(V6_TEXTS):
                row = {column: "" for column in V6_COLUMNS}
                row.update(
                    {
                        "Comment ID": f"T {copy}-{i} - Q1",
                        "Trust": "NEAS",
                        "Respondent ID": f"T {copy}-{i}",
                        "FFT answer": f"{text} ({copy})",
                        "Comment sentiment": sentiment,
                    }
                )
                row.update({label: "1" for label in labels})
                writer.writerow(row)
    with (directory / "label_map_v6.csv").open("w", newline="", encoding="utf-8") as handle:
        handle.write(
            "source_label,quality_statement\n"
            "Staff manner & personal attributes,caring.kindness_compassion_dignity\n"
            "Timeliness of care,responsive.equity_in_access\n"
            "Supplying & understanding medication,safe.medicines_optimisation\n"
            "Positive experience & gratitude,\nLabelling not possible,\n"
        )
    with (directory / "pxtextmining_phase1.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "code",
                "label",
                "subcategory",
                "feedback",
                "criticality",
                "organization",
                "question",
                "row_index",
            ]
        )
        for i in range(12):
            writer.writerow(
                [
                    "cm",
                    "Care received",
                    "Medication",
                    f"Medicines were late {i}",
                    "-2",
                    "Trust A",
                    "Trust A - Q1",
                    i,
                ]
            )
            writer.writerow(
                [
                    "xn",
                    "Couldn't be improved",
                    "Nothing to improve",
                    f"Nothing {i}",
                    "3",
                    "Trust A",
                    "Trust A - Q1",
                    100 + i,
                ]
            )
    with (directory / "label_map_phase1.csv").open("w", newline="", encoding="utf-8") as handle:
        handle.write(
            "code,subcategory,quality_statement\ncm,Medication,safe.medicines_optimisation\n"
            "xn,Nothing to improve,\n"
        )
    return directory


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_corpus(tmp_path_factory.mktemp("tiny_corpus"))


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real model: the configured one if built (`caresignal train`), else trained now (~1 min)."""
    settings = ClassifySettings()
    try:
        model = active_model(settings)
    except ModelNotFoundError:
        model = None
    if model is not None and not os.environ.get("CARESIGNAL_TEST_RETRAIN"):
        return model.path
    if not (settings.data_dir / "pxtextmining_v6_train.csv").is_file():
        pytest.fail(f"no model in {settings.models_dir} and no training data at {settings.data_dir}")
    from services.classify.training.train import TrainOptions, train_model

    output = tmp_path_factory.mktemp("model") / "caresignal_evidence"
    return train_model(
        TrainOptions(
            data_dir=settings.data_dir,
            output=output,
            n_folds=settings.cv_folds,
            workers=settings.train_workers,
            seed=settings.seed,
        )
    )
