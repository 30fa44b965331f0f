# ruff: noqa: E501 - the model card text is kept as written
"""Cross-validated evaluation report and the model card (MODEL_CARD.md beside the model).

Every number comes from held-out folds: scores from models that never saw the fold, and thresholds /
class weights for fold k tuned on the other folds' out-of-fold scores only (nested), so the report does not
flatter the tuned decisions. The baseline (TF-IDF word 1-2-grams, LinearSVC) is fitted on the same training
records as each fold's model (v6 training folds, phase-1 positives for statements), scored on the same held-out
folds and given the same nested threshold and class-weight tuning; its default decisions are reported too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from services.classify.training.data import SENTIMENT_LABELS, STATEMENT_IDS, load_corpus
from services.classify.training.registered import build_records
from services.classify.training.thresholds import (
    MultiLabelReport,
    macro_f1_multiclass,
    multilabel_report,
    tune_class_weights,
    tune_thresholds,
)


@dataclass(frozen=True)
class CvResult:
    model: MultiLabelReport
    baseline: MultiLabelReport
    baseline_untuned: MultiLabelReport
    model_untuned: MultiLabelReport
    model_with_rules: MultiLabelReport
    sentiment_macro_f1: float
    sentiment_per_class: list[float]
    sentiment_untuned_macro_f1: float
    baseline_sentiment_macro_f1: float
    baseline_sentiment_untuned_macro_f1: float
    n_items: int
    n_sentiment_items: int
    n_folds: int


def _fold_arrays(oof: dict[str, Any], data_dir: Path):
    v6, _ = load_corpus(Path(data_dir))
    by_uid = {r.uid: r for r in v6}
    statements = []
    for entry in oof["statements"]["folds"]:
        scores = np.asarray(entry["scores"], dtype=float).reshape(-1, len(STATEMENT_IDS))
        gold = np.asarray(
            [[label in by_uid[u].statements for label in STATEMENT_IDS] for u in entry["uids"]], dtype=bool
        ).reshape(-1, len(STATEMENT_IDS))
        statements.append((entry["fold"], entry["uids"], scores, gold))
    sentiment = []
    for entry in oof["sentiment"]["folds"]:
        scores = np.asarray(entry["scores"], dtype=float).reshape(-1, len(SENTIMENT_LABELS))
        gold = np.asarray([SENTIMENT_LABELS.index(by_uid[u].sentiment) for u in entry["uids"]], dtype=int)
        sentiment.append((entry["fold"], entry["uids"], scores, gold))
    return v6, by_uid, statements, sentiment


# What each component's training reader adds to the v6 training folds (the configs' `phase1`).
PHASE1_FOR = {"statements": "positives", "sentiment": "none"}


def _baseline_scores(data_dir: Path, folds, n_folds: int, task: str, limit: int) -> list[np.ndarray]:
    """Per held-out fold, the baseline's scores: TF-IDF word 1-2-grams and LinearSVC (one per statement, or
    one multi-class for sentiment), fitted on exactly the records the model's fold model was trained on
    (v6 training folds, plus phase-1 positives for statements; capped at `limit` like the model's reader).
    Scores are sigmoid(2 x margin) for statements and a softmax of 2 x margins for sentiment, so that the
    model's threshold and class-weight tuning applies to them unchanged."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    by_uid = {r.uid: r for r in load_corpus(Path(data_dir))[0]}
    scores = []
    for fold, uids, _, _ in folds:
        train = build_records(data_dir, task, "train", n_folds, fold, PHASE1_FOR[task])[: limit or None]
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        try:
            x_train = vectorizer.fit_transform([r.text for r in train])
        except ValueError:  # tiny corpora: empty vocabulary at min_df=2
            vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
            x_train = vectorizer.fit_transform([r.text for r in train])
        x_test = vectorizer.transform([by_uid[u].text for u in uids])
        if task == "statements":
            fold_scores = np.zeros((len(uids), len(STATEMENT_IDS)))
            for j, label in enumerate(STATEMENT_IDS):
                known = [i for i, r in enumerate(train) if r.complete or label in r.statements]
                y = np.asarray([label in train[i].statements for i in known], dtype=int)
                if 0 < y.sum() < len(y):  # partially labelled records count only where the label is known
                    margin = LinearSVC(random_state=0).fit(x_train[known], y).decision_function(x_test)
                    fold_scores[:, j] = 1 / (1 + np.exp(-2 * margin))
                elif len(y):
                    fold_scores[:, j] = float(y[0])
        else:
            y = np.asarray([SENTIMENT_LABELS.index(r.sentiment) for r in train])
            fold_scores = np.full((len(uids), len(SENTIMENT_LABELS)), 1 / len(SENTIMENT_LABELS))
            if len(set(y)) == len(SENTIMENT_LABELS):
                margins = 2 * LinearSVC(random_state=0).fit(x_train, y).decision_function(x_test)
                exp = np.exp(margins - margins.max(1, keepdims=True))
                fold_scores = exp / exp.sum(1, keepdims=True)
        scores.append(fold_scores)
    return scores


def _add_rule_statements(predictions: np.ndarray, texts: list[str]) -> np.ndarray:
    """Decisions as deployed: model decisions plus statements found by the rule patterns."""
    import spacy

    import services.classify.pipeline  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("caresignal_statement_rules")
    combined = predictions.copy()
    for row, doc in enumerate(nlp.pipe(texts, batch_size=256)):
        for statement in doc._.rule_statements:
            combined[row, STATEMENT_IDS.index(statement)] = True
    return combined


def nested_decisions(statements, sentiment) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Per fold, statement thresholds and sentiment class weights tuned on the other folds only."""
    thresholds, weights = {}, {}
    for i, (fold, _, _, _) in enumerate(statements):
        others = [s for j, s in enumerate(statements) if j != i]
        thresholds[fold] = (
            tune_thresholds(np.vstack([o[2] for o in others]), np.vstack([o[3] for o in others]))
            if others
            else np.full(len(STATEMENT_IDS), 0.5)
        )
    for i, (fold, _, _, _) in enumerate(sentiment):
        others = [s for j, s in enumerate(sentiment) if j != i]
        weights[fold] = (
            tune_class_weights(np.vstack([o[2] for o in others]), np.concatenate([o[3] for o in others]))
            if others
            else np.ones(len(SENTIMENT_LABELS))
        )
    return thresholds, weights


def cross_validated_result(oof: dict[str, Any], data_dir: Path, limit: int = 0) -> CvResult:
    """Model and baseline on the same held-out folds, each fitted on the same training records and given
    the same nested threshold / class-weight tuning (`limit`: the cap the model's training reader had)."""
    _, by_uid, statements, sentiment = _fold_arrays(oof, data_dir)
    n_folds = int(oof["n_folds"])
    thresholds_by_fold, weights_by_fold = nested_decisions(statements, sentiment)
    preds = [scores >= thresholds_by_fold[fold] for fold, _, scores, _ in statements]
    untuned = [scores >= 0.5 for _, _, scores, _ in statements]
    gold = np.vstack([s[3] for s in statements])
    model = multilabel_report(gold, np.vstack(preds), STATEMENT_IDS)
    with_rules = _add_rule_statements(np.vstack(preds), [by_uid[u].text for s in statements for u in s[1]])
    model_with_rules = multilabel_report(gold, with_rules, STATEMENT_IDS)
    model_untuned = multilabel_report(gold, np.vstack(untuned), STATEMENT_IDS)
    base_statements = [
        (fold, uids, scores, fold_gold)
        for (fold, uids, _, fold_gold), scores in zip(
            statements, _baseline_scores(data_dir, statements, n_folds, "statements", limit), strict=True
        )
    ]
    base_sentiment = [
        (fold, uids, scores, fold_gold)
        for (fold, uids, _, fold_gold), scores in zip(
            sentiment, _baseline_scores(data_dir, sentiment, n_folds, "sentiment", limit), strict=True
        )
    ]
    base_thresholds, base_weights = nested_decisions(base_statements, base_sentiment)
    baseline = multilabel_report(
        gold,
        np.vstack([scores >= base_thresholds[fold] for fold, _, scores, _ in base_statements]),
        STATEMENT_IDS,
    )
    baseline_untuned = multilabel_report(
        gold, np.vstack([scores >= 0.5 for _, _, scores, _ in base_statements]), STATEMENT_IDS
    )
    s_gold = np.concatenate([s[3] for s in sentiment]) if sentiment else np.zeros(0, dtype=int)

    def sentiment_f1(folds, weights=None) -> tuple[float, list[float]]:
        predicted = [(scores * (weights[fold] if weights else 1)).argmax(1) for fold, _, scores, _ in folds]
        return macro_f1_multiclass(s_gold, np.concatenate(predicted) if predicted else [], 3)

    s_macro, s_per = sentiment_f1(sentiment, weights_by_fold)
    return CvResult(
        model=model,
        baseline=baseline,
        baseline_untuned=baseline_untuned,
        model_untuned=model_untuned,
        model_with_rules=model_with_rules,
        sentiment_macro_f1=s_macro,
        sentiment_per_class=s_per,
        sentiment_untuned_macro_f1=sentiment_f1(sentiment)[0],
        baseline_sentiment_macro_f1=sentiment_f1(base_sentiment, base_weights)[0],
        baseline_sentiment_untuned_macro_f1=sentiment_f1(base_sentiment)[0],
        n_items=int(len(gold)),
        n_sentiment_items=int(len(s_gold)),
        n_folds=n_folds,
    )


def render_model_card(result: CvResult, meta: dict[str, Any], decisions: dict[str, Any]) -> str:
    m, b, u, r = result.model, result.baseline, result.model_untuned, result.model_with_rules
    bu = result.baseline_untuned
    caresignal = meta.get("caresignal", {})
    lines = [
        f"# Model card: {meta.get('name', 'caresignal_evidence')} {meta.get('version', '')}",
        "",
        'spaCy pipeline built from `spacy.blank("en")` (no pretrained weights), configured by',
        "`services/classify/training/configs/*.cfg`:",
        "",
        "* `statements`: `caresignal_linear_textcat`, multi-label; TF-IDF over word 1-2-grams and character",
        "  2-5-grams, one linear SVM per statement, score = sigmoid(2 x margin);",
        "* `sentiment`: `caresignal_linear_textcat`, exclusive; same features, multinomial logistic regression;",
        "* `harm`: `caresignal_linear_textcat`, multi-label (`incident` + the severity reasons), class-balanced",
        "  linear SVMs trained on the hand-written development items and the survey comments as negatives;",
        "  flags incidents the severity rules miss (see the hand-written items below);",
        "* `statement_rules`: phrase/token patterns for statements that patient feedback rarely labels",
        "  (method `rules`); `severity`: reason-coded triggers with negation; `redactor`: PII placeholders and",
        "  lemma string; `decisions`: cross-validated per-statement thresholds and sentiment class weights.",
        "",
        "During development spaCy's own `textcat_multilabel` (TextCatEnsemble CNN + bag-of-bigrams, also with a",
        "cross-entropy loss, see `training/configs/alternatives/`) reached only macro-F1 0.38 / micro-F1 0.66 on",
        "5-fold CV with tuned thresholds (TextCatBOW alone 0.27 / 0.59), against 0.52 / 0.73 for this model,",
        "and took ~25x longer to train; adding phase-1 data to it did not help either.",
        "",
        "## Data",
        "",
        "* pxtextmining v6 (NEAS ambulance + NHFT community/mental health), multi-label, mapped to quality",
        "  statements with `label_map_v6.csv`; sentiment 1-2 positive, 3 neutral, 4-5 negative.",
        "* pxtextmining phase 1 (trusts A-C), one subcategory per comment mapped with `label_map_phase1.csv`:",
        "  used as extra *positive* evidence for its statement only (other statements treated as missing, not",
        "  negative); not used for sentiment (its criticality scale disagrees with v6's).",
        f"* data sha256 `{caresignal.get('data_sha256', '?')}`, seed {caresignal.get('seed', '?')}.",
        "",
        f"## Cross-validation ({result.n_folds}-fold on v6, grouped by respondent)",
        "",
        f"{result.n_items} v6 comments ({result.n_sentiment_items} with a sentiment label). Thresholds for each",
        "fold are tuned on the other folds only. Macro-F1 = mean per-statement F1 over statements with support",
        "in the evaluation data; micro-F1 over all statement decisions. The first row is the trained model alone;",
        '"as deployed" adds the statements found by rule patterns (they target statements without v6 labels).',
        "",
        "| | macro-F1 | micro-F1 | micro-P | micro-R | sentiment macro-F1 |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| this model (tuned thresholds / class weights) | {m.macro_f1:.3f} | {m.micro_f1:.3f} | "
        f"{m.micro_precision:.3f} | {m.micro_recall:.3f} | {result.sentiment_macro_f1:.3f} |",
        f"| as deployed (model + rules) | {r.macro_f1:.3f} | {r.micro_f1:.3f} | {r.micro_precision:.3f} | "
        f"{r.micro_recall:.3f} | {result.sentiment_macro_f1:.3f} |",
        f"| this model at 0.5 / argmax | {u.macro_f1:.3f} | {u.micro_f1:.3f} | {u.micro_precision:.3f} | "
        f"{u.micro_recall:.3f} | {result.sentiment_untuned_macro_f1:.3f} |",
        f"| baseline TF-IDF + LinearSVC, same data, tuned the same way | {b.macro_f1:.3f} | {b.micro_f1:.3f} | "
        f"{b.micro_precision:.3f} | {b.micro_recall:.3f} | {result.baseline_sentiment_macro_f1:.3f} |",
        f"| baseline at its default decisions (margin 0 / argmax) | {bu.macro_f1:.3f} | {bu.micro_f1:.3f} | "
        f"{bu.micro_precision:.3f} | {bu.micro_recall:.3f} | {result.baseline_sentiment_untuned_macro_f1:.3f} |",
        "",
        "Sentiment per class F1 (positive / neutral / negative): "
        + " / ".join(f"{v:.3f}" for v in result.sentiment_per_class),
        "",
        "## Per statement (cross-validated)",
        "",
        "| statement | support | precision | recall | F1 | baseline F1 | threshold |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    thresholds = decisions.get("thresholds", {})
    for row, base in zip(m.per_label, b.per_label, strict=True):
        if row.support == 0 and row.predicted == 0:
            continue
        lines.append(
            f"| {row.label} | {row.support} | {row.precision:.3f} | {row.recall:.3f} | {row.f1:.3f} | "
            f"{base.f1:.3f} | {thresholds.get(row.label, '-')} |"
        )
    lines += [
        "",
        "Statements without v6 support are covered by rules (see `services/classify/pipeline/statement_patterns.py`)",
        "and tested on hand-written examples only.",
        "",
        "## Weaknesses",
        "",
        "* Labels are noisy and topic boundaries between statements are fuzzy (e.g. staff attitude vs listening);",
        "  rare statements (< 40 examples) have low F1.",
        "* Trained on NHS patient feedback; inspection text, staff and partner feedback are out of domain.",
        "* Person-name redaction is rule-based (titles, relations, 'called X', a first-name list); unusual names",
        "  without context are missed.",
        "",
        f"Sentiment class weights: {decisions.get('sentiment_weights', {})}",
        "",
        "```json",
        json.dumps(
            {
                "cv": {
                    "macro_f1": round(m.macro_f1, 4),
                    "micro_f1": round(m.micro_f1, 4),
                    "with_rules_macro_f1": round(r.macro_f1, 4),
                    "with_rules_micro_f1": round(r.micro_f1, 4),
                    "baseline_macro_f1": round(b.macro_f1, 4),
                    "baseline_micro_f1": round(b.micro_f1, 4),
                    "sentiment_macro_f1": round(result.sentiment_macro_f1, 4),
                    "baseline_sentiment_macro_f1": round(result.baseline_sentiment_macro_f1, 4),
                    "baseline_default_decisions_macro_f1": round(bu.macro_f1, 4),
                    "baseline_default_decisions_sentiment_macro_f1": round(
                        result.baseline_sentiment_untuned_macro_f1, 4
                    ),
                }
            },
            indent=2,
        ),
        "```",
        "",
    ]
    return "\n".join(lines)


def corrections_section(summary: dict[str, Any], without: CvResult, with_: CvResult) -> list[str]:
    """The model card's account of the analysts' corrections it was trained with, and their effect."""

    def row(name: str, result: CvResult) -> str:
        r = result.model_with_rules
        return f"| {name} | {r.macro_f1:.3f} | {r.micro_f1:.3f} | {result.sentiment_macro_f1:.3f} |"

    return [
        "## Analysts' corrections",
        "",
        f"{summary['used']} corrected items used (latest correction of each of {summary['events']} "
        f"corrections), weight {summary['weight']:g}: {summary['statements']} with quality statements, "
        f"{summary['sentiment']} with sentiment, {summary['severity']} with severity (severity is a rule",
        "model: its corrections are scored by `caresignal model evaluate`, not learnt). Corrections join the",
        "training folds by item, so no fold model saw the fold it is scored on.",
        "",
        "Effect on the cross-validation folds (the same folds, fitted with and without the corrections):",
        "",
        "| | macro-F1 | micro-F1 | sentiment macro-F1 |",
        "| --- | --- | --- | --- |",
        row("without corrections", without),
        row("with corrections", with_),
        "",
    ]


def write_model_card(
    model_dir: Path,
    oof: dict[str, Any],
    data_dir: Path,
    train_seconds: float | None = None,
    result: CvResult | None = None,
    corrections_effect: tuple[dict[str, Any], CvResult] | None = None,
) -> tuple[Path, CvResult]:
    """`corrections_effect`: the corrections summary and the same folds' result without them."""
    from services.classify.evaluation.card import evaluation_sections
    from services.classify.evaluation.sets import evaluate_sets

    model_dir = Path(model_dir)
    result = result or cross_validated_result(oof, data_dir)
    meta = json.loads((model_dir / "meta.json").read_text()) if (model_dir / "meta.json").is_file() else {}
    decisions_file = model_dir / "training" / "decisions.json"
    decisions = json.loads(decisions_file.read_text()) if decisions_file.is_file() else {}
    card = render_model_card(result, meta, decisions)
    _, _, statements, sentiment = _fold_arrays(oof, data_dir)
    sets = evaluate_sets(
        model_dir,
        oof,
        data_dir,
        nested_decisions(statements, sentiment),
        result.model_with_rules.micro_precision,
    )
    r = result.model_with_rules
    short = {
        "macro_f1": r.macro_f1,
        "micro_f1": r.micro_f1,
        "micro_precision": r.micro_precision,
        "micro_recall": r.micro_recall,
        "sentiment_macro_f1": result.sentiment_macro_f1,
    }
    card += "\n".join(evaluation_sections(short, sets.long, sets.written, sets.corpus, decisions.get("harm")))
    if corrections_effect is not None:
        card += "\n".join(corrections_section(corrections_effect[0], corrections_effect[1], result))
    if train_seconds is not None:
        card += f"\nTraining time: {train_seconds:.0f} s on this machine.\n"
    path = model_dir / "MODEL_CARD.md"
    path.write_text(card, encoding="utf-8")
    (model_dir / "training" / "cv_metrics.json").write_text(
        json.dumps(
            {
                "model": asdict(result.model),
                "baseline": asdict(result.baseline),
                "model_with_rules": asdict(result.model_with_rules),
                "sentiment_macro_f1": result.sentiment_macro_f1,
                "baseline_sentiment_macro_f1": result.baseline_sentiment_macro_f1,
                "baseline_default_decisions": asdict(result.baseline_untuned),
                "baseline_default_decisions_sentiment_macro_f1": result.baseline_sentiment_untuned_macro_f1,
                "long_items": asdict(sets.long) if sets.long else None,
                "written": [asdict(report) for report in sets.written],
                "severity_on_corpus": asdict(sets.corpus),
            },
            indent=1,
        )
    )
    return path, result
