"""Run the evaluation sets for `caresignal train` / `evaluate`: long-item decisions tuned on out-of-fold
scores, and the long-item, hand-written and corpus results written into the model card."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.classify.evaluation.card import SeverityOnCorpus
from services.classify.evaluation.long_report import LongReport, long_folds, long_report, tune_long_decisions
from services.classify.evaluation.long_scores import long_items_for
from services.classify.evaluation.written import (
    WRITTEN_SPLITS,
    WrittenReport,
    load_written_items,
    written_report,
)


@dataclass(frozen=True)
class SetResults:
    long: LongReport | None
    written: list[WrittenReport]
    corpus: SeverityOnCorpus


def long_decisions(oof: dict[str, Any], data_dir: Path, precision_target: float) -> tuple[dict, dict]:
    """Segment thresholds and the long sentiment rule for the model ({} when there are no long scores)."""
    folds = long_folds(oof, long_items_for(data_dir, int(oof["n_folds"])))
    return tune_long_decisions(folds, precision_target) if folds else ({}, {})


def severity_on_corpus(data_dir: Path) -> SeverityOnCorpus:
    """How many of the training comments (real patient feedback) the high flag fires on."""
    import spacy

    import services.classify.pipeline  # noqa: F401
    from services.classify.training.data import load_corpus

    nlp = spacy.blank("en")
    nlp.add_pipe("caresignal_redactor", name="redactor").initialize(use_lookups=False)
    nlp.add_pipe("caresignal_redacted_doc", name="redacted_doc")
    nlp.add_pipe("caresignal_severity", name="severity")
    v6, phase1 = load_corpus(Path(data_dir))
    texts = [record.text for record in v6 + phase1]
    flagged = sum(1 for doc in nlp.pipe(texts, batch_size=256) if doc._.severity_reasons)
    return SeverityOnCorpus(items=len(texts), flagged_high=flagged)


def evaluate_sets(
    model_dir: Path,
    oof: dict[str, Any],
    data_dir: Path,
    short_decisions: tuple[dict, dict],
    precision_target: float,
) -> SetResults:
    """`short_decisions`: per fold, short-comment thresholds and class weights tuned without that fold."""
    from services.classify.analyser import EvidenceAnalyser

    folds = long_folds(oof, long_items_for(data_dir, int(oof["n_folds"])))
    long = long_report(folds, *short_decisions, precision_target) if folds else None
    items = load_written_items()
    analyses = EvidenceAnalyser.load(model_dir).analyse([item.text for item in items])
    written = [written_report(items, analyses, split) for split in WRITTEN_SPLITS]
    return SetResults(long, written, severity_on_corpus(data_dir))
