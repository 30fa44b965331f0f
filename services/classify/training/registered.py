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
from services.classify.training.data import SENTIMENT_LABELS, STATEMENT_IDS, Record, load_corpus

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
    """Fully labelled records give 0/1 for every label; partial ones only their known positives."""
    if record.complete:
        return {label: float(label in record.statements) for label in labels}
    return {label: 1.0 for label in record.statements if label in labels}


def sentiment_cats(record: Record) -> dict[str, float]:
    return {label: float(label == record.sentiment) for label in SENTIMENT_LABELS}


def build_records(
    data_dir: str | Path, task: str, split: str, n_folds: int, fold: int, phase1: str
) -> list[Record]:
    """Records for one task: v6 is split into folds; phase 1 is only ever training data."""
    if phase1 not in PHASE1_MODES:
        raise ValueError(f"phase1 must be one of {PHASE1_MODES}")
    v6, phase1_records = load_corpus(Path(data_dir))
    records = select(v6, split, n_folds, fold)
    if split != "heldout" and phase1 != "none":
        records += phase1_records
    if task == "sentiment":
        return [r for r in records if r.sentiment is not None]
    if task == "statements":
        if phase1 == "positives":
            return [r for r in records if r.complete or r.statements]
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
) -> Callable[[Language], Iterator[Example]]:
    """Examples straight from the shared CSVs (no intermediate files), in a fixed order."""
    label_set = list(labels or STATEMENT_IDS)

    def read(nlp: Language) -> Iterator[Example]:
        records = build_records(data_dir, task, split, n_folds, fold, phase1)
        if limit:
            records = records[:limit]
        for record in records:
            cats = sentiment_cats(record) if task == "sentiment" else statement_cats(record, label_set)
            doc = nlp.make_doc(record.text)
            yield Example.from_dict(doc, {"cats": cats})

    return read


@spacy.registry.misc("caresignal.statement_labels.v1")
def statement_labels(data_dir: str, min_count: int = 5, phase1: str = "positives") -> list[str]:
    """Statements with at least `min_count` positive training examples, in framework order."""
    records = build_records(data_dir, "statements", "all", 5, -1, phase1)
    counts = {label: 0 for label in STATEMENT_IDS}
    for record in records:
        for label in record.statements:
            counts[label] += 1
    return [label for label in STATEMENT_IDS if counts[label] >= min_count]
