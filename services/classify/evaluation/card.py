"""The evaluation sections of the model card: short comments, synthetic long items and the hand-written
set, each before (`before.json`: the model and code before segments and the harm model) and after."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from services.classify.evaluation.long_report import LongReport
from services.classify.evaluation.written import WrittenReport

BEFORE_FILE = Path(__file__).with_name("before.json")


@dataclass(frozen=True)
class SeverityOnCorpus:
    items: int
    flagged_high: int


def load_before() -> dict:
    return json.loads(BEFORE_FILE.read_text())


def evaluation_sections(
    short: dict[str, float],
    long: LongReport | None,
    written: list[WrittenReport],
    corpus: SeverityOnCorpus,
    harm: dict | None = None,
) -> list[str]:
    """`harm`: the harm classifier's decision (threshold and out-of-fold metrics), when trained."""
    before = load_before()
    b_short = before["short_comments"]
    lines = [
        "## Evaluation sets: before and after",
        "",
        f"Before: {before['model']}; {before['how']}. After: this model.",
        "",
        "### 1. Short comments (the cross-validation above, as deployed: model + rules)",
        "",
        "| | macro-F1 | micro-F1 | micro-P | micro-R | sentiment macro-F1 |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| before | {b_short['macro_f1_with_rules']:.3f} | {b_short['micro_f1_with_rules']:.3f} | "
        f"{b_short['micro_precision_with_rules']:.3f} | {b_short['micro_recall_with_rules']:.3f} | "
        f"{b_short['sentiment_macro_f1']:.3f} |",
        f"| after | {short['macro_f1']:.3f} | {short['micro_f1']:.3f} | {short['micro_precision']:.3f} | "
        f"{short['micro_recall']:.3f} | {short['sentiment_macro_f1']:.3f} |",
        "",
    ]
    if long is not None:
        lines += [
            "### 2. Synthetic long items (`evaluation/long_items.py`)",
            "",
            f"{long.n_items} items of 1,000-3,000 characters, each made of labelled v6 comments of one fold",
            "and scored by that fold's models; truth = the union of the comments' statements, and the",
            "recipe's sentiment (positive, negative, mixed or neutral comments). Before: the whole text",
            "scored at the short-comment thresholds, 3-class sentiment. After: segments; a statement when",
            "its best segment reaches the statement's segment threshold, tuned for the highest recall at",
            f"a precision of at least {long.precision_target:.3f} (the short-comment precision) plus a",
            "margin; sentiment from segment shares, with `mixed`. Decisions for each fold are tuned on the",
            "other folds. Sentiment macro-F1 over the four classes.",
            "",
            "| | gold-statement recall | micro-P | micro-F1 | macro-F1 | sentiment macro-F1 |",
            "| --- | --- | --- | --- | --- | --- |",
            f"| before | {long.before.micro_recall:.3f} | {long.before.micro_precision:.3f} | "
            f"{long.before.micro_f1:.3f} | {long.before.macro_f1:.3f} | {long.sentiment_before:.3f} |",
            f"| after | {long.after.micro_recall:.3f} | {long.after.micro_precision:.3f} | "
            f"{long.after.micro_f1:.3f} | {long.after.macro_f1:.3f} | {long.sentiment_after:.3f} |",
            "",
            "Long-item sentiment F1 after (positive / neutral / negative / mixed): "
            + " / ".join(f"{v:.3f}" for v in long.sentiment_after_per_class),
            "",
        ]
    lines += [
        "### 3. Hand-written items (`evaluation/written_items.jsonl`)",
        "",
        "Incidents told in everyday words across every severity reason, and benign texts that use the same",
        "words (gratitude, idioms, fears, news, training and policy talk, negation). `dev` items were looked",
        "at while the patterns were written; `test` items were only ever scored. A second round, written",
        "later without looking at the model's misses, is split into `dev2` (looked at) and `holdout` (only",
        f"scored); its before is {before['second_round']}. `dev3` is more training data for the harm",
        "classifier. Severity = the high flag.",
        "",
        "| split | items | before P | before R | after P | after R | sentiment macro-F1 before / after |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for report in (report for report in written if report.n_items):
        b = before["written"].get(report.split)  # none for "all": the rounds' befores are different models
        keys = ("precision", "recall", "sentiment_macro_f1")
        b_p, b_r, b_s = (f"{b[key]:.3f}" for key in keys) if b else ("-",) * 3
        lines.append(
            f"| {report.split} | {report.n_items} | {b_p} | {b_r} | {report.flag.precision:.3f} | "
            f"{report.flag.recall:.3f} | {b_s} / {report.sentiment_macro_f1:.3f} |"
        )
    every = next(report for report in written if report.split == "all")
    lines += [
        "",
        "Reason recall after (found / expected): "
        + ", ".join(
            f"{reason} {found}/{expected}" for reason, (found, expected) in every.reason_recall.items()
        ),
        "",
        f"On the {corpus.items:,} real comments of the training data (patient feedback, almost none an",
        f"incident) the severity rules fire on {corpus.flagged_high} "
        f"(before: {before['corpus']['flagged_high']}).",
        "",
    ]
    if harm:
        lines += [
            "Severity is the rules or, where they find nothing, the `harm` classifier",
            "(`training/harm_data.py`), trained on the `dev`, `dev2` and `dev3` items (so its scores on",
            "those splits are in-sample; `test` and `holdout` are never trained on) and on the survey",
            f"comments as negatives. Its threshold, {harm['threshold']:.2f}, is the lowest whose out-of-fold",
            "flags on the development items reach a precision of 0.85 (out of fold: precision "
            f"{harm['precision']:.3f}, recall {harm['recall']:.3f}); out of fold it flags",
            f"{harm['corpus_flagged']} of the {harm['corpus_items']:,} survey comments.",
            "",
        ]
    return lines
