"""`caresignal_decisions`: turn classifier scores and rule matches into final decisions.

* quality statements: a model label is predicted when its score reaches that label's cross-validated
  threshold (method "model"); statements found only by rules are added with the rule score (method "rules").
* sentiment: argmax of the class probabilities multiplied by cross-validated class weights (which correct
  the prior of the rare neutral class); the reported score is the label's probability.

Writes `doc._.statements` (list of (id, score, method)) and `doc._.sentiment` ((label, score)).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc

DECISIONS_FILE = "decisions.json"
SENTIMENT_LABELS = ("positive", "neutral", "negative")

for _name in ("statements", "sentiment"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class Decisions:
    def __init__(self, nlp: Language, name: str, default_threshold: float) -> None:
        self.name = name
        self.default_threshold = default_threshold
        self.thresholds: dict[str, float] = {}
        self.sentiment_weights: dict[str, float] = {label: 1.0 for label in SENTIMENT_LABELS}
        self.statement_labels: list[str] = []

    def configure(
        self,
        statement_labels: Iterable[str],
        thresholds: dict[str, float],
        sentiment_weights: dict[str, float],
    ) -> None:
        self.statement_labels = list(statement_labels)
        self.thresholds = {
            label: float(thresholds.get(label, self.default_threshold)) for label in self.statement_labels
        }
        self.sentiment_weights = {
            label: float(sentiment_weights.get(label, 1.0)) for label in SENTIMENT_LABELS
        }

    def __call__(self, doc: Doc) -> Doc:
        cats = doc.cats
        decided: dict[str, tuple[float, str]] = {}
        for label in self.statement_labels:
            score = float(cats.get(label, 0.0))
            if score >= self.thresholds.get(label, self.default_threshold):
                decided[label] = (score, "model")
        for label, score in (doc._.rule_statements or {}).items():
            if label not in decided:
                decided[label] = (float(score), "rules")
        doc._.statements = [(label, round(score, 4), method) for label, (score, method) in decided.items()]
        probabilities = {label: float(cats.get(label, 0.0)) for label in SENTIMENT_LABELS}
        if any(probabilities.values()):
            best = max(SENTIMENT_LABELS, key=lambda lab: probabilities[lab] * self.sentiment_weights[lab])
            doc._.sentiment = (best, round(min(max(probabilities[best], 0.0), 1.0), 4))
        else:
            doc._.sentiment = ("neutral", 0.0)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(
            path / DECISIONS_FILE,
            {
                "statement_labels": self.statement_labels,
                "thresholds": self.thresholds,
                "sentiment_weights": self.sentiment_weights,
            },
        )

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Decisions:
        data = srsly.read_json(Path(path) / DECISIONS_FILE)
        self.configure(data["statement_labels"], data["thresholds"], data["sentiment_weights"])
        return self


@Language.factory(
    "caresignal_decisions",
    assigns=["doc._.statements", "doc._.sentiment"],
    default_config={"default_threshold": 0.5},
)
def make_decisions(nlp: Language, name: str, default_threshold: float) -> Decisions:
    return Decisions(nlp, name, default_threshold)
