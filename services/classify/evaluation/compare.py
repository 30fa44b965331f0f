"""Two models side by side on the same frozen evaluation sets, and the rule a promotion must pass.

The sets:

* cross-validation folds of v6 (grouped by respondent; every model's own out-of-fold scores, saved by
  `caresignal train`): comparable only when both were trained on the same data, folds and record limit;
* the synthetic long items (from the same out-of-fold scores);
* the hand-written severity set (`written_items.jsonl`), run through each model now;
* analysts' corrections (latest per item), run through each model now, restricted to the items neither
  model was trained on, so a model is never judged on corrections it learnt.

A model is worse when any metric is lower than the current model's by more than TOLERANCE.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from schemas.corrections import EvidenceCorrected
from schemas.evidence import SeverityLevel
from services.classify.analyser import EvidenceAnalyser
from services.classify.evaluation.written import load_written_items, written_report
from services.classify.registry import InstalledModel
from services.classify.training.corrections import latest_per_item
from services.classify.training.thresholds import f1

TOLERANCE = 0.01
MIN_CORRECTIONS = 10  # fewer held-out corrections than this are shown but do not decide


@dataclass(frozen=True)
class MetricSpec:
    key: str
    group: str
    label: str


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("cv.micro_f1", "cross-validation", "statements micro-F1 (model + rules)"),
    MetricSpec("cv.macro_f1", "cross-validation", "statements macro-F1 (model + rules)"),
    MetricSpec("cv.sentiment_macro_f1", "cross-validation", "sentiment macro-F1"),
    MetricSpec("long.micro_f1", "long items", "statements micro-F1"),
    MetricSpec("long.sentiment_macro_f1", "long items", "sentiment macro-F1 (4 classes)"),
    MetricSpec("written.severity_f1", "hand-written set", "high-severity F1"),
    MetricSpec("written.sentiment_macro_f1", "hand-written set", "sentiment macro-F1"),
    MetricSpec("corrections.statements_f1", "corrections", "statements F1 on corrected labels"),
    MetricSpec("corrections.sentiment_accuracy", "corrections", "sentiment agreement"),
    MetricSpec("corrections.severity_accuracy", "corrections", "severity agreement"),
)


def fold_spec(model: InstalledModel) -> dict[str, Any]:
    """What makes two models' cross-validation comparable: the same data, folds and record limit."""
    facts = model.meta.get("caresignal", {})
    return {key: facts.get(key) for key in ("data_sha256", "n_folds", "limit")}


def trained_on_corrections(model: InstalledModel) -> set[str]:
    """Evidence ids of the corrections the model was trained with."""
    path = model.path / "training" / "corrections.json"
    return set(json.loads(path.read_text())["evidence_ids"]) if path.is_file() else set()


def stored_scores(model: InstalledModel) -> dict[str, float | None]:
    """Cross-validation and long-item metrics saved by `caresignal train`."""
    path = model.path / "training" / "cv_metrics.json"
    if not path.is_file():
        return {}
    metrics = json.loads(path.read_text())
    deployed = metrics["model_with_rules"]
    long = metrics.get("long_items") or {}
    return {
        "cv.micro_f1": deployed["micro_f1"],
        "cv.macro_f1": deployed["macro_f1"],
        "cv.sentiment_macro_f1": metrics["sentiment_macro_f1"],
        "long.micro_f1": long.get("after", {}).get("micro_f1"),
        "long.sentiment_macro_f1": long.get("sentiment_after"),
    }


def written_scores(analyser: EvidenceAnalyser) -> dict[str, float]:
    items = load_written_items()
    report = written_report(items, analyser.analyse([item.text for item in items]), "all")
    return {"written.severity_f1": report.flag.f1, "written.sentiment_macro_f1": report.sentiment_macro_f1}


def corrections_scores(
    analyser: EvidenceAnalyser, corrections: Sequence[EvidenceCorrected]
) -> dict[str, float | None]:
    """Agreement with analysts: statements F1 over the labels they decided (kept or added: present;
    removed: absent), and the share of sentiment and severity corrections the model now gets right."""
    if not corrections:
        return {}
    analyses = analyser.analyse([correction.item.text for correction in corrections])
    tp = fp = fn = 0
    sentiment, severity = [], []
    for correction, analysis in zip(corrections, analyses, strict=True):
        fields = correction.corrected
        predicted = {score.id for score in analysis.quality_statements}
        if fields.quality_statements is not None:
            present = set(fields.quality_statements)
            tp += len(predicted & present)
            fn += len(present - predicted)
            fp += len(predicted & set(fields.removed_quality_statements))
        if fields.sentiment is not None:
            sentiment.append(analysis.sentiment.label == fields.sentiment)
        if fields.severity is not None:
            severity.append(analysis.severity.level == SeverityLevel(fields.severity))
    return {
        "corrections.statements_f1": f1(tp, fp, fn) if tp + fp + fn else None,
        "corrections.sentiment_accuracy": sum(sentiment) / len(sentiment) if sentiment else None,
        "corrections.severity_accuracy": sum(severity) / len(severity) if severity else None,
    }


@dataclass(frozen=True)
class Row:
    metric: MetricSpec
    new: float | None
    current: float | None
    decides: bool

    @property
    def verdict(self) -> str:
        if self.new is None or self.current is None:
            return "n/a"
        if self.new < self.current - TOLERANCE:
            return "worse"
        if self.new > self.current + TOLERANCE:
            return "better"
        return "same"


@dataclass(frozen=True)
class Comparison:
    new: InstalledModel
    current: InstalledModel
    rows: list[Row]
    folds_comparable: bool
    corrections_held_out: int
    notes: list[str] = field(default_factory=list)

    @property
    def worse(self) -> list[Row]:
        return [row for row in self.rows if row.decides and row.verdict == "worse"]

    @property
    def acceptable(self) -> bool:
        """Promotable without --force: comparable folds and no deciding metric worse."""
        return self.folds_comparable and not self.worse

    def as_dict(self) -> dict[str, Any]:
        return {
            "new": self.new.model_version,
            "current": self.current.model_version,
            "folds_comparable": self.folds_comparable,
            "corrections_held_out": self.corrections_held_out,
            "acceptable": self.acceptable,
            "rows": [
                {**asdict(row.metric), "new": row.new, "current": row.current, "verdict": row.verdict}
                for row in self.rows
            ],
            "notes": self.notes,
        }


def compare(
    new: InstalledModel, current: InstalledModel, corrections: Sequence[EvidenceCorrected] = ()
) -> Comparison:
    """Score both models on the same sets; the rows in METRICS order."""
    notes: list[str] = []
    folds_comparable = fold_spec(new) == fold_spec(current) and None not in fold_spec(new).values()
    if not folds_comparable:
        notes.append(
            f"cross-validation not comparable: {fold_spec(new)} vs {fold_spec(current)} (data, folds, limit)"
        )
    seen = trained_on_corrections(new) | trained_on_corrections(current)
    latest = latest_per_item(corrections)
    held_out = [c for c in latest if str(c.evidence_id) not in seen]
    if len(latest) > len(held_out):
        notes.append(f"{len(latest) - len(held_out)} of {len(latest)} corrected items were used in training")
    if len(held_out) < MIN_CORRECTIONS:
        notes.append(f"{len(held_out)} held-out corrections (< {MIN_CORRECTIONS}): shown, not deciding")
    scores = []
    for model in (new, current):
        analyser = EvidenceAnalyser.load(model.path)
        scores.append(
            {**stored_scores(model), **written_scores(analyser), **corrections_scores(analyser, held_out)}
        )
    rows = []
    for metric in METRICS:
        decides = (
            folds_comparable
            if metric.group in ("cross-validation", "long items")
            else len(held_out) >= MIN_CORRECTIONS
            if metric.group == "corrections"
            else True
        )
        rows.append(Row(metric, scores[0].get(metric.key), scores[1].get(metric.key), decides))
    return Comparison(new, current, rows, folds_comparable, len(held_out), notes)
