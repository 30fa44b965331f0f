"""`caresignal corrections export`: analysts' corrections from the corrections.v1 topic (kept forever) as
training data, one EvidenceCorrected JSON per line; `caresignal train` reads the file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schemas.corrections import EvidenceCorrected
from schemas.topics import Topic
from services.classify.config import ClassifySettings
from services.classify.training.corrections import latest_per_item
from services.common.kafka import read_topic

app = typer.Typer(help="Analysts' corrections as training data.", no_args_is_help=True)


@app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option("--output", help="Default: <state_dir>/corrections/corrections.jsonl.")
    ] = None,
) -> None:
    """Write every correction on the topic (all of them: `train` keeps the latest of each item)."""
    settings = ClassifySettings()
    path = output or settings.corrections_file
    corrections = [
        EvidenceCorrected.model_validate_json(record.value)
        for record in read_topic(settings, settings.topic(Topic.CORRECTIONS))
        if record.value
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".tmp")
    staging.write_text("".join(c.model_dump_json() + "\n" for c in corrections), encoding="utf-8")
    staging.replace(path)
    items = len(latest_per_item(corrections))
    typer.echo(f"{len(corrections)} corrections of {items} items written to {path}", err=True)
