"""Analysts' corrections as training data: read the exported file (`caresignal corrections export`), keep the
latest correction of each item (it holds the item's whole corrected state), and turn it into records.

A corrected item is partially labelled, like a phase-1 comment: the statements analysts kept or added are
positives, the ones they removed are negatives, the rest unknown. A corrected sentiment is its label
(`mixed`, a long-item label, is not one of the three the sentiment model learns). Severity corrections are
not learnt (severity is a rule model); `caresignal model evaluate` scores them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from schemas.corrections import EvidenceCorrected
from services.classify.training.data import SENTIMENT_LABELS, Record

CORRECTION_CORPUS = "correction"


def read_corrections(path: Path) -> list[EvidenceCorrected]:
    """Every correction in an exported JSON Lines file, in file order."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [EvidenceCorrected.model_validate_json(line) for line in lines if line.strip()]


def latest_per_item(corrections: Iterable[EvidenceCorrected]) -> list[EvidenceCorrected]:
    """One correction per item, the latest (by time, then event id), in evidence id order."""
    latest: dict[str, EvidenceCorrected] = {}
    for correction in sorted(corrections, key=lambda c: (c.occurred_at, str(c.event_id))):
        latest[str(correction.evidence_id)] = correction
    return [latest[key] for key in sorted(latest)]


def record_of(correction: EvidenceCorrected, weight: float) -> Record:
    fields = correction.corrected
    sentiment = fields.sentiment.value if fields.sentiment else None
    group = f"{CORRECTION_CORPUS}:{correction.evidence_id}"
    return Record(
        uid=group,
        text=" ".join(correction.item.text.split()),
        corpus=CORRECTION_CORPUS,
        group=group,
        statements=frozenset(fields.quality_statements or ()),
        complete=False,
        sentiment=sentiment if sentiment in SENTIMENT_LABELS else None,
        negatives=frozenset(fields.removed_quality_statements),
        weight=weight,
    )


@cache
def _records(path: Path, digest: str, weight: float) -> tuple[Record, ...]:
    return tuple(record_of(correction, weight) for correction in latest_per_item(read_corrections(path)))


def correction_records(path: Path, weight: float) -> list[Record]:
    """Training records of the latest correction of each item in the file (cached per file content)."""
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return list(_records(Path(path), digest, weight))


def configured_weight() -> float:
    """The corrections' weight the training configs give (`corpora.train.corrections_weight`)."""
    from spacy.util import load_config

    config = load_config(Path(__file__).parent / "configs" / "statements.cfg", interpolate=False)
    return float(config["corpora"]["train"]["corrections_weight"])


def corrections_facts(options) -> dict[str, object]:  # options: train.TrainOptions
    """What meta.json says about the corrections a model was trained with."""
    events = read_corrections(options.corrections)
    latest = latest_per_item(events)
    weight = configured_weight() if options.corrections_weight is None else options.corrections_weight
    return {
        "events": len(events),
        "used": len(latest),
        "weight": weight,
        "file_sha256": hashlib.sha256(Path(options.corrections).read_bytes()).hexdigest(),
    }


def write_corrections_summary(training_dir: Path, options) -> dict[str, object]:
    """training/corrections.json: counts, weight and the evidence ids used (evaluation leaves them out)."""
    import json

    latest = latest_per_item(read_corrections(options.corrections))
    summary = {
        **corrections_facts(options),
        "statements": sum(1 for c in latest if c.corrected.quality_statements is not None),
        "sentiment": sum(1 for c in latest if c.corrected.sentiment is not None),
        "severity": sum(1 for c in latest if c.corrected.severity is not None),
        "evidence_ids": [str(c.evidence_id) for c in latest],
    }
    (training_dir / "corrections.json").write_text(json.dumps(summary, indent=1))
    return summary
