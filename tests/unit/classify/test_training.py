"""Training: reproducible build on a tiny corpus, model card and version; model against baseline in
cross-validation on a small real corpus; the real model's long-item numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.classify.analyser import EvidenceAnalyser
from services.classify.config import ClassifySettings
from services.classify.training.data import load_corpus
from services.classify.training.evaluate import evaluate_model
from services.classify.training.registered import build_records, fold_of, statement_cats
from services.classify.training.report import cross_validated_result
from services.classify.training.train import (
    MODEL_VERSION,
    TrainOptions,
    collect_oof,
    cv_jobs,
    run_jobs,
    train_model,
)


def test_training_data_maps_labels_and_sentiment(tiny_corpus: Path) -> None:
    v6, phase1 = load_corpus(tiny_corpus)
    assert len(v6) == 72 and len(phase1) == 24
    kind = next(r for r in v6 if r.text.startswith("The staff were so kind"))
    assert kind.statements == {"caring.kindness_compassion_dignity"} and kind.sentiment == "positive"
    mixed = next(r for r in v6 if r.text.startswith("It was ok"))
    assert mixed.sentiment == "neutral" and len(mixed.statements) == 2
    assert next(r for r in v6 if r.text.startswith("Did not answer")).sentiment is None
    medicine = next(r for r in phase1 if r.statements)
    assert not medicine.complete
    assert statement_cats(medicine, ["safe.medicines_optimisation", "safe.safeguarding"]) == {
        "safe.medicines_optimisation": 1.0
    }
    assert [r.uid for r in v6] == sorted(r.uid for r in v6)


def test_training_folds_are_deterministic_and_grouped(tiny_corpus: Path) -> None:
    assert fold_of("v6:NEAS 1", 4) == fold_of("v6:NEAS 1", 4)
    train = build_records(tiny_corpus, "statements", "train", 2, 0, "none")
    held = build_records(tiny_corpus, "statements", "heldout", 2, 0, "none")
    assert {r.uid for r in train}.isdisjoint({r.uid for r in held})
    assert len(train) + len(held) == 72
    sentiment = build_records(tiny_corpus, "sentiment", "all", 2, -1, "none")
    assert all(r.sentiment for r in sentiment) and all(r.corpus == "v6" for r in sentiment)


@pytest.mark.slow
def test_training_tiny_corpus_is_reproducible(tiny_corpus: Path, tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        options = TrainOptions(data_dir=tiny_corpus, output=tmp_path / name, n_folds=2, workers=1, seed=7)
        outputs.append(train_model(options))
    first, second = outputs
    meta = json.loads((first / "meta.json").read_text())
    assert meta["name"] == "caresignal_evidence" and meta["version"] == MODEL_VERSION
    assert meta["caresignal"]["seed"] == 7
    assert (first / "MODEL_CARD.md").read_text().startswith("# Model card: caresignal_evidence")
    for relative in (
        "statements/params.npz",
        "sentiment/params.npz",
        "decisions/decisions.json",
        "training/oof.json",
    ):
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative
    card, result = evaluate_model(first, tiny_corpus, n_folds=2, workers=1)  # reuses the saved OOF scores
    assert card == first / "MODEL_CARD.md" and result.n_folds == 2
    analyser = EvidenceAnalyser.load(first)
    (analysis,) = analyser.analyse(["The staff were so kind and caring"])
    assert analysis.sentiment.label == "positive"
    assert "caring.kindness_compassion_dignity" in {s.id for s in analysis.quality_statements}


@pytest.mark.slow
def test_training_beats_the_baseline_on_the_same_folds_of_a_small_real_corpus(tmp_path: Path) -> None:
    """The comparison `caresignal train` reports, run here: 3-fold cross-validation on the first 1,500
    records of the shared data, the baseline fitted on the same records and tuned the same way. Statements:
    the model is ahead; sentiment: the two are on par (as on the full data, see the model card)."""
    settings = ClassifySettings()
    options = TrainOptions(
        data_dir=settings.data_dir, output=tmp_path / "model", n_folds=3, workers=1, seed=13, limit=1500
    )
    oof = collect_oof(run_jobs(cv_jobs(options, tmp_path / "folds"), options.workers), options.n_folds)
    result = cross_validated_result(oof, settings.data_dir, options.limit)
    assert result.n_items >= 1500
    assert result.model.macro_f1 >= result.baseline.macro_f1 + 0.02
    assert result.model.micro_f1 >= result.baseline.micro_f1 + 0.02
    assert result.baseline.macro_f1 > result.baseline_untuned.macro_f1  # the tuning reached the baseline
    assert abs(result.sentiment_macro_f1 - result.baseline_sentiment_macro_f1) < 0.03


@pytest.mark.slow
def test_training_real_model_meets_the_long_item_targets(trained_model_dir: Path) -> None:
    metrics = json.loads((trained_model_dir / "training" / "cv_metrics.json").read_text())
    assert round(metrics["model_with_rules"]["macro_f1"], 3) >= 0.525  # short comments: no worse than before
    long = metrics["long_items"]
    assert long["after"]["micro_recall"] >= 0.75
    assert long["after"]["micro_precision"] >= long["precision_target"] - 0.005
    assert long["after"]["micro_recall"] >= long["before"]["micro_recall"] + 0.2
    assert long["sentiment_after"] >= 0.70


@pytest.mark.slow
def test_trained_model_explains_a_long_story_segment_by_segment(trained_model_dir: Path) -> None:
    from services.classify.analyser import EvidenceAnalyser

    story = (
        "The nurses on the ward were wonderful and so kind to my dad. They always had time to explain his "
        "treatment and they treated him with dignity. "
        "The clinic appointment afterwards took four months, which was disgraceful, and nobody ever answered "
        "the phone. The letter with his results never arrived and the receptionist was rude and unhelpful. "
        "We waited five hours in A&E for the ambulance transfer and the discharge was a shambles. "
        "Still, the physiotherapists who visited him at home afterwards were brilliant and caring."
    )
    (analysis,) = EvidenceAnalyser.load(trained_model_dir).analyse([story])
    assert analysis.sentiment.label.value == "mixed"
    assert analysis.segments and all(
        s.text == analysis.redacted_text[s.start : s.end] for s in analysis.segments
    )
    found = {statement for segment in analysis.segments for statement in segment.quality_statements}
    assert {q.id for q in analysis.quality_statements if q.method == "model"} <= found
    kind = next(s for s in analysis.segments if "wonderful" in s.text)
    assert (
        kind.sentiment.label.value == "positive"
        and "caring.kindness_compassion_dignity" in kind.quality_statements
    )
    waiting = next(s for s in analysis.segments if "four months" in s.text)
    assert waiting.sentiment.label.value == "negative"
