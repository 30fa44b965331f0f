"""Training records for the `harm` classifier: incidents told in everyday words.

Strong labels come from the hand-written set's development splits (`dev`, `dev2`, `dev3`: incidents
with their reason codes, and benign texts that use the same words); the `test` and `holdout` splits are
never trained on. Weak labels come from the shared patient-feedback corpus: survey comments are almost
never incidents, so every v6 and phase-1 comment is a negative (labels `incident` and every reason 0).
Written items fall into folds by id, comments by respondent, with the same fold function as the other
tasks.
"""

from __future__ import annotations

from pathlib import Path

from services.classify.evaluation.written import load_written_items
from services.classify.pipeline.severity_patterns import INCIDENT, REASONS
from services.classify.training.data import Record, load_corpus

HARM_LABELS: tuple[str, ...] = (INCIDENT, *REASONS)
TRAINING_SPLITS: tuple[str, ...] = ("dev", "dev2", "dev3")
WRITTEN_CORPUS = "written"


def written_records(weight: float) -> list[Record]:
    """The hand-written development items as records (labels in `statements`)."""
    return [
        Record(
            uid=f"written:{item.id}",
            text=item.text,
            corpus=WRITTEN_CORPUS,
            group=f"written:{item.id}",
            statements=frozenset({INCIDENT, *item.reasons} if item.severity == "high" else ()),
            weight=weight,
        )
        for item in load_written_items()
        if item.split in TRAINING_SPLITS
    ]


def harm_records(data_dir: Path, written_weight: float = 1.0, limit: int = 0) -> list[Record]:
    """Written development items, then the corpus comments as negatives (the first `limit` if set)."""
    v6, phase1 = load_corpus(Path(data_dir))
    comments = [Record(r.uid, r.text, r.corpus, r.group) for r in v6 + phase1]  # no harm label: negatives
    return written_records(written_weight) + (comments[:limit] if limit else comments)


def harm_cats(record: Record) -> dict[str, float]:
    return {label: float(label in record.statements) for label in HARM_LABELS}
