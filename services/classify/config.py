"""Settings of the classify service (env prefix CARESIGNAL_, e.g. CARESIGNAL_MODEL_DIR)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from services.common.config import CommonSettings

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "caresignal_evidence"
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"


class ClassifySettings(CommonSettings):
    model_dir: Path = Field(
        default=DEFAULT_MODEL_DIR, description="Trained pipeline (caresignal train output)."
    )
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="Labelled corpora (shared/data).")
    batch_size: int = Field(default=256, ge=1, le=10_000, description="Texts per nlp.pipe batch.")
    train_workers: int = Field(default=2, ge=1, le=8, description="Parallel model fits during training.")
    cv_folds: int = Field(default=4, ge=2, le=10, description="Folds for threshold tuning and evaluation.")
    seed: int = 13

    @field_validator("model_dir", "data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()
