"""The model registry: content hashes and versions, installed models side by side, the current one,
promotions recorded; the promotion rule of `model evaluate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.classify.config import ClassifySettings
from services.classify.evaluation.compare import METRICS, TOLERANCE, Comparison, Row
from services.classify.registry import (
    DEFAULT_MODEL,
    InstalledModel,
    ModelNotFoundError,
    ModelRegistry,
    active_model,
    content_hash,
    model_version_of,
    stamp,
)


def fake_model(folder: Path, weights: bytes, trained_at: str, version: str = "0.4.0") -> Path:
    """A model folder as `caresignal train` leaves it: pipeline files, reports, meta.json."""
    (folder / "statements").mkdir(parents=True)
    (folder / "statements" / "params.npz").write_bytes(weights)
    (folder / "training").mkdir()
    (folder / "training" / "cv_metrics.json").write_text("{}")
    (folder / "MODEL_CARD.md").write_text("# card")
    (folder / "meta.json").write_text(json.dumps({"name": DEFAULT_MODEL, "version": version}))
    stamp(folder, trained_at=trained_at)
    return folder


def test_content_hash_covers_the_pipeline_not_its_reports(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "m", b"weights", "2026-12-01T06:00:00+00:00")
    before = content_hash(model)
    (model / "MODEL_CARD.md").write_text("# card, rewritten")
    (model / "training" / "cv_metrics.json").write_text('{"again": 1}')
    assert content_hash(model) == before
    (model / "statements" / "params.npz").write_bytes(b"other weights")
    assert content_hash(model) != before


def test_model_version_is_the_version_and_the_hash_prefix(tmp_path: Path) -> None:
    model = InstalledModel.at(fake_model(tmp_path / "m", b"weights", "2026-12-01T06:00:00+00:00"))
    assert model.model_version == f"0.4.0+{content_hash(model.path)[:12]}"
    assert model_version_of({"version": "0.1.0"}) == "0.1.0"  # trained before content hashes


def test_registry_installs_side_by_side_and_finds_by_version_or_hash(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    first = registry.install(fake_model(tmp_path / "a", b"one", "2026-12-01T06:00:00+00:00"))
    second = registry.install(fake_model(tmp_path / "b", b"two", "2026-12-01T07:00:00+00:00"))
    assert first != second and first.parent == second.parent == registry.root
    installed = registry.installed()
    assert [m.path for m in installed] == [first, second]  # oldest first
    newer = installed[1]
    assert registry.find(newer.model_version).path == second
    assert registry.find(newer.content_sha256[:8]).path == second
    assert registry.find(second.name).path == second
    with pytest.raises(ModelNotFoundError):
        registry.find("0.9.9+000000000000")


def test_promotion_makes_a_model_current_and_is_recorded(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    default = fake_model(registry.root / DEFAULT_MODEL, b"default", "2026-12-01T05:00:00+00:00")
    assert registry.current().path == default  # before any promotion
    new = InstalledModel.at(registry.install(fake_model(tmp_path / "n", b"new", "2026-12-01T06:00:00+00:00")))
    promotion = registry.promote(new, by="a.khan", forced=False, comparison={"acceptable": True})
    assert registry.current().path == new.path
    assert promotion.previous == DEFAULT_MODEL and promotion.model_version == new.model_version
    (record,) = registry.promotions()
    assert record["by"] == "a.khan" and record["model"] == new.path.name and record["forced"] is False
    settings = ClassifySettings(models_dir=registry.root)
    assert active_model(settings).path == new.path
    pinned = ClassifySettings(
        models_dir=registry.root, model_version=InstalledModel.at(default).model_version
    )
    assert active_model(pinned).path == default  # a worker configured for a version loads that one


def test_promotion_refuses_a_model_outside_the_registry(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    stray = InstalledModel.at(fake_model(tmp_path / "stray", b"x", "2026-12-01T06:00:00+00:00"))
    with pytest.raises(ModelNotFoundError):
        registry.promote(stray, by="a.khan", forced=False, comparison={})


def comparison(new: float, current: float, decides: bool = True, folds: bool = True) -> Comparison:
    rows = [Row(METRICS[0], new, current, decides), Row(METRICS[5], 0.8, 0.8, True)]
    model = InstalledModel(Path("/m"), {"version": "0.4.0"})
    return Comparison(model, model, rows, folds_comparable=folds, corrections_held_out=0)


def test_a_model_worse_on_a_deciding_metric_is_not_acceptable() -> None:
    assert comparison(0.80, 0.80 + 2 * TOLERANCE).worse and not comparison(0.80, 0.82).acceptable
    assert comparison(0.80, 0.80 + TOLERANCE / 2).acceptable  # within tolerance: the same
    assert comparison(0.90, 0.80).acceptable
    assert comparison(0.50, 0.80, decides=False).acceptable  # shown, not deciding
    assert not comparison(0.90, 0.80, folds=False).acceptable  # cross-validation not comparable
