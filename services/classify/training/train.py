"""`caresignal train`: cross-validate, tune decisions on out-of-fold scores, fit on all data, assemble.

Steps (the one training entry point: `make model` and `caresignal train` both run this):

1. k-fold cross-validation on the v6 corpus, folds grouped by respondent (phase 1 is only ever training
   data): a statements, a sentiment and a harm model per fold, scored on the held-out fold.
2. Per-statement thresholds and sentiment class weights tuned on those out-of-fold scores.
   Each fold's synthetic long items are scored too (whole and by segment); the segment thresholds and
   the long-item sentiment rule are tuned on them.
3. Both models refitted on all data with the same configs and seed.
   The harm classifier's threshold is tuned on its out-of-fold scores (`harm_tuning.py`).
4. One pipeline assembled from blank English: statements, sentiment, harm, redactor, redacted_doc,
   statement_rules, severity, segments, decisions; saved with a version in meta.json, the out-of-fold
   scores and a model card.

Fits run in worker processes (two at a time by default); each is seeded and single-threaded, so the
result does not depend on scheduling.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from services.classify.evaluation.long_scores import long_items_for, score_long_items
from services.classify.evaluation.sets import long_decisions
from services.classify.pipeline.segments import MIN_SEGMENT_CHARS
from services.classify.registry import stamp
from services.classify.training.corrections import corrections_facts, write_corrections_summary
from services.classify.training.data import PHASE1_FILE, SENTIMENT_LABELS, STATEMENT_IDS, V6_FILE
from services.classify.training.harm_data import HARM_LABELS
from services.classify.training.harm_tuning import tune_harm_threshold
from services.classify.training.thresholds import tune_class_weights, tune_thresholds

log = logging.getLogger(__name__)

TRAINING_DIR = Path(__file__).parent
CONFIG_DIR = TRAINING_DIR / "configs"
MODEL_NAME = "caresignal_evidence"
MODEL_VERSION = "1.1.0"
OOF_FILE = "oof.json"
COMPONENTS = ("statements", "sentiment", "harm")
LONG_COMPONENTS = ("statements", "sentiment")  # tuned on synthetic long items too; read analysts' corrections


@dataclass(frozen=True)
class TrainOptions:
    data_dir: Path
    output: Path
    n_folds: int = 4
    workers: int = 2
    seed: int = 13
    limit: int = 0  # cap records per reader (tiny-corpus tests)
    overrides: dict[str, Any] = field(default_factory=dict)  # extra spaCy overrides for every fit
    cross_validate: bool = True
    corrections: Path | None = None  # exported analysts' corrections (JSON Lines)
    corrections_weight: float | None = None  # None: the configs' corpora.train.corrections_weight


@dataclass(frozen=True)
class FitJob:
    component: str  # "statements" or "sentiment"
    output: str
    data_dir: str
    seed: int
    fold: int = -1  # -1: fit on all data
    n_folds: int = 4
    limit: int = 0
    overrides: dict[str, Any] = field(default_factory=dict)
    corrections: str | None = None


def _job_overrides(job: FitJob) -> dict[str, Any]:
    overrides: dict[str, Any] = {
        "paths.data_dir": job.data_dir,
        "paths.corrections": job.corrections,
        "system.seed": job.seed,
        "corpora.train.split": "train" if job.fold >= 0 else "all",
        "corpora.train.fold": job.fold,
        "corpora.train.n_folds": job.n_folds,
        "corpora.dev.fold": max(job.fold, 0),
        "corpora.dev.n_folds": job.n_folds,
    }
    if job.limit:
        overrides["corpora.train.limit"] = job.limit
        overrides["corpora.dev.limit"] = max(job.limit // 4, 8)
    overrides.update(
        (key, value)
        for key, value in job.overrides.items()
        if job.component in LONG_COMPONENTS or not key.startswith("corpora.train.corrections")
    )
    return overrides


def fit_pipeline(config_path: Path, output: Path, overrides: dict[str, Any]) -> Path:
    """Initialise (and, for components with gradient updates, train) a pipeline from a config.

    Returns the saved pipeline directory (``output/model-last``, as `spacy train` writes it).
    """
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp
    from spacy.util import fix_random_seed, load_config

    import services.classify.pipeline  # noqa: F401  (registers factories)
    import services.classify.training.registered  # noqa: F401  (registers readers)

    config = load_config(config_path, overrides=overrides, interpolate=False)
    fix_random_seed(int(overrides.get("system.seed", config["system"]["seed"])))
    nlp = init_nlp(config, use_gpu=-1)
    output.mkdir(parents=True, exist_ok=True)
    if any(hasattr(pipe, "update") for _, pipe in nlp.pipeline) and nlp.config["training"].get("max_epochs"):
        train_nlp(nlp, output)
    else:
        nlp.to_disk(output / "model-last")
    return output / "model-last"


def run_fit(job: FitJob) -> dict[str, Any]:
    """Fit one component (in a worker process); for a CV fold also score the held-out v6 records."""
    import spacy

    from services.classify.training import registered

    output = Path(job.output)
    started = time.perf_counter()
    fit_pipeline(CONFIG_DIR / f"{job.component}.cfg", output, _job_overrides(job))
    fit_seconds = time.perf_counter() - started
    model_path = output / "model-last"
    result: dict[str, Any] = {
        "component": job.component,
        "fold": job.fold,
        "model": str(model_path),
        "fit_seconds": round(fit_seconds, 1),
    }
    if job.fold >= 0:
        nlp = spacy.load(model_path)
        records = registered.build_records(
            job.data_dir, job.component, "heldout", job.n_folds, job.fold, "none"
        )
        if job.limit:
            records = records[: max(job.limit // 2, 8)]
        labels = list(nlp.get_pipe(job.component).labels)
        scores = [
            [round(float(doc.cats.get(label, 0.0)), 5) for label in labels]
            for doc in nlp.pipe([r.text for r in records], batch_size=256)
        ]
        result.update({"labels": labels, "uids": [r.uid for r in records], "scores": scores})
        if job.component in LONG_COMPONENTS:
            long_items = [i for i in long_items_for(job.data_dir, job.n_folds) if i.fold == job.fold]
            if job.limit:
                long_items = long_items[:8]
            result["long"] = score_long_items(nlp, job.component, long_items, MIN_SEGMENT_CHARS)
        shutil.rmtree(output, ignore_errors=True)
    return result


def run_jobs(jobs: list[FitJob], workers: int) -> list[dict[str, Any]]:
    if workers <= 1:
        return [run_fit(job) for job in jobs]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(run_fit, jobs))


def data_fingerprint(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in (V6_FILE, PHASE1_FILE, "label_map_v6.csv", "label_map_phase1.csv"):
        digest.update((Path(data_dir) / name).read_bytes())
    return digest.hexdigest()


def fit_overrides(options: TrainOptions) -> dict[str, Any]:
    """The options' spaCy overrides, with the corrections' weight when one is given."""
    if options.corrections_weight is None:
        return dict(options.overrides)
    return {**options.overrides, "corpora.train.corrections_weight": options.corrections_weight}


def cv_jobs(options: TrainOptions, work: Path, *, with_corrections: bool = True) -> list[FitJob]:
    suffix = "" if with_corrections else "-without-corrections"
    return [
        _fit_job(options, component, work / f"{component}-fold{k}{suffix}", k, with_corrections)
        for k in range(options.n_folds)
        for component in COMPONENTS
    ]


def final_jobs(options: TrainOptions, work: Path) -> list[FitJob]:
    return [_fit_job(options, component, work / f"{component}-all", -1, True) for component in COMPONENTS]


def _fit_job(
    options: TrainOptions, component: str, output: Path, fold: int, with_corrections: bool
) -> FitJob:
    """One component's fit (`fold` -1: on all data), with the options' corrections unless left out."""
    corrections = str(options.corrections) if options.corrections and with_corrections else None
    return FitJob(
        component,
        str(output),
        str(options.data_dir),
        options.seed,
        fold,
        options.n_folds,
        options.limit,
        fit_overrides(options),
        corrections,
    )


def on_label_space(index: dict[str, int], label_space: tuple[str, ...], row: list[float]) -> list[float]:
    """A score row of a fitted component, in `label_space` order (0 for labels it did not learn)."""
    return [row[index[label]] if label in index else 0.0 for label in label_space]


def collect_oof(results: list[dict[str, Any]], n_folds: int) -> dict[str, Any]:
    """Out-of-fold scores per component, in fold order, on the full label sets."""
    oof: dict[str, Any] = {"n_folds": n_folds}
    for component, label_space in (("statements", STATEMENT_IDS), ("sentiment", SENTIMENT_LABELS)):
        folds = sorted(
            (r for r in results if r["component"] == component and r["fold"] >= 0), key=lambda r: r["fold"]
        )
        entries = []
        for result in folds:
            index = {label: j for j, label in enumerate(result["labels"])}
            full = partial(on_label_space, index, label_space)
            scores = [full(row) for row in result["scores"]]
            long = {
                "uids": result["long"]["uids"],
                "whole": [full(row) for row in result["long"]["whole"]],
                "segments": [
                    {"lengths": s["lengths"], "scores": [full(row) for row in s["scores"]]}
                    for s in result["long"]["segments"]
                ],
            }
            entries.append({"fold": result["fold"], "uids": result["uids"], "scores": scores, "long": long})
        oof[component] = {"labels": list(label_space), "folds": entries}
    harm = sorted(
        (r for r in results if r["component"] == "harm" and r["fold"] >= 0), key=lambda r: r["fold"]
    )
    oof["harm"] = {
        "labels": list(HARM_LABELS),
        "folds": [
            {
                "fold": r["fold"],
                "uids": r["uids"],
                "scores": [
                    on_label_space({x: j for j, x in enumerate(r["labels"])}, HARM_LABELS, row)
                    for row in r["scores"]
                ],
            }
            for r in harm
        ],
    }
    return oof


def gold_for(oof: dict[str, Any], data_dir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(statement scores, statement gold, sentiment probabilities, sentiment gold index) over all folds."""
    from services.classify.training.data import load_corpus

    v6, _ = load_corpus(Path(data_dir))
    by_uid = {r.uid: r for r in v6}
    s_scores, s_gold, p_scores, p_gold = [], [], [], []
    for entry in oof["statements"]["folds"]:
        s_scores += entry["scores"]
        s_gold += [[label in by_uid[uid].statements for label in STATEMENT_IDS] for uid in entry["uids"]]
    for entry in oof["sentiment"]["folds"]:
        p_scores += entry["scores"]
        p_gold += [SENTIMENT_LABELS.index(by_uid[uid].sentiment) for uid in entry["uids"]]
    return (
        np.asarray(s_scores, dtype=float).reshape(-1, len(STATEMENT_IDS)),
        np.asarray(s_gold, dtype=bool),
        np.asarray(p_scores, dtype=float).reshape(-1, len(SENTIMENT_LABELS)),
        np.asarray(p_gold, dtype=int),
    )


def tune_decisions(oof: dict[str, Any], data_dir: Path) -> tuple[dict[str, float], dict[str, float]]:
    s_scores, s_gold, p_scores, p_gold = gold_for(oof, data_dir)
    thresholds = tune_thresholds(s_scores, s_gold) if len(s_gold) else np.full(len(STATEMENT_IDS), 0.5)
    weights = tune_class_weights(p_scores, p_gold) if len(p_gold) else np.ones(len(SENTIMENT_LABELS))
    return (
        {label: float(t) for label, t in zip(STATEMENT_IDS, thresholds, strict=True)},
        {label: float(w) for label, w in zip(SENTIMENT_LABELS, weights, strict=True)},
    )


def assemble(
    models: dict[str, Path],
    decided: tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, Any], dict[str, Any]],
    meta: dict[str, Any],
):  # -> Language
    """`models`: the fitted component pipelines by name; `decided`: statement thresholds, sentiment class
    weights, segment thresholds, long sentiment rule, harm decision."""
    import spacy

    import services.classify.pipeline  # noqa: F401

    nlp = spacy.blank("en")
    for component in COMPONENTS:
        nlp.add_pipe(component, source=spacy.load(models[component]))
    redactor = nlp.add_pipe("caresignal_redactor", name="redactor")
    nlp.add_pipe("caresignal_redacted_doc", name="redacted_doc")
    nlp.add_pipe("caresignal_statement_rules", name="statement_rules")
    nlp.add_pipe("caresignal_severity", name="severity")
    nlp.add_pipe("caresignal_segments", name="segments")
    decisions = nlp.add_pipe("caresignal_decisions", name="decisions")
    for textcat in COMPONENTS:  # run by `segments`: whole short items, long ones by segment
        nlp.disable_pipe(textcat)
    redactor.initialize()
    labels = list(nlp.get_pipe("statements").labels)
    decisions.configure(labels, *decided)
    nlp.meta.update(meta)
    return nlp


def train_model(options: TrainOptions) -> Path:
    """Run the whole training; returns the model directory."""
    import spacy

    from services.classify.training.report import cross_validated_result, write_model_card

    started = time.perf_counter()
    output = Path(options.output)
    work = output.parent / f".{output.name}-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    compare_without = bool(options.corrections and options.cross_validate)
    jobs = (cv_jobs(options, work) if options.cross_validate else []) + final_jobs(options, work)
    if compare_without:  # the same folds without the corrections: their effect, for the model card
        jobs += cv_jobs(options, work, with_corrections=False)
    log.info("fitting %d models with %d workers", len(jobs), options.workers)
    every_result = run_jobs(jobs, options.workers)
    results = [r for r in every_result if not r["model"].endswith("-without-corrections/model-last")]
    oof = collect_oof(results, options.n_folds) if options.cross_validate else None
    cv = cross_validated_result(oof, options.data_dir, options.limit) if oof else None
    if oof and cv:
        thresholds, weights = tune_decisions(oof, options.data_dir)
        long = long_decisions(oof, options.data_dir, cv.model_with_rules.micro_precision)
        harm = tune_harm_threshold(oof, options.data_dir)
    else:
        thresholds, weights, long, harm = {}, {}, ({}, {}), {}
    finals = {r["component"]: Path(r["model"]) for r in results if r["fold"] < 0}
    meta = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "description": "CareSignal evidence classifier: quality statements, sentiment, severity, redaction",
        "license": "MIT (training data: pxtextmining, NHS England, MIT)",
        "caresignal": {
            "data_sha256": data_fingerprint(options.data_dir),
            "seed": options.seed,
            "n_folds": options.n_folds,
            "limit": options.limit,
            "spacy_version": spacy.__version__,
        },
    }
    nlp = assemble(finals, (thresholds, weights, *long, harm), meta)
    if output.exists():
        shutil.rmtree(output)
    nlp.to_disk(output)
    facts: dict[str, Any] = {"trained_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if options.corrections:
        facts["corrections"] = corrections_facts(options)
    stamp(output, **facts)
    training_dir = output / "training"
    training_dir.mkdir(exist_ok=True)
    for name in (f"{component}.cfg" for component in COMPONENTS):
        shutil.copy(CONFIG_DIR / name, training_dir / name)
    (training_dir / "decisions.json").write_text(
        json.dumps(
            {
                "thresholds": thresholds,
                "sentiment_weights": weights,
                "segment_thresholds": long[0],
                "long_sentiment": long[1],
                "harm": harm,
            },
            indent=2,
            sort_keys=True,
        )
    )
    (training_dir / "timings.json").write_text(
        json.dumps({f"{r['component']}:{r['fold']}": r["fit_seconds"] for r in results}, indent=1)
    )
    used = write_corrections_summary(training_dir, options) if options.corrections else None
    if oof:
        (training_dir / OOF_FILE).write_text(json.dumps(oof))
        effect = None
        if used is not None and compare_without:
            without = [r for r in every_result if r["model"].endswith("-without-corrections/model-last")]
            effect = (used, cross_validated_result(collect_oof(without, options.n_folds), options.data_dir))
        write_model_card(output, oof, options.data_dir, time.perf_counter() - started, cv, effect)
    shutil.rmtree(work, ignore_errors=True)
    log.info("model written to %s in %.0fs", output, time.perf_counter() - started)
    return output
