"""Load the labelled patient-feedback corpora as plain records, sorted and de-duplicated deterministically.

Two corpora (see shared/data/README.md):

* v6 (NEAS + NHFT): multi-label, one 0/1 column per category, mapped to quality statements with
  ``label_map_v6.csv``. Every row is fully labelled: a statement absent from the mapped set is a negative.
* phase 1 (trusts A, B, C): one subcategory per comment. Only the mapped statement is known to be present;
  the other statements are *unknown* (a comment may touch several topics), so phase-1 records carry
  ``complete=False`` and trainers treat absent labels as missing, not negative.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from services.classify.statements import statement_ids

V6_FILE = "pxtextmining_v6_train.csv"
PHASE1_FILE = "pxtextmining_phase1.csv"
V6_MAP = "label_map_v6.csv"
PHASE1_MAP = "label_map_phase1.csv"

STATEMENT_IDS: tuple[str, ...] = statement_ids()
SENTIMENT_LABELS: tuple[str, ...] = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Record:
    """One labelled comment."""

    uid: str
    text: str
    corpus: str  # "v6" or "phase1"
    group: str  # respondent / trust grouping used for cross-validation folds
    statements: frozenset[str] = field(default_factory=frozenset)
    complete: bool = True  # False: statements absent from `statements` are unknown, not negative
    sentiment: str | None = None
    negatives: frozenset[str] = field(default_factory=frozenset)  # known absent although not complete
    weight: float = 1.0  # sample weight (analysts' corrections weigh more than survey labels)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _label_map(path: Path, key: str) -> dict[str, str]:
    mapping = {row[key]: row["quality_statement"].strip() for row in _read_csv(path)}
    unknown = {value for value in mapping.values() if value and value not in STATEMENT_IDS}
    if unknown:
        raise ValueError(f"{path.name} maps to unknown quality statements: {sorted(unknown)}")
    return mapping


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _rows_with_text(path: Path, column: str) -> Iterator[tuple[dict[str, str], str]]:
    """Each row of a corpus file with the cleaned text of `column`; rows without text are skipped."""
    for row in _read_csv(path):
        text = _clean(row.get(column, ""))
        if text:
            yield row, text


def v6_sentiment(value: str) -> str | None:
    """v6 `Comment sentiment`: 1-2 positive, 3 neutral (mixed), 4-5 negative, blank unlabelled."""
    value = value.strip()
    if value in {"1", "2"}:
        return "positive"
    if value == "3":
        return "neutral"
    if value in {"4", "5"}:
        return "negative"
    return None


def phase1_sentiment(value: str) -> str | None:
    """Phase-1 `criticality` -5..5: >0 positive, 0 neutral, <0 negative; junk values unlabelled."""
    try:
        number = int(value.strip())
    except ValueError:
        return None
    if not -5 <= number <= 5:
        return None
    return "positive" if number > 0 else "negative" if number < 0 else "neutral"


def load_v6(data_dir: Path) -> list[Record]:
    mapping = _label_map(data_dir / V6_MAP, "source_label")
    records = []
    for row, text in _rows_with_text(data_dir / V6_FILE, "FFT answer"):
        labels = frozenset(
            mapping[col] for col in mapping if row.get(col, "").strip() == "1" and mapping[col]
        )
        records.append(
            Record(
                uid=f"v6:{row['Comment ID']}",
                text=text,
                corpus="v6",
                group=f"v6:{row.get('Respondent ID') or row['Comment ID']}",
                statements=labels,
                complete=True,
                sentiment=v6_sentiment(row.get("Comment sentiment", "")),
            )
        )
    return _sorted(records)


def load_phase1(data_dir: Path) -> list[Record]:
    mapping = _label_map(data_dir / PHASE1_MAP, "code")
    records = []
    for row, text in _rows_with_text(data_dir / PHASE1_FILE, "feedback"):
        statement = mapping.get(row.get("code", "").strip(), "")
        records.append(
            Record(
                uid=f"phase1:{row['row_index']}",
                text=text,
                corpus="phase1",
                group=f"phase1:{row['row_index']}",
                statements=frozenset({statement}) if statement else frozenset(),
                complete=False,
                sentiment=phase1_sentiment(row.get("criticality", "")),
            )
        )
    return _sorted(records)


def _sorted(records: Iterable[Record]) -> list[Record]:
    """Stable order independent of file order: by uid, first occurrence of a uid wins."""
    seen: dict[str, Record] = {}
    for record in records:
        seen.setdefault(record.uid, record)
    return [seen[uid] for uid in sorted(seen)]


def load_corpus(data_dir: Path) -> tuple[list[Record], list[Record]]:
    """Return (v6 records, phase-1 records)."""
    data_dir = Path(data_dir)
    for name in (V6_FILE, PHASE1_FILE, V6_MAP, PHASE1_MAP):
        if not (data_dir / name).is_file():
            raise FileNotFoundError(f"{data_dir / name} not found (set --data-dir or CARESIGNAL_DATA_DIR)")
    return load_v6(data_dir), load_phase1(data_dir)
