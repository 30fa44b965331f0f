"""Functions the spaCy training configs refer to, registered as ``caresignal.<name>.v1``.

Load with ``--code services/classify/training/registered.py`` (the `caresignal train` command imports this
module itself). Hyperparameters stay in the .cfg files; only paths and fold numbers are given at run time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.training import Example

import services.classify.pipeline  # noqa: F401  (custom factories used by the configs)
from services.classify.training.corrections import CORRECTION_CORPUS, correction_records
from services.classify.training.data import SENTIMENT_LABELS, STATEMENT_IDS, Record, load_corpus
from services.classify.training.harm_data import HARM_LABELS, harm_cats, harm_records

PHASE1_MODES = ("none", "positives", "full")


def fold_of(group: str, n_folds: int) -> int:
    """Deterministic fold for a group (respondent): stable across runs, machines and file orders."""
    digest = hashlib.sha1(group.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % n_folds


def select(records: Iterable[Record], split: str, n_folds: int, fold: int) -> list[Record]:
    """split 'all' keeps everything; 'train' drops fold `fold`; 'heldout' keeps only fold `fold`."""
    records = list(records)
    if split == "all" or fold < 0:
        return records
    if split == "train":
        return [r for r in records if fold_of(r.group, n_folds) != fold]
    if split == "heldout":
        return [r for r in records if fold_of(r.group, n_folds) == fold]
    raise ValueError(f"unknown split {split!r}")


def statement_cats(record: Record, labels: Iterable[str]) -> dict[str, float]:
    """Fully labelled records give 0/1 for every label; partial ones only what is known (positives, and
    the negatives analysts removed)."""
    if record.complete:
        return {label: float(label in record.statements) for label in labels}
    known = {label: 1.0 for label in record.statements if label in labels}
    return {**{label: 0.0 for label in record.negatives if label in labels}, **known}


def sentiment_cats(record: Record) -> dict[str, float]:
    return {label: float(label == record.sentiment) for label in SENTIMENT_LABELS}


def build_records(
    data_dir: str | Path,
    task: str,
    split: str,
    n_folds: int,
    fold: int,
    phase1: str,
    corrections: str | Path | None = None,
    corrections_weight: float = 1.0,
) -> list[Record]:
    """Records for one task: v6 is split into folds; phase 1 is only ever training data; analysts'
    corrections (latest per item) are training data split into the same folds (by item), so fold k's
    models never see fold k's corrections."""
    if phase1 not in PHASE1_MODES:
        raise ValueError(f"phase1 must be one of {PHASE1_MODES}")
    if task == "harm":
        return select(harm_records(Path(data_dir)), split, n_folds, fold)
    v6, phase1_records = load_corpus(Path(data_dir))
    records = select(v6, split, n_folds, fold)
    if split != "heldout" and phase1 != "none":
        records += phase1_records
    if split != "heldout" and corrections:
        records += select(correction_records(Path(corrections), corrections_weight), split, n_folds, fold)
    if task == "sentiment":
        return [r for r in records if r.sentiment is not None]
    if task == "statements":
        if phase1 == "positives":
            return [r for r in records if r.complete or r.statements or r.negatives]
        if phase1 == "full":
            return [
                Record(r.uid, r.text, r.corpus, r.group, r.statements, True, r.sentiment) for r in records
            ]
        return records
    raise ValueError(f"unknown task {task!r}")


@spacy.registry.readers("caresignal.feedback_corpus.v1")
def feedback_corpus(
    data_dir: str,
    task: str = "statements",
    split: str = "all",
    n_folds: int = 5,
    fold: int = -1,
    phase1: str = "positives",
    labels: list[str] | None = None,
    limit: int = 0,
    corrections: str | None = None,
    corrections_weight: float = 1.0,
) -> Callable[[Language], Iterator[Example]]:
    """Examples straight from the shared CSVs and the exported corrections (no intermediate files), in a
    fixed order. A record's weight travels in the reference doc's `user_data["weight"]`."""
    label_set = list(labels or STATEMENT_IDS)

    def read(nlp: Language) -> Iterator[Example]:
        records = build_records(data_dir, task, split, n_folds, fold, phase1, corrections, corrections_weight)
        if limit:
            records = records[:limit] + [r for r in records[limit:] if r.corpus == CORRECTION_CORPUS]
        for record in records:
            cats = sentiment_cats(record) if task == "sentiment" else statement_cats(record, label_set)
            doc = nlp.make_doc(record.text)
            example = Example.from_dict(doc, {"cats": cats})
            if record.weight != 1.0:
                example.reference.user_data["weight"] = record.weight
            yield example

    return read


@spacy.registry.readers("caresignal.harm_corpus.v1")
def harm_corpus(
    data_dir: str,
    split: str = "all",
    n_folds: int = 4,
    fold: int = -1,
    limit: int = 0,
    written_weight: float = 1.0,
) -> Callable[[Language], Iterator[Example]]:
    """Hand-written development items (weighted `written_weight`) and the corpus comments as negatives
    (`training/harm_data.py`); `limit` caps the comments."""

    def read(nlp: Language) -> Iterator[Example]:
        records = select(harm_records(Path(data_dir), written_weight, limit), split, n_folds, fold)
        for record in records:
            example = Example.from_dict(nlp.make_doc(record.text), {"cats": harm_cats(record)})
            if record.weight != 1.0:
                example.reference.user_data["weight"] = record.weight
            yield example

    return read


@spacy.registry.misc("caresignal.harm_labels.v1")
def harm_labels() -> list[str]:
    """`incident`, then the severity reason codes."""
    return list(HARM_LABELS)


@spacy.registry.misc("caresignal.statement_labels.v1")
def statement_labels(data_dir: str, min_count: int = 5, phase1: str = "positives") -> list[str]:
    """Statements with at least `min_count` positive training examples, in framework order."""
    records = build_records(data_dir, "statements", "all", 5, -1, phase1)
    counts = {label: 0 for label in STATEMENT_IDS}
    for record in records:
        for label in record.statements:
            counts[label] += 1
    return [label for label in STATEMENT_IDS if counts[label] >= min_count]
