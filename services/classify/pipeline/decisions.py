"""`caresignal_decisions`: turn classifier scores and rule matches into final decisions.

* quality statements: a model label is predicted when its score reaches that label's cross-validated
  threshold (method "model"); statements found only by rules are added with the rule score (method "rules").
  A segmented long item uses its best segment's score against the label's segment threshold instead.
* sentiment: argmax of the class probabilities multiplied by cross-validated class weights (which correct
  the prior of the rare neutral class); the reported score is the label's probability, the polarity
  P(positive) - P(negative). A segmented long item is decided from its segments' sentiment shares and can
  be `mixed` (`long_decisions.py`). An item with an incident of harm (high severity, below) is `negative`
  unless it is `mixed`, whatever words tell it: the sentiment model, trained on survey comments, reads
  "a carer slapped my gran" as positive more often than not (`incident_sentiment`);
* severity: when the rules (`severity`) found no incident, the `harm` classifier flags one if its
  `incident` score (a long item's best segment) reaches the cross-validated harm threshold; the reason is
  its best-scoring reason label, the evidence span that segment (the whole text for a short item). It
  does not overrule the rules' reading of context: where a trigger in that span was cancelled (negated,
  hypothetical, feared, news, policy, idiom, harm outside care) or the span thanks or praises, the item is
  not flagged (`SeverityDetector.overrules_classifier`). Its bag of n-grams sees "shouted at Mum" in
  "Nobody has ever shouted at Mum here" and nothing of the negation.

Writes `doc._.statements` (list of (id, score, method)), `doc._.sentiment` ((label, score, polarity)),
completes `doc._.severity_reasons` / `severity_evidence` / `severity_matches` and, for segmented items,
writes `doc._.segment_evidence` (one `SegmentEvidence` per segment).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import srsly
from spacy.language import Language
from spacy.tokens import Doc

from services.classify.pipeline.extensions import declare_doc_extensions
from services.classify.pipeline.long_decisions import (
    SENTIMENT_LABELS,
    LongSentimentRule,
    decide_long_sentiment,
    sentiment_shares,
    weighted_label,
)
from services.classify.pipeline.redacted_doc import redacted_doc
from services.classify.pipeline.severity_patterns import INCIDENT
from services.classify.pipeline.statement_rules import SPANS_KEY

DECISIONS_FILE = "decisions.json"

declare_doc_extensions("statements", "sentiment", "segment_evidence")


@dataclass(frozen=True)
class SegmentEvidence:
    """What one segment of a long item contributed (offsets in the redacted text)."""

    start: int
    end: int
    statements: tuple[str, ...]
    severity_reasons: tuple[str, ...]
    sentiment: tuple[str, float, float]  # label, score, polarity


def incident_sentiment(
    sentiment: tuple[str, float, float | None], positive: float
) -> tuple[str, float, float | None]:
    """The sentiment of an item with an incident of harm: `negative` unless `mixed`. `positive`: the text
    model's P(positive) (a long item's positive share); the score is 1 - that, the polarity turns negative."""
    label, _, polarity = sentiment
    if label in ("negative", "mixed"):
        return sentiment
    score = round(min(max(1.0 - positive, 0.0), 1.0), 4)
    return "negative", score, None if polarity is None else -abs(polarity)


def positive_probability(sentiment: tuple[str, float, float | None]) -> float:
    """P(positive) of a 3-class decision (label, P(label), P(positive) - P(negative))."""
    label, score, polarity = sentiment
    if label == "positive":
        return score
    if label == "neutral" and polarity is not None:  # P(positive) + P(negative) = 1 - P(neutral)
        return min(max((1.0 - score + polarity) / 2, 0.0), 1.0)
    return 0.0


class Decisions:
    def __init__(self, nlp: Language, name: str, default_threshold: float) -> None:
        self.name = name
        self.nlp = nlp
        self.default_threshold = default_threshold
        self.thresholds: dict[str, float] = {}
        self.segment_thresholds: dict[str, float] = {}
        self.sentiment_weights: dict[str, float] = {label: 1.0 for label in SENTIMENT_LABELS}
        self.long_sentiment = LongSentimentRule()
        self.statement_labels: list[str] = []
        self.harm_threshold: float | None = None  # None: severity from the rules only

    def configure(
        self,
        statement_labels: Iterable[str],
        thresholds: dict[str, float],
        sentiment_weights: dict[str, float],
        segment_thresholds: dict[str, float] | None = None,
        long_sentiment: dict[str, Any] | None = None,
        harm: dict[str, Any] | None = None,
    ) -> None:
        self.statement_labels = list(statement_labels)
        self.harm_threshold = float(harm["threshold"]) if harm and "threshold" in harm else None
        self.thresholds = {
            label: float(thresholds.get(label, self.default_threshold)) for label in self.statement_labels
        }
        self.segment_thresholds = {
            label: float((segment_thresholds or {}).get(label, self.thresholds[label]))
            for label in self.statement_labels
        }
        self.sentiment_weights = {
            label: float(sentiment_weights.get(label, 1.0)) for label in SENTIMENT_LABELS
        }
        rule = long_sentiment or {}
        self.long_sentiment = LongSentimentRule(
            float(rule.get("mixed_threshold", LongSentimentRule.mixed_threshold)),
            tuple(float(w) for w in rule.get("weights", LongSentimentRule.weights)),
        )

    # -- short items ----------------------------------------------------------------------------------
    def short_statements(self, doc: Doc) -> dict[str, tuple[float, str]]:
        decided: dict[str, tuple[float, str]] = {}
        for label in self.statement_labels:
            score = float(doc.cats.get(label, 0.0))
            if score >= self.thresholds.get(label, self.default_threshold):
                decided[label] = (score, "model")
        return decided

    @property
    def weights(self) -> tuple[float, ...]:
        return tuple(self.sentiment_weights[label] for label in SENTIMENT_LABELS)

    def short_sentiment(self, doc: Doc) -> tuple[str, float, float | None]:
        probabilities = np.asarray([float(doc.cats.get(label, 0.0)) for label in SENTIMENT_LABELS])
        if not probabilities.any():
            return "neutral", 0.0, None
        return weighted_label(probabilities, self.weights)

    # -- segmented long items -------------------------------------------------------------------------
    def label_order(self, component: str) -> list[str]:
        return list(self.nlp.get_pipe(component).labels) if component in self.nlp.component_names else []

    def segment_statements(self, segments: list) -> list[dict[str, float]]:
        """Per segment, the statements whose segment threshold it reaches, with their scores."""
        labels = self.label_order("statements")
        found = []
        for segment in segments:
            found.append(
                {
                    label: float(score)
                    for label, score in zip(labels, segment.statements, strict=True)
                    if label in self.segment_thresholds and score >= self.segment_thresholds[label]
                }
            )
        return found

    def segment_sentiments(self, segments: list) -> tuple[list[tuple[str, float, float]], np.ndarray] | None:
        labels = self.label_order("sentiment")
        if not labels or not segments:
            return None
        order = [labels.index(label) for label in SENTIMENT_LABELS]
        probabilities = np.asarray([segment.sentiment for segment in segments], dtype=float)[:, order]
        per_segment = [weighted_label(row, self.weights) for row in probabilities]
        shares = sentiment_shares(probabilities, [segment.end - segment.start for segment in segments])
        return per_segment, shares

    # -- severity -------------------------------------------------------------------------------------
    def harm_incident(self, doc: Doc, segments: list) -> tuple[str, float, int, int] | None:
        """(reason, score, start, end in the redacted text) when the harm classifier flags the item."""
        labels = self.label_order("harm")
        if self.harm_threshold is None or INCIDENT not in labels:
            return None
        flag = labels.index(INCIDENT)
        if segments:
            best = max(segments, key=lambda segment: float(segment.harm[flag]))
            row, start, end = np.asarray(best.harm, dtype=float), best.start, best.end
        else:
            row = np.asarray([float(doc.cats.get(label, 0.0)) for label in labels])
            start, end = 0, len(redacted_doc(doc).text)
        if row[flag] < self.harm_threshold:
            return None
        if "severity" in self.nlp.component_names and self.nlp.get_pipe("severity").overrules_classifier(
            doc, start, end
        ):
            return None
        reason = max(
            (label for label in labels if label != INCIDENT), key=lambda label: row[labels.index(label)]
        )
        return reason, round(float(row[flag]), 4), start, end

    def decide_severity(self, doc: Doc, segments: list) -> None:
        """Rules first; the harm classifier adds an incident the rules did not find."""
        if doc._.severity_reasons:
            return
        found = self.harm_incident(doc, segments)
        if found is None:
            return
        reason, _, start, end = found
        doc._.severity_reasons = [reason]
        doc._.severity_evidence = [(reason, start, end)]
        doc._.severity_matches = [redacted_doc(doc).text[start:end]] if segments else []

    def __call__(self, doc: Doc) -> Doc:
        segments = doc._.segments or []
        self.decide_severity(doc, segments)
        view = redacted_doc(doc)
        rule_statements = doc._.rule_statements or {}
        if segments:
            per_segment = self.segment_statements(segments)
            decided: dict[str, tuple[float, str]] = {}
            for found in per_segment:
                for label, score in found.items():
                    if score > decided.get(label, (-1.0, ""))[0]:
                        decided[label] = (score, "model")
            sentiments = self.segment_sentiments(segments)
            if sentiments is None:
                per_sentiment, sentiment = (
                    [self.short_sentiment(doc)] * len(segments),
                    self.short_sentiment(doc),
                )
                positive = float(doc.cats.get("positive", 0.0))
            else:
                per_sentiment, shares = sentiments
                sentiment = decide_long_sentiment(shares, self.long_sentiment)
                positive = float(shares[0])
            doc._.segment_evidence = self.evidence(doc, view, segments, per_segment, per_sentiment)
        else:
            decided = self.short_statements(doc)
            sentiment = self.short_sentiment(doc)
            positive = float(doc.cats.get("positive", 0.0))
            doc._.segment_evidence = []
        if doc._.severity_reasons:
            sentiment = incident_sentiment(sentiment, positive)
        for label, score in rule_statements.items():
            if label not in decided:
                decided[label] = (float(score), "rules")
        doc._.statements = [(label, round(score, 4), method) for label, (score, method) in decided.items()]
        doc._.sentiment = sentiment
        return doc

    @staticmethod
    def evidence(
        doc: Doc, view: Doc, segments: list, statements: list, sentiments: list
    ) -> list[SegmentEvidence]:
        rule_spans = [(span.start_char, span.label_) for span in view.spans.get(SPANS_KEY, [])]
        reasons = list(doc._.severity_evidence or [])
        evidence = []
        for segment, found, sentiment in zip(segments, statements, sentiments, strict=True):
            inside = range(segment.start, segment.end)
            rules = [label for start, label in rule_spans if start in inside and label not in found]
            severity_reasons = tuple(dict.fromkeys(r for r, start, _ in reasons if start in inside))
            if severity_reasons:
                sentiment = incident_sentiment(sentiment, positive_probability(sentiment))
            evidence.append(
                SegmentEvidence(
                    start=segment.start,
                    end=segment.end,
                    statements=tuple(dict.fromkeys([*found, *rules])),
                    severity_reasons=severity_reasons,
                    sentiment=sentiment,
                )
            )
        return evidence

    # -- serialisation --------------------------------------------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(
            path / DECISIONS_FILE,
            {
                "statement_labels": self.statement_labels,
                "thresholds": self.thresholds,
                "segment_thresholds": self.segment_thresholds,
                "sentiment_weights": self.sentiment_weights,
                "long_sentiment": {
                    "mixed_threshold": self.long_sentiment.mixed_threshold,
                    "weights": list(self.long_sentiment.weights),
                },
                "harm": None if self.harm_threshold is None else {"threshold": self.harm_threshold},
            },
        )

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Decisions:
        data = srsly.read_json(Path(path) / DECISIONS_FILE)
        self.configure(
            data["statement_labels"],
            data["thresholds"],
            data["sentiment_weights"],
            data.get("segment_thresholds"),
            data.get("long_sentiment"),
            data.get("harm"),
        )
        return self


@Language.factory(
    "caresignal_decisions",
    assigns=["doc._.statements", "doc._.sentiment", "doc._.segment_evidence", "doc._.severity_reasons"],
    default_config={"default_threshold": 0.5},
)
def make_decisions(nlp: Language, name: str, default_threshold: float) -> Decisions:
    return Decisions(nlp, name, default_threshold)
