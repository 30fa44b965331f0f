"""Commands of the classify service, mounted on the `caresignal` app: train, evaluate, classify, worker."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from services.classify import model_cli
from services.classify.config import ClassifySettings
from services.classify.corrections_cli import app as corrections_app
from services.common.logs import configure_logging


def _batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(lines)
    while batch := list(islice(iterator, size)):
        yield batch


def parse_line(line: str) -> tuple[Any, str | None, dict[str, str] | None]:
    """(id, text, error) for one JSON Lines input line."""
    try:
        item = json.loads(line)
    except (json.JSONDecodeError, ValueError) as exc:
        return None, None, {"type": "invalid_json", "message": str(exc)[:200]}
    if not isinstance(item, dict):
        return None, None, {"type": "invalid_input", "message": "line is not a JSON object"}
    item_id = item.get("id")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        return item_id, None, {"type": "invalid_input", "message": "'text' must be a non-empty string"}
    return item_id, text, None


def classify_stream(analyser, lines: Iterable[str], out: IO[str], batch_size: int = 256) -> dict[str, int]:
    """Write one JSON line per input line; bad lines get {"id", "error"} instead of a classification."""
    stats = {"lines": 0, "classified": 0, "errors": 0}
    for batch in _batches(lines, batch_size):
        parsed = [parse_line(line) for line in batch]
        texts = [text for _, text, error in parsed if error is None]
        try:
            analyses = iter(analyser.analyse(texts))
            failures: dict[int, str] = {}
        except Exception:  # one bad text must not sink the batch: retry one by one
            analyses, failures = _one_by_one(analyser, texts)
        position = 0
        for item_id, _, error in parsed:
            stats["lines"] += 1
            if error is None:
                if position in failures:
                    error = {"type": "analysis_failed", "message": failures[position]}
                    next(analyses)
                else:
                    record = {"id": item_id, **next(analyses).model_dump(mode="json")}
                    record["model_version"] = getattr(analyser, "model_version", "")
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    stats["classified"] += 1
                position += 1
            if error is not None:
                out.write(json.dumps({"id": item_id, "error": error}, ensure_ascii=False) + "\n")
                stats["errors"] += 1
        out.flush()
    return stats


def _one_by_one(analyser, texts: list[str]):
    results, failures = [], {}
    for i, text in enumerate(texts):
        try:
            results.append(analyser.analyse([text])[0])
        except Exception as exc:  # noqa: BLE001 - reported per line
            failures[i] = f"{type(exc).__name__}: {exc}"[:200]
            results.append(None)
    return iter(results), failures


def run_worker(settings: ClassifySettings) -> None:
    """Run the classify stream worker until it is stopped (Ctrl-C, SIGTERM) or crashes (exit code 1)."""
    from services.classify.app import create_app
    from services.common.faust_broker import run_faust_worker

    run_faust_worker(create_app(settings), settings)


def classify_worker(
    web_port: Annotated[
        int | None, typer.Option(help="Port of the worker's web server (/metrics); give each worker its own.")
    ] = None,
    batch_size: Annotated[int | None, typer.Option(help="Items per spaCy batch.")] = None,
    no_web: Annotated[bool, typer.Option("--no-web", help="Run without the web server.")] = False,
) -> None:
    """Classify raw evidence from Kafka: spaCy analysis, redaction, area resolution, dead letters."""
    overrides: dict[str, object] = {"classify_web_enabled": not no_web}
    if web_port is not None:
        overrides["classify_web_port"] = web_port
    if batch_size is not None:
        overrides["classify_batch_size"] = batch_size
    run_worker(ClassifySettings(**overrides))  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    """Add this service's commands to the root app."""
    app.command("classify-worker")(classify_worker)

    app.add_typer(model_cli.app, name="model")
    app.add_typer(corrections_app, name="corrections")

    @app.command("train")
    def train(
        output: Annotated[
            Path | None,
            typer.Option("--output", help="Model folder (default: a new versioned folder in the registry)."),
        ] = None,
        data_dir: Annotated[
            Path | None, typer.Option("--data-dir", help="Labelled corpora (default: ../shared/data).")
        ] = None,
        folds: Annotated[
            int | None, typer.Option("--folds", help="Cross-validation folds for threshold tuning.")
        ] = None,
        workers: Annotated[int | None, typer.Option("--workers", help="Parallel model fits.")] = None,
        seed: Annotated[int | None, typer.Option("--seed")] = None,
        corrections: Annotated[
            Path | None,
            typer.Option("--corrections", help="Exported corrections (default: the last export, if any)."),
        ] = None,
        no_corrections: Annotated[
            bool, typer.Option("--no-corrections", help="Train on the labelled corpora only.")
        ] = False,
        corrections_weight: Annotated[
            float | None, typer.Option("--corrections-weight", help="Default: the configs' weight (2).")
        ] = None,
    ) -> None:
        """Train the evidence pipeline reproducibly (fixed seed) and write the model and its model card.

        Analysts' corrections are included (latest per item, weighted); the new model is installed beside
        the others and becomes current only through `caresignal model promote`."""
        from services.classify.registry import ModelRegistry
        from services.classify.training.train import TrainOptions, train_model

        settings = ClassifySettings()
        configure_logging(settings)
        registry = ModelRegistry(settings.models_dir)
        options = TrainOptions(
            data_dir=(data_dir or settings.data_dir).resolve(),
            output=(output or registry.root / ".training").resolve(),
            n_folds=folds or settings.cv_folds,
            workers=workers or settings.train_workers,
            seed=settings.seed if seed is None else seed,
            corrections=None if no_corrections else model_cli.corrections_file(settings, corrections),
            corrections_weight=corrections_weight,
        )
        started = time.perf_counter()
        path = train_model(options)
        if output is None:
            path = registry.install(path)
        typer.echo(f"model written to {path} in {time.perf_counter() - started:.0f}s", err=True)
        card = path / "MODEL_CARD.md"
        if card.is_file():
            typer.echo(f"model card: {card}", err=True)

    @app.command("evaluate")
    def evaluate(
        model_dir: Annotated[
            Path | None, typer.Option("--model-dir", help="Model directory (default: settings).")
        ] = None,
        data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
        folds: Annotated[int | None, typer.Option("--folds")] = None,
        workers: Annotated[int | None, typer.Option("--workers")] = None,
        recompute: Annotated[
            bool, typer.Option("--recompute", help="Refit fold models instead of reusing.")
        ] = False,
    ) -> None:
        """k-fold cross-validation report (per statement, macro/micro F1, sentiment, baseline).

        Written as MODEL_CARD.md beside the model.
        """
        from services.classify.registry import active_model
        from services.classify.training.evaluate import evaluate_model

        settings = ClassifySettings()
        path, result = evaluate_model(
            (model_dir or active_model(settings).path).resolve(),
            (data_dir or settings.data_dir).resolve(),
            n_folds=folds or settings.cv_folds,
            workers=workers or settings.train_workers,
            seed=settings.seed,
            recompute=recompute,
        )
        typer.echo(
            f"statements macro-F1 {result.model.macro_f1:.3f} (baseline {result.baseline.macro_f1:.3f}), "
            f"micro-F1 {result.model.micro_f1:.3f} (baseline {result.baseline.micro_f1:.3f}); with rules "
            f"{result.model_with_rules.macro_f1:.3f} / {result.model_with_rules.micro_f1:.3f}; "
            f"sentiment macro-F1 {result.sentiment_macro_f1:.3f} "
            f"(baseline {result.baseline_sentiment_macro_f1:.3f})"
        )
        typer.echo(f"model card: {path}", err=True)

    @app.command("classify")
    def classify(
        model_dir: Annotated[
            Path | None, typer.Option("--model-dir", help="Model directory (default: settings).")
        ] = None,
        batch_size: Annotated[int | None, typer.Option("--batch-size")] = None,
    ) -> None:
        """Read JSON Lines {"id", "text"} on stdin, write one JSON line per input line on stdout."""
        from services.classify.analyser import EvidenceAnalyser, ModelNotFoundError
        from services.classify.registry import active_model

        settings = ClassifySettings()
        size = batch_size or settings.batch_size
        try:
            analyser = EvidenceAnalyser.load(model_dir or active_model(settings).path, batch_size=size)
        except ModelNotFoundError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(code=2) from exc
        started = time.perf_counter()
        stats = classify_stream(analyser, sys.stdin, sys.stdout, size)
        elapsed = time.perf_counter() - started
        rate = stats["lines"] / elapsed if elapsed > 0 else 0.0
        typer.echo(
            f"classified {stats['classified']} lines, {stats['errors']} errors, {rate:.0f} lines/s", err=True
        )
