"""Installed models side by side under one folder (`models/`), each with a version and a content hash, and
which one is current.

* A model is a folder with spaCy's `meta.json`; `caresignal train` writes its `version` (the pipeline's
  code version) and `caresignal.content_sha256` (SHA-256 over the pipeline's files, reports excluded).
  Its **model version** is `<version>+<first 12 hex digits of the hash>`: classified events carry it.
* `current.json` names the current model (written by `caresignal model promote`); every promotion is also
  appended to `promotions.jsonl` (who, when, which model replaced which, forced or not, the comparison).
  Before any promotion the current model is `caresignal_evidence`, the one `make model` builds.
* Workers load the model their settings name (`CARESIGNAL_MODEL_DIR`, or `CARESIGNAL_MODEL_VERSION` looked
  up here), otherwise the current one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.classify.config import ClassifySettings

CURRENT_FILE = "current.json"
PROMOTIONS_FILE = "promotions.jsonl"
DEFAULT_MODEL = "caresignal_evidence"
UNHASHED = ("meta.json", "MODEL_CARD.md", "training")  # reports and metadata, not the pipeline itself


class ModelNotFoundError(FileNotFoundError):
    """No trained model where the settings or the command say."""


def content_hash(model_dir: Path) -> str:
    """SHA-256 over the pipeline's files (relative path and bytes, in path order), reports excluded."""
    digest = hashlib.sha256()
    for path in sorted(_pipeline_files(Path(model_dir))):
        digest.update(path.relative_to(model_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _pipeline_files(model_dir: Path) -> Iterator[Path]:
    for path in model_dir.rglob("*"):
        if path.is_file() and path.relative_to(model_dir).parts[0] not in UNHASHED:
            yield path


def model_version_of(meta: dict[str, Any]) -> str:
    """`<version>+<hash12>`; the bare version for a model trained before content hashes."""
    version = str(meta.get("version", "0.0.0"))
    digest = meta.get("caresignal", {}).get("content_sha256")
    return f"{version}+{digest[:12]}" if digest else version


def stamp(model_dir: Path, **extra: Any) -> dict[str, Any]:
    """Write the content hash (and `extra` facts) into the model's meta.json; returns the meta."""
    meta_path = Path(model_dir) / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta.setdefault("caresignal", {}).update({"content_sha256": content_hash(model_dir), **extra})
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta


@dataclass(frozen=True)
class InstalledModel:
    path: Path
    meta: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.meta.get("name", DEFAULT_MODEL))

    @property
    def model_version(self) -> str:
        return model_version_of(self.meta)

    @property
    def content_sha256(self) -> str | None:
        return self.meta.get("caresignal", {}).get("content_sha256")

    @property
    def trained_at(self) -> str | None:
        return self.meta.get("caresignal", {}).get("trained_at")

    @property
    def corrections_used(self) -> int:
        return int(self.meta.get("caresignal", {}).get("corrections", {}).get("used", 0))

    @classmethod
    def at(cls, path: Path) -> InstalledModel:
        meta_path = Path(path) / "meta.json"
        if not meta_path.is_file():
            raise ModelNotFoundError(f"no trained model at {path} (no meta.json)")
        return cls(Path(path).resolve(), json.loads(meta_path.read_text()))


@dataclass(frozen=True)
class Promotion:
    model: str  # folder name under the registry
    model_version: str
    previous: str | None
    by: str
    at: str
    forced: bool
    comparison: dict[str, Any]


class ModelRegistry:
    """The models installed under `root`, and the current one."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def installed(self) -> list[InstalledModel]:
        if not self.root.is_dir():
            return []
        found = [
            InstalledModel.at(path)
            for path in sorted(self.root.iterdir())
            if not path.name.startswith(".") and (path / "meta.json").is_file()
        ]
        return sorted(found, key=lambda model: (model.trained_at or "", model.path.name))

    def install_path(self, meta: dict[str, Any]) -> Path:
        """Where a freshly trained model with this meta is installed: `<name>-<model version>`."""
        return self.root / f"{meta.get('name', DEFAULT_MODEL)}-{model_version_of(meta)}"

    def install(self, trained: Path) -> Path:
        """Move a freshly trained model folder to its versioned place (an identical model is replaced)."""
        target = self.install_path(InstalledModel.at(trained).meta)
        self.root.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        Path(trained).rename(target)
        return target

    def find(self, ref: str) -> InstalledModel:
        """A model by folder name, path, model version, or an unambiguous prefix of its content hash."""
        candidate = Path(ref)
        for path in (candidate, self.root / ref):
            if (path / "meta.json").is_file():
                return InstalledModel.at(path)
        matches = [
            model
            for model in self.installed()
            if ref in (model.model_version, model.path.name)
            or (len(ref) >= 6 and (model.content_sha256 or "").startswith(ref))
        ]
        if len({model.path for model in matches}) == 1:
            return matches[0]
        if matches:
            names = ", ".join(model.path.name for model in matches)
            raise ModelNotFoundError(f"{ref!r} matches several models: {names}")
        raise ModelNotFoundError(f"no installed model {ref!r} under {self.root}")

    def current(self) -> InstalledModel:
        """The promoted model; before any promotion, the default one `make model` builds."""
        pointer = self.root / CURRENT_FILE
        if pointer.is_file():
            return self.find(json.loads(pointer.read_text())["model"])
        return InstalledModel.at(self.root / DEFAULT_MODEL)

    def promote(
        self, model: InstalledModel, *, by: str, forced: bool, comparison: dict[str, Any]
    ) -> Promotion:
        """Make `model` current and record who did it (the pointer is replaced atomically)."""
        if model.path.parent != self.root:
            raise ModelNotFoundError(f"{model.path} is not installed under {self.root}")
        try:
            previous: str | None = self.current().path.name
        except ModelNotFoundError:
            previous = None
        promotion = Promotion(
            model=model.path.name,
            model_version=model.model_version,
            previous=previous,
            by=by,
            at=datetime.now(UTC).isoformat(),
            forced=forced,
            comparison=comparison,
        )
        record = json.dumps(promotion.__dict__, sort_keys=True)
        pointer = self.root / CURRENT_FILE
        staging = pointer.with_suffix(".tmp")
        staging.write_text(record + "\n")
        os.replace(staging, pointer)
        with (self.root / PROMOTIONS_FILE).open("a", encoding="utf-8") as log:
            log.write(record + "\n")
        return promotion

    def promotions(self) -> list[dict[str, Any]]:
        path = self.root / PROMOTIONS_FILE
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def active_model(settings: ClassifySettings) -> InstalledModel:
    """The model a worker or command loads: the configured folder or version, else the current one."""
    if settings.model_dir is not None:
        return InstalledModel.at(settings.model_dir)
    registry = ModelRegistry(settings.models_dir)
    return registry.find(settings.model_version) if settings.model_version else registry.current()
