"""`caresignal model list | evaluate | promote`: the installed models, two of them side by side, and the
promotion of a model that is not worse than the current one (or forced, recorded as such)."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from services.classify.config import ClassifySettings
from services.classify.evaluation.compare import Comparison, compare
from services.classify.registry import InstalledModel, ModelNotFoundError, ModelRegistry
from services.classify.training.corrections import read_corrections
from services.common.terminal import console

app = typer.Typer(help="Installed models: list, compare, promote.", no_args_is_help=True)
CorrectionsOption = Annotated[
    Path | None,
    typer.Option("--corrections", help="Exported corrections (default: the last `corrections export`)."),
]


def corrections_file(settings: ClassifySettings, given: Path | None) -> Path | None:
    """The corrections to judge by: the file given, else the default export when it exists."""
    path = given or settings.corrections_file
    return path if path.is_file() else None


def _registry(settings: ClassifySettings) -> ModelRegistry:
    return ModelRegistry(settings.models_dir)


def _find(registry: ModelRegistry, ref: str | None) -> InstalledModel:
    try:
        return registry.find(ref) if ref else registry.current()
    except ModelNotFoundError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error


def _value(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def comparison_table(comparison: Comparison) -> Table:
    table = Table(title=f"{comparison.new.model_version} (new) against {comparison.current.model_version}")
    for column in ("set", "metric", "new", "current", "difference", "verdict"):
        table.add_column(column)
    for row in comparison.rows:
        difference = "" if row.new is None or row.current is None else f"{row.new - row.current:+.3f}"
        colour = {"worse": "red", "better": "green"}.get(row.verdict, "")
        verdict = f"[{colour}]{row.verdict}[/{colour}]" if colour and row.decides else row.verdict
        if not row.decides and row.verdict != "n/a":
            verdict += " (not deciding)"
        table.add_row(
            row.metric.group, row.metric.label, _value(row.new), _value(row.current), difference, verdict
        )
    return table


def _compare(settings: ClassifySettings, new: str, against: str | None, corrections: Path | None):
    registry = _registry(settings)
    path = corrections_file(settings, corrections)
    return compare(_find(registry, new), _find(registry, against), read_corrections(path) if path else [])


@app.command("list")
def list_models(json_output: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Installed models, newest last, with the current one marked and the promotions made."""
    registry = _registry(ClassifySettings())
    try:
        current = registry.current().path
    except ModelNotFoundError:
        current = None
    models = registry.installed()
    if json_output:
        rows = [
            {
                "folder": m.path.name,
                "model_version": m.model_version,
                "content_sha256": m.content_sha256,
                "trained_at": m.trained_at,
                "corrections": m.corrections_used,
                "current": m.path == current,
            }
            for m in models
        ]
        typer.echo(json.dumps({"models": rows, "promotions": registry.promotions()}, indent=2))
        return
    table = Table(title=f"Models in {registry.root}")
    for column in ("", "folder", "model version", "trained", "corrections used"):
        table.add_column(column)
    for model in models:
        marker = "current" if model.path == current else ""
        table.add_row(
            marker, model.path.name, model.model_version, model.trained_at or "", str(model.corrections_used)
        )
    console.print(table)
    for promotion in registry.promotions()[-5:]:
        forced = " (forced)" if promotion["forced"] else ""
        console.print(f"{promotion['at']}: {promotion['by']} promoted {promotion['model']}{forced}")


@app.command("evaluate")
def evaluate_model(
    new: Annotated[str, typer.Argument(help="Folder, path, model version or content-hash prefix.")],
    against: Annotated[str | None, typer.Option("--against", help="Default: the current model.")] = None,
    corrections: CorrectionsOption = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Both models on the same frozen evaluation sets, side by side; exit 1 when NEW is worse."""
    comparison = _compare(ClassifySettings(), new, against, corrections)
    if json_output:
        typer.echo(json.dumps(comparison.as_dict(), indent=2))
    else:
        console.print(comparison_table(comparison))
        for note in comparison.notes:
            console.print(f"note: {note}")
    if not comparison.acceptable:
        raise typer.Exit(1)


@app.command("promote")
def promote_model(
    new: Annotated[str, typer.Argument(help="Folder, path, model version or content-hash prefix.")],
    force: Annotated[bool, typer.Option("--force", help="Promote even when it is worse.")] = False,
    by: Annotated[str | None, typer.Option("--by", help="Who promotes (default: the login name).")] = None,
    corrections: CorrectionsOption = None,
) -> None:
    """Make NEW the current model if it is not worse than the current one on the agreed metrics."""
    settings = ClassifySettings()
    registry = _registry(settings)
    comparison = _compare(settings, new, None, corrections)
    console.print(comparison_table(comparison))
    for note in comparison.notes:
        console.print(f"note: {note}")
    if not comparison.acceptable and not force:
        worse = ", ".join(f"{row.metric.group}: {row.metric.label}" for row in comparison.worse)
        reason = worse or "cross-validation folds are not comparable"
        console.print(
            f"[red]refused: {comparison.new.model_version} is worse ({reason}); --force to override[/red]"
        )
        raise typer.Exit(1)
    promotion = registry.promote(
        comparison.new,
        by=by or getpass.getuser(),
        forced=not comparison.acceptable,
        comparison=comparison.as_dict(),
    )
    console.print(
        f"{promotion.by} promoted {promotion.model} ({promotion.model_version}); "
        f"previous: {promotion.previous}. Restart the classify workers, then run `caresignal reclassify`."
    )
