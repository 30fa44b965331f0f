"""Fixtures for the classify NLP tests: rule-only pipelines (no model); for `slow` tests, a trained model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import spacy
from factories.training import write_tiny_corpus

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
